// `prow up` wires in-repo config: a trusted PR on a repo in_repo_config enables starts the presubmit its
// `.prow.yaml` declares, read from the fake GitHub's git repository (the same mirrors `prow hook` uses).
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startFakeGitHub, type FakeGitHub } from '../../src/github/fake/server.js';
import { webhookHeaders } from '../../src/github/webhook-sign.js';
import { openSqliteStore, storePath } from '../../src/store/sqlite/store.js';
import { commandArgs, spawnCli } from '../support/spawn-cli.js';

const REPO = 'org/repo';
const SECRET = 'up-inrepo-secret';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('prow up with in-repo config', { timeout: 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'prow-up-inrepo-'));
  let fake: FakeGitHub;
  before(async () => {
    fake = await startFakeGitHub({
      seed: {
        users: ['alice'],
        orgs: { org: { members: ['alice'] } },
        repos: [{
          repo: REPO, defaultBranch: 'main',
          files: { 'README.md': 'hi\n', '.prow.yaml': 'presubmits:\n- name: from-prow-yaml\n  always_run: true\n  spec: {containers: [{image: alpine, command: ["true"]}]}\n' },
        }],
        pulls: [{ repo: REPO, number: 1, author: 'alice', title: 'a change', files: { 'a.txt': 'two\n' } }],
      },
    });
  });
  after(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts the presubmit .prow.yaml declares, and tide merges the PR once it passes', async (t) => {
    const hookPort = await freePort();
    const reposRoot = dirname(dirname(await fake.repoDir(REPO)));
    // tide merges what passes the in-repo job (one query, no labels needed), syncing every second.
    writeFileSync(join(dir, 'config.yaml'), 'prowjob_namespace: default\nin_repo_config:\n  enabled:\n    org/repo: true\n'
      + 'tide:\n  sync_period: 1s\n  status_update_period: 1s\n  queries:\n  - repos: [org/repo]\n');
    writeFileSync(join(dir, 'plugins.yaml'), 'plugins:\n  org:\n    plugins: [trigger]\n');
    writeFileSync(join(dir, 'hmac'), `${SECRET}\n`);
    writeFileSync(join(dir, 'token'), 'token\n');
    const dataDir = join(dir, 'data');
    const up = spawnCli(process.execPath, commandArgs('up',
      '--data-dir', dataDir, '--config-path', join(dir, 'config.yaml'), '--plugin-config', join(dir, 'plugins.yaml'),
      '--hook-port', String(hookPort), '--deck-port', '0', '--hmac-secret-file', join(dir, 'hmac'),
      '--github-token-path', join(dir, 'token'), '--github-endpoint', fake.url,
      '--clone-url-rewrite', `https://github.com/=file://${reposRoot}/`), { name: 'up' });
    t.after(() => up.kill());
    await up.waitForLog('prow is up', 120_000); // the banner, as one JSON record

    const pr = await (await fetch(`${fake.url}/repos/${REPO}/pulls/1`, { headers: { authorization: 'token token' } })).json() as Record<string, unknown>;
    const body = JSON.stringify({ action: 'opened', number: 1, pull_request: pr, repository: (pr.base as { repo: unknown }).repo, sender: { login: 'alice' } });
    const res = await fetch(`http://127.0.0.1:${hookPort}/hook`, { method: 'POST', body, headers: webhookHeaders({ event: 'pull_request', body, secret: SECRET, deliveryId: 'inrepo-1' }) });
    assert.equal(res.status, 200);
    const store = openSqliteStore(storePath(dataDir));
    t.after(() => store.close());
    const job = await up.waitUntil(async () => (await store.listProwJobs()).items.find((pj) => pj.spec.job === 'from-prow-yaml'), 'the in-repo ProwJob', 120_000);
    assert.equal(job.spec.type, 'presubmit');
    assert.equal(job.spec.refs?.pulls?.[0]?.number, 1);
    // The job runs (`true`), crier posts its context, and tide, which requires it by .prow.yaml, merges.
    await up.waitUntil(async () => fake.isMerged(REPO, 1) || undefined, 'tide to merge the PR', 120_000);
    // Not before: the merge follows the job's green status (tide without .prow.yaml would require nothing).
    const writes = fake.calls({ write: true });
    const green = writes.find((c) => c.route.endsWith('/statuses/{sha}') && (c.body as { context?: string; state?: string }).context === 'from-prow-yaml' && (c.body as { state?: string }).state === 'success');
    const merge = writes.find((c) => c.route.endsWith('/pulls/{pull_number}/merge'));
    assert.ok(green && merge && green.seq < merge.seq, `green status #${green?.seq} before merge #${merge?.seq}`);
  });
});
