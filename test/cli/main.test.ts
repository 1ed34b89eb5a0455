import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';

const run = promisify(execFile);

describe('bin/prow', () => {
  it('lists its subcommands in --help', async () => {
    const { stdout } = await run('node', ['bin/prow', '--help']);
    assert.match(stdout, /Usage: prow/);
    assert.match(stdout, /\bup\b/);
  });

  it('exits non-zero on an unknown subcommand', async () => {
    await assert.rejects(run('node', ['bin/prow', 'no-such-thing']), (err: { code?: number; stderr?: string }) => {
      assert.notEqual(err.code, 0);
      assert.match(err.stderr ?? '', /unknown command/);
      return true;
    });
  });

  it('runs the built bundle, which has every subcommand file of src/cli (discovered at build time)', async () => {
    const { stdout } = await run('node', ['bin/prow', '--help']);
    const names = readdirSync('src/cli').filter((f) => f.endsWith('.ts') && f !== 'main.ts').map((f) => f.replace(/\.ts$/, ''));
    const listed = new Set([...stdout.matchAll(/^ {2}([a-z][\w-]*)\b/gm)].map((m) => m[1]));
    for (const name of names) {
      const mod = readFileSync(`src/cli/${name}.ts`, 'utf8');
      const declared = /new Command\('([\w-]+)'\)/.exec(mod)?.[1];
      if (declared) assert.ok(listed.has(declared), `prow --help lists ${declared} (src/cli/${name}.ts)`);
    }
    assert.doesNotMatch(readFileSync('dist/prow.js', 'utf8'), /from ['"]tsx/, 'the bundle needs no TypeScript loader');
    for (const f of ['list.js', 'job.js', 'deck.css']) assert.ok(statSync(`dist/web/${f}`).size > 0, `deck's dist/web/${f} is built`);
  });

  it('rebuilds dist/ first when a source is newer than the build', async () => {
    const before = statSync('dist/prow.js').mtimeMs;
    const later = new Date(Math.max(Date.now(), before + 1));
    utimesSync('src/cli/main.ts', later, later);
    await run('node', ['bin/prow', '--help']);
    assert.ok(statSync('dist/prow.js').mtimeMs > before, 'dist/prow.js was rebuilt');
  });
});
