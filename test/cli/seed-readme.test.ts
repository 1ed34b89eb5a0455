// The seed README's demo (test-infra prow/README.md, Sept 2017), with bin/prow for the binaries, run as
// written from a checkout laid out as 2017's: `hook --local` in one shell, `phony` in another, `mkpj --job=`.
// The files are the hand-written 2017-shaped fixtures of test/fixtures/seed-2017/.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { openSqliteStore, storePath } from '../../src/store/sqlite/store.js';
import { PROW_BIN, spawnCli, type CliProcess } from '../support/spawn-cli.js';

const exec = promisify(execFile);
const FIXTURES = new URL('../fixtures/seed-2017/', import.meta.url).pathname;

describe('the seed README, as written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'prow-seed-readme-'));
  let hook: CliProcess;
  const prow = (...args: string[]) => exec(process.execPath, [PROW_BIN, ...args], { cwd: dir });

  before(async () => {
    mkdirSync(join(dir, 'prow', 'cmd', 'phony'), { recursive: true });
    cpSync(join(FIXTURES, 'config.yaml'), join(dir, 'prow', 'config.yaml'));
    cpSync(join(FIXTURES, 'plugins.yaml'), join(dir, 'prow', 'plugins.yaml'));
    cpSync(join(FIXTURES, 'examples'), join(dir, 'prow', 'cmd', 'phony', 'examples'), { recursive: true });
    // ./bazel-bin/prow/cmd/hook/hook --local --config-path prow/config.yaml --plugin-config prow/plugins.yaml
    hook = spawnCli(process.execPath, [PROW_BIN, 'hook', '--local', '--config-path', 'prow/config.yaml', '--plugin-config', 'prow/plugins.yaml'], { cwd: dir, name: 'hook --local' });
    await hook.waitForLog('hook serving', 60_000);
  });
  after(async () => {
    await hook.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the local HMAC secret and serves on localhost:8888', () => {
    assert.match(hook.output(), /HMAC secret: abcde12345/);
    assert.match(hook.output(), /"port":8888/);
  });

  it('phony with its defaults pings hook', async () => {
    const { stdout } = await prow('phony');
    assert.match(stdout, /^200 /);
  });

  it('/test all through phony creates the ProwJobs in the local store', async () => {
    // ./bazel-bin/prow/cmd/phony/phony --event issue_comment --payload prow/cmd/phony/examples/test_comment.json
    const { stdout } = await prow('phony', '--event', 'issue_comment', '--payload', 'prow/cmd/phony/examples/test_comment.json');
    assert.match(stdout, /^200 /);
    const store = openSqliteStore(storePath(join(dir, '.prow')));
    try {
      const jobs = await hook.waitUntil(async () => {
        const { items } = await store.listProwJobs();
        return items.length > 0 ? items : undefined;
      }, 'a ProwJob in .prow/prow.db');
      assert.deepEqual(jobs.map((j) => [j.spec.job, j.spec.agent, j.spec.refs?.org, j.spec.refs?.repo, j.spec.refs?.pulls?.[0]?.number]),
        [['pull-gadgets-e2e', 'jenkins', 'acme', 'gadgets', 12]]);
    } finally {
      await store.close();
    }
  });

  it('a pull request opened through phony triggers its always_run jobs, Jenkins and pod alike', async () => {
    await prow('phony', '--event', 'pull_request', '--payload', 'prow/cmd/phony/examples/opened_pr.json');
    const store = openSqliteStore(storePath(join(dir, '.prow')));
    try {
      const jobs = await hook.waitUntil(async () => {
        const { items } = await store.listProwJobs();
        const mine = items.filter((j) => j.spec.refs?.repo === 'widgets');
        return mine.length >= 2 ? mine : undefined;
      }, 'the acme/widgets#7 ProwJobs');
      assert.deepEqual(jobs.map((j) => [j.spec.job, j.spec.agent, j.spec.refs?.pulls?.[0]?.number, j.spec.refs?.pulls?.[0]?.sha]).sort(),
        [['pull-widgets-build', 'kubernetes', 7, '9f1c2d3e4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d'], ['pull-widgets-verify', 'jenkins', 7, '9f1c2d3e4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d']]);
    } finally {
      await store.close();
    }
  });

  it('logs each GitHub write as one line with method, path and body', async () => {
    await prow('phony', '--event', 'issue_comment', '--payload', 'prow/cmd/phony/examples/lgtm_comment.json');
    const line = await hook.waitUntil(() => hook.stdout().split('\n').find((l) => l.includes('skipped github write') && l.includes('/repos/acme/gadgets/issues/12/labels')), 'the lgtm label write');
    const rec = JSON.parse(line) as { method: string; path: string; body: unknown };
    assert.deepEqual([rec.method, rec.path, rec.body], ['POST', '/repos/acme/gadgets/issues/12/labels', { labels: ['lgtm'] }]);
  });

  it('mkpj takes --job=NAME', async () => {
    const { stdout } = await prow('mkpj', '--job=ci-widgets-soak', '--config-path', 'prow/config.yaml');
    assert.match(stdout, /^ {2}job: ci-widgets-soak$/m);
    assert.match(stdout, /^ {2}agent: jenkins$/m);
  });
});
