// blunderbuss, dco, verify-owners, override, branchcleaner, reward-owners and trick-or-treat end to end: a
// signed webhook over HTTP into the real hook server (durable intake, dispatcher, registry), the plugins
// enabled together by plugins.yaml through the real loader, the real Octokit client against the fake
// GitHub and the real OWNERS client over the fake's git repositories. The per-plugin tables
// (test/plugins/<name>/) cover each plugin's cases; this checks that they run side by side from webhooks.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Config, PluginsConfig } from '../../src/config/types.js';
import type { FakeSeed } from '../../src/github/fake/state.js';
import { staticSecretSource } from '../../src/hook/secrets.js';
import { startHookServer, type HookServer } from '../../src/hook/server.js';
import { createSilentLogger } from '../../src/observability/logger.js';
import { builtinPlugins } from '../../src/plugins/registry.js';
import { webhookHeaders } from '../hook/support/helpers.js';
import { snapshotOf } from '../support/config.js';
import { startFakeImages, type FakeImages } from '../support/fake-images.js';
import { pluginConfig } from './shared/fixtures.js';
import { BOT, configWith, issueCommentDelivery, pullRequestDelivery, scenarioSeed, startWorld, type Delivery, type World } from './trigger/fixtures.js';

const SECRET = 'plugins-a-secret';
const PLUGINS = ['blunderbuss', 'dco', 'verify-owners', 'override', 'branchcleaner', 'reward-owners', 'trick-or-treat'];

let w: World;
let server: HookServer;
let images: FakeImages;
let snapshot: { config: Config; pluginConfig: PluginsConfig };

before(async () => {
  images = await startFakeImages();
  snapshot = { config: configWith(), pluginConfig: pluginConfig('{}') };
  w = await startWorld(() => snapshot.pluginConfig);
  server = await startHookServer({
    port: 0, hostname: '127.0.0.1', store: w.store, jobs: w.store, snapshot: () => snapshotOf(snapshot.config, snapshot.pluginConfig), github: w.client, plugins: builtinPlugins,
    log: createSilentLogger(), secrets: staticSecretSource(SECRET), owners: w.owners, pollIntervalMs: 10, retryBaseMs: 10,
  });
});
after(async () => {
  await server.close();
  await w.close();
  await images.close();
});

async function given(seed: FakeSeed): Promise<void> {
  snapshot = {
    config: configWith(),
    pluginConfig: pluginConfig(`plugins:\n  org:\n    plugins: [${PLUGINS.join(', ')}]\nblunderbuss:\n  request_count: 1\ntrick_or_treat:\n  images: ["${images.url}/img/candy.jpg"]\n`),
  };
  seed.users = [...seed.users!, 'admin-user', 'rando'];
  seed.repos![0]!.files = { OWNERS: 'approvers: [collab1]\nreviewers: [collab2]\n' };
  seed.repos![0]!.collaborators = { collab1: 'write', collab2: 'write', 'admin-user': 'admin', alice: 'write' };
  await w.gh.reset(seed);
  await w.client.botUser();
}

let seq = 0;
/** Posts the delivery signed over HTTP and waits until the dispatcher has handled it, without a plugin failing. */
async function send(d: Delivery): Promise<void> {
  const id = `${d.id}-${++seq}`;
  const errorsBefore = (await server.metrics.pluginHandleErrors.get()).values.reduce((n, v) => n + v.value, 0);
  const body = JSON.stringify(d.payload);
  const res = await fetch(`${server.url}/hook`, { method: 'POST', headers: webhookHeaders(d.type, id, body, SECRET), body });
  assert.equal(res.status, 200, await res.text());
  await server.dispatcher.idle();
  assert.equal((await w.store.getDelivery(id))?.status, 'done');
  const errorsAfter = (await server.metrics.pluginHandleErrors.get()).values.reduce((n, v) => n + v.value, 0);
  assert.equal(errorsAfter, errorsBefore, 'no plugin failed');
}

const botComments = (): string[] => w.gh.comments('org/repo', 5).filter((c) => c.user === BOT).map((c) => c.body);

describe('plugins-a through the hook', () => {
  it('a PR opened with an unsigned commit: dco fails it, blunderbuss requests the OWNERS reviewer, verify-owners stays quiet', async () => {
    await given(scenarioSeed());
    await send(await pullRequestDelivery(w.gh, 'open', 'opened'));
    assert.deepEqual(w.gh.labels('org/repo', 5), ['dco-signoff: no']);
    const head = await w.gh.headSha('org/repo', 5);
    assert.deepEqual(w.gh.statuses('org/repo', head).map((s) => [s.context, s.state]), [['dco', 'failure']]);
    assert.deepEqual(w.gh.requestedReviewers('org/repo', 5), ['collab2']);
    assert.equal(botComments().length, 1);
    assert.match(botComments()[0]!, /DCO signoff/);
  });

  it('a PR adding an untrusted login to OWNERS gets do-not-merge/invalid-owners-file and the list', async () => {
    await given(scenarioSeed({ files: { 'sub/OWNERS': 'approvers:\n- rando\n' } }));
    await send(await pullRequestDelivery(w.gh, 'sync', 'synchronize'));
    assert.ok(w.gh.labels('org/repo', 5).includes('do-not-merge/invalid-owners-file'));
    assert.ok(botComments().some((b) => b.includes('untrusted users') && b.includes('- rando')));
  });

  it('/override by a repo admin turns a failed context green; /override-cancel turns it back', async () => {
    await given(scenarioSeed());
    const head = await w.gh.headSha('org/repo', 5);
    await w.client.createStatus('org', 'repo', head, { context: 'ci/e2e', state: 'failure', description: 'failed' });
    await send(await issueCommentDelivery(w.gh, 'c-override', 'admin-user', '/override ci/e2e', { commentId: w.gh.addComment('org/repo', 5, 'admin-user', '/override ci/e2e') }));
    assert.equal(w.gh.statuses('org/repo', head).at(-1)?.state, 'success');
    assert.match(w.gh.statuses('org/repo', head).at(-1)!.description, /^Overridden by admin-user/);
    await send(await issueCommentDelivery(w.gh, 'c-cancel', 'admin-user', '/override-cancel', { commentId: w.gh.addComment('org/repo', 5, 'admin-user', '/override-cancel') }));
    assert.equal(w.gh.statuses('org/repo', head).at(-1)?.state, 'failure');
    assert.ok(botComments().some((b) => b.includes('Cancelled overrides on behalf of admin-user: ci/e2e')));
  });

  it('a merged PR adding a reviewer: the branch is deleted and the new reviewer thanked', async () => {
    await given(scenarioSeed({ files: { OWNERS: 'approvers: [collab1]\nreviewers: [collab2, alice]\n' } }));
    const d = await pullRequestDelivery(w.gh, 'merged', 'closed');
    d.payload.pull_request.merged = true;
    const branch = d.payload.pull_request.head.ref as string;
    assert.notEqual(await w.gh.branchSha('org/repo', branch), undefined);
    await send(d);
    assert.equal(await w.gh.branchSha('org/repo', branch), undefined);
    assert.ok(botComments().some((b) => b.includes('Thanks to @alice for serving the community')));
  });

  it('/trick-or-treat answers with a candy', async () => {
    await given(scenarioSeed());
    await send(await issueCommentDelivery(w.gh, 'c-candy', 'rando', '/trick-or-treat'));
    assert.ok(botComments().some((b) => b.includes(`![candy image](${images.url}/img/candy.jpg)`)));
  });
});
