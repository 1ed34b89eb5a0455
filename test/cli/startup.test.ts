// What a person meets first at the command line: `prow --version`, `--dry-run=false` everywhere, one
// clear line and exit 1 (before anything starts) for a busy port, a missing file or an unreachable
// address, and `prow mkpj --create` putting a ProwJob into the embedded store.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { openSqliteStore, storePath } from '../../src/store/sqlite/store.js';
import { PROW_BIN } from '../support/spawn-cli.js';

const exec = promisify(execFile);

async function prow(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [PROW_BIN, ...args], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('prow command line', () => {
  let dir: string;
  let busy: Server;
  let busyPort = 0;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'prow-startup-'));
    busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    busyPort = (busy.address() as { port: number }).port;
  });
  after(async () => {
    await new Promise((r) => busy.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('prow --version prints the package version', async () => {
    const r = await prow('--version');
    assert.equal(r.code, 0);
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    assert.equal(r.stdout.trim(), version);
  });

  for (const sub of ['up', 'controller', 'deck', 'hook', 'crier', 'sinker', 'horologium']) {
    it(`prow ${sub} accepts --dry-run=false`, async () => {
      const r = await prow(sub, '--dry-run=false', '--help');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /--dry-run \[bool\]/);
    });
  }

  it('prow up: a busy port is one line naming the flag, exit 1, and no job was started', async () => {
    const data = join(dir, 'busy-up');
    const r = await prow('up', '--data-dir', data, '--deck-port', String(busyPort), '--hook-port', '0', '--fake-github-port', '0');
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `prow up: --deck-port ${busyPort}: 127.0.0.1:${busyPort} is already in use (another prow running?); pick a free port with --deck-port\n`);
    assert.doesNotMatch(r.stdout, /horologium|triggered/);
    assert.throws(() => readFileSync(storePath(data)), /ENOENT/, 'nothing started: no store was even opened');
  });

  it('prow up: a missing secret file is one line, exit 1', async () => {
    const r = await prow('up', '--data-dir', join(dir, 'missing'), '--hmac-secret-file', join(dir, 'nope'), '--hook-port', '0', '--deck-port', '0', '--fake-github-port', '0');
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `prow up: --hmac-secret-file ${join(dir, 'nope')}: no such file\n`);
  });

  it('prow tot / deck: a busy port is one line, exit 1, no stack', async () => {
    const cases = [
      ['tot', '--data-dir', join(dir, 'tot'), '--port', String(busyPort)],
      ['deck', '--config-path', 'examples/config.yaml', '--data-dir', join(dir, 'deck'), '--hostname', '127.0.0.1', '--port', String(busyPort)],
    ];
    for (const args of cases) {
      const r = await prow(...args);
      assert.equal(r.code, 1, `${args[0]}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`^prow ${args[0]}: --port ${busyPort}: .*:${busyPort} is already in use.*\\n$`));
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
  });

  it('crier, sinker, horologium, tide, jenkins-operator, kube-fake: a busy port is one line naming the flag, exit 1, nothing opened', async () => {
    const cfg = ['--config-path', 'examples/config.yaml'];
    const cases: [string, string, string[]][] = [
      ['crier', '--metrics-port', cfg], ['sinker', '--health-port', cfg], ['horologium', '--metrics-port', cfg],
      ['tide', '--port', cfg], ['jenkins-operator', '--log-port', cfg], ['kube-fake', '--port', ['--hostname', '127.0.0.1']],
    ];
    for (const [sub, flag, rest] of cases) {
      const data = join(dir, `busy-${sub}`);
      const r = await prow(sub, ...rest, ...(sub === 'kube-fake' ? [] : ['--data-dir', data]), flag, String(busyPort));
      assert.equal(r.code, 1, `${sub}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`^prow ${sub}: ${flag} ${busyPort}: .*:${busyPort} is already in use \\(another prow running\\?\\); pick a free port with ${flag}\\n$`));
      assert.equal(r.stdout, '', `${sub} started nothing`);
      assert.throws(() => readFileSync(storePath(data)), /ENOENT/, `${sub}: no store was opened`);
    }
  });

  it('prow phony: a missing payload file and an unreachable address are one line each, exit 1', async () => {
    const missing = await prow('phony', '--payload', join(dir, 'none.json'));
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, `prow phony: cannot read ${join(dir, 'none.json')}: no such file\n`);
    // A port nobody listens on.
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const freePort = (closed.address() as { port: number }).port;
    await new Promise((r) => closed.close(r));
    const nobody = await prow('phony', '--address', `http://127.0.0.1:${freePort}/hook`);
    assert.equal(nobody.code, 1);
    assert.equal(nobody.stderr, `phony: sending to http://127.0.0.1:${freePort}/hook failed: connection refused (is hook running and listening there?)\n`);
  });

  it('prow mkpj --create puts the ProwJob into the embedded store, as triggered', async () => {
    const data = join(dir, 'mkpj');
    const store = openSqliteStore(storePath(data)); // the store `prow up` would have made
    await store.close();
    const r = await prow('mkpj', '--config-path', 'examples/config.yaml', '--job-config-path', 'examples/jobs', '--job', 'periodic-demo-heartbeat', '--create', '--data-dir', data);
    assert.equal(r.code, 0, r.stderr);
    const name = /^created ProwJob (\S+) \(periodic periodic-demo-heartbeat\) in /.exec(r.stdout)?.[1];
    assert.ok(name, r.stdout);
    const again = openSqliteStore(storePath(data));
    try {
      const pj = await again.getProwJob(name);
      assert.equal(pj?.spec.job, 'periodic-demo-heartbeat');
      assert.equal(pj?.status.state, 'triggered');
    } finally {
      await again.close();
    }
  });

  it('prow mkpj --create without a store says which --data-dir it looked in', async () => {
    const r = await prow('mkpj', '--config-path', 'examples/config.yaml', '--job-config-path', 'examples/jobs', '--job', 'periodic-demo-heartbeat', '--create', '--data-dir', join(dir, 'none'));
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `mkpj: --data-dir ${join(dir, 'none', 'prow.db')}: no such file\n`);
  });
});
