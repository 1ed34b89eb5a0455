// `prow tide` as a child process against the fake GitHub: --run-once merges a ready PR (and writes the
// history file); the default --dry-run only says what it would do.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { contextDescriptionWithBaseSha } from '../../src/api/status-description.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/github/fake/server.js';
import { commandArgs, spawnCli } from '../support/spawn-cli.js';
import { testGitHubClient } from '../support/world.js';

const CONFIG = `tide:
  queries:
  - repos: [org/repo]
    labels: [lgtm, approved]
  merge_method:
    org/repo: squash
presubmits:
  org/repo:
  - name: unit
    always_run: true
    spec: {containers: [{image: alpine}]}
`;

describe('prow tide', { timeout: 120_000 }, () => {
  let gh: FakeGitHub;
  let dir: string;
  before(async () => {
    gh = await startFakeGitHub();
    dir = mkdtempSync(join(tmpdir(), 'prow-tide-cli-'));
    writeFileSync(join(dir, 'config.yaml'), CONFIG);
    writeFileSync(join(dir, 'token'), 'cli-token\n');
  });
  after(async () => {
    await gh.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function readyPR(): Promise<void> {
    await gh.reset({ repos: [{ repo: 'org/repo', labels: ['lgtm', 'approved'] }], pulls: [{ repo: 'org/repo', number: 1, author: 'bob', title: 'Ready', labels: ['lgtm', 'approved'] }] });
    await gh.ready();
    const base = (await gh.branchSha('org/repo', 'main')) ?? '';
    await testGitHubClient(gh).createStatus('org', 'repo', await gh.headSha('org/repo', 1), { context: 'unit', state: 'success', description: contextDescriptionWithBaseSha('Job succeeded.', base) });
    gh.clearCalls();
  }

  function run(...flags: string[]) {
    return spawnCli(process.execPath, commandArgs('tide', '--config-path', join(dir, 'config.yaml'), '--data-dir', join(dir, 'data'),
      '--github-endpoint', gh.url, '--github-token-path', join(dir, 'token'), '--run-once', ...flags), { name: 'prow tide', env: { ...process.env, LOG_LEVEL: 'info' } });
  }

  it('--run-once --dry-run=false merges a ready PR with the configured method and records it', async () => {
    await readyPR();
    const history = join(dir, 'history.json');
    const p = run('--dry-run=false', '--history-uri', history);
    assert.equal(await p.exited(60_000), 0, p.output());
    assert.equal(gh.isMerged('org/repo', 1), true);
    assert.equal((await gh.file('org/repo', 'pr-1.txt', 'main')), 'change 1\n');
    const merge = gh.calls().find((c) => c.method === 'PUT' && /\/pulls\/1\/merge$/.test(c.path));
    assert.equal((merge?.body as { merge_method?: string } | undefined)?.merge_method, 'squash');
    const records = JSON.parse(readFileSync(history, 'utf8')) as Record<string, { action: string }[]>;
    assert.equal(records['org/repo:main']?.[0]?.action, 'MERGE');
  });

  it('is a dry run by default, as upstream: nothing merges, the log says what would', async () => {
    await readyPR();
    const p = run();
    assert.equal(await p.exited(60_000), 0, p.output());
    assert.equal(gh.isMerged('org/repo', 1), false);
    assert.match(p.output(), /dry run: would merge/);
    assert.equal(gh.calls().filter((c) => c.method !== 'GET' && c.path !== '/graphql').length, 0);
  });
});
