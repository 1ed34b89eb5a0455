// Tide in the whole embedded system: webhooks through the real hook and trigger plugin, jobs run by the
// real controller (local processes, clonerefs merging every PR of a batch), statuses from the real crier,
// merges on the fake GitHub's real git repository.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ProwJob } from '../../src/api/prowjob.js';
import { DEMO_ORG, DEMO_PULL, DEMO_REPO, seedDemo } from '../../src/cli/support/demo.js';
import { startEmbedded, type EmbeddedSystem } from '../../src/cli/support/embedded.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/github/fake/server.js';
import { sendWebhook } from '../../src/github/send-webhook.js';
import { createSilentLogger } from '../../src/observability/logger.js';
import { waitFor } from '../support/wait.js';
import { testGitHubClient } from '../support/world.js';

const REPO = `${DEMO_ORG}/${DEMO_REPO}`;

describe('tide in the embedded system', { timeout: 240_000 }, () => {
  let fake: FakeGitHub;
  let root: string;
  let system: EmbeddedSystem | undefined;
  const secret = 'system-secret';

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'prow-tide-system-'));
    fake = await startFakeGitHub();
    await seedDemo(fake);
    for (const n of [2, 3]) await fake.openPull({ repo: REPO, number: n, author: 'alice', title: `Change ${n}`, files: { [`change-${n}.txt`]: `change ${n}\n` } });
    // The example config, with tide syncing every second.
    const config = readFileSync('examples/config.yaml', 'utf8').replace(/sync_period: 10s\n {2}status_update_period: 10s/, 'sync_period: 1s\n  status_update_period: 1s');
    assert.match(config, /sync_period: 1s/);
    writeFileSync(join(root, 'config.yaml'), config);
    writeFileSync(join(root, 'token'), 'system-token\n');
    writeFileSync(join(root, 'hmac'), `${secret}\n`);
    const reposRoot = dirname(dirname(await fake.repoDir(REPO)));
    system = await startEmbedded({
      dataDir: join(root, 'data'), configPath: join(root, 'config.yaml'), jobConfigPath: 'examples/jobs', pluginConfigPath: 'examples/plugins.yaml',
      hookPort: 0, deckPort: 0, fakeGitHubPort: 0, githubEndpoint: fake.url, githubTokenPath: join(root, 'token'), hmacSecretFile: join(root, 'hmac'),
      dryRun: false, cloneUrlRewrites: [{ from: 'https://github.com/', to: `file://${reposRoot}/` }], log: createSilentLogger(),
    });
  });

  after(async () => {
    await system?.close();
    await fake.close();
    rmSync(root, { recursive: true, force: true });
  });

  async function opened(number: number): Promise<void> {
    const payload = JSON.parse(readFileSync('examples/payloads/pull_request-opened.json', 'utf8')) as Record<string, any>;
    const issue = fake.issue(REPO, number)!;
    payload.number = number;
    Object.assign(payload.pull_request, { number, title: issue.title, html_url: `https://github.com/${REPO}/pull/${number}` });
    payload.pull_request.head.sha = await fake.headSha(REPO, number);
    payload.pull_request.head.ref = issue.pull!.headRef;
    payload.pull_request.base.sha = await fake.branchSha(REPO, 'main');
    payload.pull_request.user.login = issue.user;
    payload.sender.login = issue.user;
    // The demo PR is bob's (not an org member) with ok-to-test: as upstream's trigger, opened tests only a
    // trusted author's PR, while a push (synchronize) honours the label.
    if (number === DEMO_PULL) {
      payload.action = 'synchronize';
      payload.pull_request.labels = issue.labels.map((name) => ({ name }));
    }
    const res = await sendWebhook({ address: `${system!.hookUrl}/hook`, event: 'pull_request', body: JSON.stringify(payload), secret });
    assert.equal(res.status, 200, res.body);
  }

  const unitState = async (n: number): Promise<string | undefined> => fake.statuses(REPO, await fake.headSha(REPO, n)).filter((s) => s.context === 'unit').at(-1)?.state;

  it('tests three PRs, merges one, then tests the other two as one batch and merges both', async () => {
    for (const n of [DEMO_PULL, 2, 3]) await opened(n);
    for (const n of [DEMO_PULL, 2, 3]) await waitFor(async () => (await unitState(n)) === 'success', { timeoutMs: 90_000, message: `unit to pass on #${n}` });
    // Not ready yet: tide says what is missing.
    await waitFor(async () => fake.statuses(REPO, await fake.headSha(REPO, 2)).some((s) => s.context === 'tide' && s.description.startsWith('Not mergeable. Needs ')), { timeoutMs: 30_000, message: 'the tide status' });
    // A maintainer approves all three at once (labels, as /lgtm and /approve set them).
    const client = testGitHubClient(fake);
    for (const n of [DEMO_PULL, 2, 3]) await client.addLabels(DEMO_ORG, DEMO_REPO, n, ['lgtm', 'approved']);
    await waitFor(() => [DEMO_PULL, 2, 3].every((n) => fake.isMerged(REPO, n)), { timeoutMs: 120_000, intervalMs: 200, message: 'all three merged' });
    const jobs = ((await (await fetch(`${system!.deckUrl}/prowjobs.js`)).json()) as { items: ProwJob[] }).items;
    const batch = jobs.filter((pj) => pj.spec.type === 'batch');
    assert.equal(batch.length, 1, JSON.stringify(jobs.map((j) => [j.spec.type, j.spec.job, j.status.state])));
    assert.deepEqual(batch[0]!.spec.refs?.pulls?.map((p) => p.number), [2, 3]);
    assert.equal(batch[0]!.status.state, 'success');
    const history = ((await (await fetch(`${system!.deckUrl}/tide-history.js`)).json()) as { History: Record<string, { action: string; target?: { number: number }[] }[]> }).History[`${REPO}:main`] ?? [];
    assert.deepEqual(history.filter((r) => r.action !== 'TRIGGER').map((r) => [r.action, (r.target ?? []).map((t) => t.number)]).reverse(), [['MERGE', [1]], ['TRIGGER_BATCH', [2, 3]], ['MERGE_BATCH', [2, 3]]]);
    for (const f of ['change-2.txt', 'change-3.txt']) assert.ok(await fake.file(REPO, f, 'main'), f);
  });
});
