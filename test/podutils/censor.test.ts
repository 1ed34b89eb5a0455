// The sidecar's censoring, with the cases of upstream pkg/sidecar/censor_test.go and
// pkg/secretutil/censor_test.go: the windowed rewrite, base64 forms, include/exclude globs, docker and
// INI secrets, minimum length, archives.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { censorFile, censorFiles, Censorer, loadSecrets, shouldCensor } from '../../src/podutils/censor.js';

const preamble = 'In my younger and more vulnerable years my father gave me some advice that I’ve been turning over in my mind ever since.';

function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'censor-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

describe('censoring', () => {
  for (const { name, bufferSize } of [
    { name: 'input smaller than the buffer', bufferSize: 400 },
    { name: 'input larger than the buffer, not a multiple of it', bufferSize: 16 },
    { name: 'a buffer of two bytes more than the longest secret', bufferSize: 14 },
  ]) {
    it(`censor(): ${name}`, withDir(async (dir) => {
      const file = join(dir, 'f');
      const input = Buffer.from(preamble, 'utf8').subarray(0, 100);
      writeFileSync(file, input);
      await censorFile(file, new Censorer(['younger', 'my']), bufferSize);
      assert.equal(readFileSync(file, 'utf8'), 'In XX XXXXXXX and more vulnerable years XX father gave me some advice that I’ve been turning over ');
    }));
  }

  const censorerCases: { name: string; secrets: string[]; input: string; want: string; min?: number }[] = [
    { name: 'a secret and its base64 form', secrets: ['hunter2'], input: `pw=hunter2 b64=${Buffer.from('hunter2').toString('base64')}`, want: 'pw=XXXXXXX b64=XXXXXXXXXXXX' },
    { name: 'a secret file with a trailing newline: trimmed, and both base64 forms', secrets: ['tok3n\n'], input: `tok3n ${Buffer.from('tok3n\n').toString('base64')} ${Buffer.from('tok3n').toString('base64')}`, want: 'XXXXX XXXXXXXX XXXXXXXX' },
    { name: 'true and false are never secrets', secrets: ['true', 'FALSE', ''], input: 'true FALSE', want: 'true FALSE' },
    { name: 'shorter than the minimum length: left alone', secrets: ['abc', 'abcdefgh'], input: 'abc abcdefgh', want: 'abc XXXXXXXX', min: 4 },
    { name: 'many occurrences, multibyte text around them', secrets: ['s3cr3t'], input: 'é s3cr3ts3cr3t ü', want: 'é XXXXXXXXXXXX ü' },
  ];
  for (const c of censorerCases) {
    it(`Censorer: ${c.name}`, () => {
      const buf = Buffer.from(c.input, 'utf8');
      new Censorer(c.secrets, c.min ?? 0).censor(buf);
      assert.equal(buf.toString('utf8'), c.want);
    });
  }

  const globCases = [
    { name: 'no options defaults to include', options: {}, path: 'usr/bin/bash', want: true },
    { name: 'not matching include defaults to false', options: { include_directories: ['tmp/**/*'] }, path: 'usr/bin/bash', want: false },
    { name: 'matching include censors', options: { include_directories: ['usr/**/*'] }, path: 'usr/bin/bash', want: true },
    { name: 'matching include and exclude does not censor', options: { include_directories: ['usr/**/*'], exclude_directories: ['usr/bin/**/*'] }, path: 'usr/bin/bash', want: false },
    { name: 'matching exclude does not censor', options: { exclude_directories: ['usr/bin/**/*'] }, path: 'usr/bin/bash', want: false },
  ];
  for (const c of globCases) it(`shouldCensor: ${c.name}`, () => assert.equal(shouldCensor(c.options, c.path), c.want));

  it('loads secret files, skipping ..data links, with docker auths and INI values', withDir(async (dir) => {
    const secrets = join(dir, 'secrets');
    mkdirSync(join(secrets, 'a', '..2024_01_01'), { recursive: true });
    writeFileSync(join(secrets, 'a', '..2024_01_01', 'hidden'), 'not-loaded');
    writeFileSync(join(secrets, 'a', 'friend.txt'), 'my-friend-secret');
    writeFileSync(join(secrets, 'a', '.dockercfg'), JSON.stringify({ 'registry.io': { auth: 'ZG9ja2VyOmF1dGg=', password: 'cfgpass' } }));
    writeFileSync(join(secrets, 'a', '.dockerconfigjson'), JSON.stringify({ auths: { 'r.io': { auth: 'anotherauth' } } }));
    writeFileSync(join(secrets, 'a', '.awscred'), '[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = "wJalrXUtnFEMI"\n');
    const loaded = (await loadSecrets([secrets], ['.awscred'])).map((b) => b.toString('utf8'));
    assert.ok(loaded.includes('my-friend-secret'));
    assert.ok(!loaded.includes('not-loaded'));
    for (const want of ['ZG9ja2VyOmF1dGg=', 'cfgpass', 'anotherauth', 'AKIAEXAMPLE', 'wJalrXUtnFEMI']) assert.ok(loaded.includes(want), want);
  }));

  it('censors process logs and artifacts (not excluded ones, not through symlinks), and inside gzip tarballs', withDir(async (dir) => {
    const secrets = join(dir, 'secrets');
    mkdirSync(secrets);
    writeFileSync(join(secrets, 'token'), 'sup3r-s3cret\n');
    const artifacts = join(dir, 'artifacts');
    mkdirSync(join(artifacts, 'first'), { recursive: true });
    mkdirSync(join(artifacts, 'archive'), { recursive: true });
    writeFileSync(join(dir, 'one.log'), 'log: sup3r-s3cret\n');
    writeFileSync(join(artifacts, 'first', 'log.txt'), 'artifact: sup3r-s3cret\n');
    writeFileSync(join(artifacts, 'first', 'exclude'), 'kept: sup3r-s3cret\n');
    writeFileSync(join(artifacts, 'first', 'encoded.txt'), `${Buffer.from('sup3r-s3cret').toString('base64')}\n`);
    symlinkSync(join(dir, 'one.log'), join(artifacts, 'link'));
    execFileSync('mkdir', ['-p', join(dir, 'src', 'nested')]);
    writeFileSync(join(dir, 'src', 'nested', 'quote.log'), 'in the tarball: sup3r-s3cret\n');
    execFileSync('tar', ['-czf', join(artifacts, 'archive', 'bundle.tar.gz'), '-C', join(dir, 'src'), '.']);
    const errors = await censorFiles({ secret_directories: [secrets], exclude_directories: ['**/exclude'] }, [join(dir, 'one.log')], [artifacts]);
    assert.deepEqual(errors, []);
    assert.equal(readFileSync(join(dir, 'one.log'), 'utf8'), 'log: XXXXXXXXXXXX\n');
    assert.equal(readFileSync(join(artifacts, 'first', 'log.txt'), 'utf8'), 'artifact: XXXXXXXXXXXX\n');
    assert.equal(readFileSync(join(artifacts, 'first', 'exclude'), 'utf8'), 'kept: sup3r-s3cret\n');
    assert.equal(readFileSync(join(artifacts, 'first', 'encoded.txt'), 'utf8'), 'XXXXXXXXXXXXXXXX\n');
    const unpacked = join(dir, 'unpacked');
    mkdirSync(unpacked);
    execFileSync('tar', ['-xzf', join(artifacts, 'archive', 'bundle.tar.gz'), '-C', unpacked]);
    assert.equal(readFileSync(join(unpacked, 'nested', 'quote.log'), 'utf8'), 'in the tarball: XXXXXXXXXXXX\n');
  }));

  it('a corrupt archive is reported, and the other files are still censored', withDir(async (dir) => {
    const secrets = join(dir, 'secrets');
    mkdirSync(secrets);
    writeFileSync(join(secrets, 'token'), 'sup3r-s3cret');
    const artifacts = join(dir, 'artifacts');
    mkdirSync(artifacts);
    writeFileSync(join(artifacts, 'broken.tar.gz'), Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02]));
    writeFileSync(join(artifacts, 'plain.txt'), 'sup3r-s3cret');
    const errors = await censorFiles({ secret_directories: [secrets] }, [], [artifacts]);
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /could not censor archive .*broken\.tar\.gz/);
    assert.equal(readFileSync(join(artifacts, 'plain.txt'), 'utf8'), 'XXXXXXXXXXXX');
  }));
});
