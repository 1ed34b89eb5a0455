// The parts of the acceptance scenarios (upstream pkg/hook and pkg/plugins tests) that the other scenario tests
// check only in-process or only in part, run end to end here: a signed webhook over HTTP into the real
// hook server (durable intake, dispatcher, registry), the plugin enabled by plugins.yaml through the real
// loader, the real Octokit client against the fake GitHub. Covered: S01-S03 over HTTP with no GitHub
// call, S08's abort description, S13's pruning, S16's other five cases, S19/S20's "nobody assigned",
// and S22, S23, S24, S29, S30 through the hook (scenarios-misc.test.ts calls the handlers directly).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EVENT_GUID_LABEL } from '../../src/api/labels.js';
import { newPresubmit } from '../../src/api/pjutil.js';
import type { Config, PluginsConfig } from '../../src/config/types.js';
import type { FakeSeed } from '../../src/github/fake/state.js';
import { fileSecretSource, staticSecretSource, type SecretSource } from '../../src/hook/secrets.js';
import { startHookServer, type HookServer } from '../../src/hook/server.js';
import { createSilentLogger } from '../../src/observability/logger.js';
import { builtinPlugins } from '../../src/plugins/registry.js';
import { sign, webhookHeaders } from '../hook/support/helpers.js';
import { pluginConfig } from './shared/fixtures.js';
import {
  BOT, configWith, issueCommentDelivery, postsubmit, presubmit, pullRequestDelivery, pushDelivery, SCENARIO_PRESUBMITS, scenarioSeed, startWorld,
  type Delivery, type World,
} from './trigger/fixtures.js';
import { snapshotOf } from '../support/config.js';

const SECRET = 'extra-secret';
const ISSUE = 7;
const REPO_LABELS = [
  'lgtm', 'approved', 'ok-to-test', 'needs-ok-to-test', 'do-not-merge/hold', 'kind/bug', 'area/infra', 'area/test', 'triage/accepted',
  'restricted-label', 'size/S', 'size/XL', 'do-not-merge/work-in-progress', 'lifecycle/stale',
];

let w: World;
let server: HookServer;
let secrets: SecretSource = staticSecretSource(SECRET);
let snapshot: { config: Config; pluginConfig: PluginsConfig };
const secretDir = mkdtempSync(join(tmpdir(), 'prow-scenarios-extra-'));

before(async () => {
  snapshot = { config: configWith(), pluginConfig: pluginConfig('{}') };
  w = await startWorld(() => snapshot.pluginConfig);
  server = await startHookServer({
    port: 0, hostname: '127.0.0.1', store: w.store, jobs: w.store, snapshot: () => snapshotOf(snapshot.config, snapshot.pluginConfig), github: w.client, plugins: builtinPlugins,
    log: createSilentLogger(), secrets: () => secrets(), owners: w.owners, pollIntervalMs: 10, retryBaseMs: 10,
  });
});
after(async () => {
  await server.close();
  await w.close();
  rmSync(secretDir, { recursive: true, force: true });
});

interface Given {
  /** plugins enabled for `org` */
  plugins: string[];
  /** further plugins.yaml text */
  yaml?: string;
  config?: Config;
  seed?: Parameters<typeof scenarioSeed>[0];
  title?: string;
  issue?: { labels?: string[] };
  users?: string[];
}

async function given(g: Given): Promise<void> {
  snapshot = {
    config: g.config ?? configWith({ presubmits: { 'org/repo': SCENARIO_PRESUBMITS } }),
    pluginConfig: pluginConfig(`plugins:\n  org:\n    plugins: [${g.plugins.join(', ')}]\n${g.yaml ?? ''}`),
  };
  const seed: FakeSeed = scenarioSeed(g.seed);
  seed.repos![0]!.labels = REPO_LABELS;
  seed.users = [...seed.users!, 'rando', 'fejta', 'spxtr', 'user12', 'outsider', 'non-member', ...(g.users ?? [])];
  if (g.title !== undefined) seed.pulls![0]!.title = g.title;
  seed.issues = [{ repo: 'org/repo', number: ISSUE, author: 'author', title: 'An issue', body: 'issue body', labels: g.issue?.labels ?? [] }];
  await w.gh.reset(seed);
  for (const pj of (await w.store.listProwJobs()).items) await w.store.deleteProwJob(pj.metadata.name);
  await w.client.botUser(); // cached once per process: not part of any event
}

/** A comment that exists on the fake, as on GitHub, before its webhook arrives. */
async function comment(user: string, body: string, n = 5, action = 'created'): Promise<Delivery> {
  const commentId = w.gh.addComment('org/repo', n, user, body);
  const d = await issueCommentDelivery(w.gh, `c-${commentId}`, user, body, { number: n, commentId });
  d.payload.action = action;
  return d;
}

let seq = 0;
/** Posts the delivery signed over HTTP, waits for the dispatcher, returns the GitHub calls it cost. */
async function send(d: Delivery): Promise<string[]> {
  const id = `${d.id}-${++seq}`;
  w.gh.clearCalls();
  const errorsBefore = (await server.metrics.pluginHandleErrors.get()).values.reduce((n, v) => n + v.value, 0);
  const body = JSON.stringify(d.payload);
  const res = await fetch(`${server.url}/hook`, { method: 'POST', headers: webhookHeaders(d.type, id, body, SECRET), body });
  assert.equal(res.status, 200, await res.text());
  await server.dispatcher.idle();
  assert.equal((await w.store.getDelivery(id))?.status, 'done');
  const errorsAfter = (await server.metrics.pluginHandleErrors.get()).values.reduce((n, v) => n + v.value, 0);
  assert.equal(errorsAfter, errorsBefore, 'no plugin failed');
  return w.gh.calls().map((c) => c.route);
}

const LABELS = 'POST /repos/{owner}/{repo}/issues/{issue_number}/labels';
const UNLABEL = 'DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}';
const added = (): string[] => w.gh.calls({ method: 'POST', route: LABELS.slice(5) }).flatMap((c) => (c.body as { labels: string[] }).labels);
const removed = (): string[] => w.gh.calls({ method: 'DELETE', route: UNLABEL.slice(7) }).map((c) => decodeURIComponent(c.path.split('/').pop()!));
const botComments = (n = 5): string[] => w.gh.comments('org/repo', n).filter((c) => c.user === BOT).map((c) => c.body);
const writes = (): string[] => w.gh.calls({ write: true }).map((c) => c.route);

describe('S01-S03 over HTTP: refused requests reach no plugin and make no GitHub call', () => {
  const payload = JSON.stringify({ zen: 'hi', repository: { full_name: 'org/repo', name: 'repo', owner: { login: 'org' } } });
  const valid = (id: string): Record<string, string> => webhookHeaders('ping', id, payload, SECRET);
  const without = (h: Record<string, string>, key: string): Record<string, string> => Object.fromEntries(Object.entries(h).filter(([k]) => k !== key));
  const cases: { id: string; method?: string; headers: (id: string) => Record<string, string>; status: number }[] = [
    { id: 'S01 GET', method: 'GET', headers: valid, status: 405 },
    { id: 'S02 no signature', headers: (id) => without(valid(id), 'X-Hub-Signature-256'), status: 403 },
    { id: 'S02 bad signature', headers: (id) => ({ ...valid(id), 'X-Hub-Signature-256': "this doesn't work" }), status: 403 },
    { id: 'S02 SHA-1 only', headers: (id) => ({ ...without(valid(id), 'X-Hub-Signature-256'), 'X-Hub-Signature': sign(payload, SECRET, 'sha1') }), status: 403 },
    { id: 'S02 charset', headers: (id) => ({ ...valid(id), 'content-type': 'application/json; charset=utf-8' }), status: 400 },
    { id: 'S02 no delivery id', headers: (id) => without(valid(id), 'X-GitHub-Delivery'), status: 400 },
  ];
  for (const c of cases) {
    it(c.id, async () => {
      await given({ plugins: ['hold', 'label', 'trigger'] });
      w.gh.clearCalls();
      const id = `refused-${++seq}`;
      const res = await fetch(`${server.url}/hook`, { method: c.method ?? 'POST', headers: c.headers(id), body: c.method === 'GET' ? undefined : payload });
      assert.equal(res.status, c.status, await res.text());
      await server.dispatcher.idle();
      assert.equal(await w.store.getDelivery(id), undefined, 'nothing stored');
      assert.deepEqual(w.gh.calls(), []);
    });
  }

  it('S03 HMAC scoping from a secret file', async () => {
    const file = join(secretDir, 'hmac');
    writeFileSync(file, "'*':\n  - value: key1\n  - value: key2\nfoo/bar:\n  - value: 123abc\n  - value: key6\n");
    secrets = fileSecretSource(file, 0);
    const post = async (repo: string, key: string): Promise<number> => {
      const body = JSON.stringify({ zen: 'hi', repository: { full_name: repo } });
      const headers = { ...webhookHeaders('ping', `s03-${++seq}`, body, key) };
      const res = await fetch(`${server.url}/hook`, { method: 'POST', headers, body });
      await res.text();
      return res.status;
    };
    try {
      assert.equal(await post('foo/bar', '123abc'), 200);
      assert.equal(await post('foo/bar', 'key1'), 403, 'the repo level exists, so no fallback to "*"');
      assert.equal(await post('other/x', 'key2'), 200);
      writeFileSync(file, '123abc');
      secrets = fileSecretSource(file, 0);
      assert.equal(await post('any/repo', '123abc'), 200, 'a plain-text legacy token');
    } finally {
      secrets = staticSecretSource(SECRET);
    }
  });
});

describe('trigger and lgtm details through the hook', () => {
  it('S08 the aborted run carries "Aborted by trigger plugin."', async () => {
    await given({ plugins: ['trigger'], seed: { author: 'u', labels: ['ok-to-test'] } });
    const opened = await pullRequestDelivery(w.gh, 'x', 'opened');
    const old = newPresubmit(opened.payload.pull_request, 'x'.repeat(40), SCENARIO_PRESUBMITS[0]!, 'old-guid');
    old.status.state = 'pending';
    await w.store.createProwJob(old);
    await w.gh.pushToPull('org/repo', 5, { CHANGED: 'pushed\n' });
    await send(await pullRequestDelivery(w.gh, 's08', 'synchronize'));
    const all = (await w.store.listProwJobs()).items;
    const aborted = all.find((p) => p.metadata.labels?.[EVENT_GUID_LABEL] === 'old-guid')!;
    assert.equal(aborted.status.state, 'aborted');
    assert.equal(aborted.status.description, 'Aborted by trigger plugin.');
    assert.equal(all.filter((p) => p.metadata.labels?.[EVENT_GUID_LABEL]?.startsWith('s08')).length, 1);
  });

  it('S13 /retest prunes the bot\'s earlier help comment', async () => {
    await given({
      plugins: ['trigger'], seed: { author: 'trusted-member', comments: [{ author: BOT, body: '@x: The specified target(s) for `/test` were not found.\n' }] },
      config: configWith({ presubmits: { 'org/repo': [...SCENARIO_PRESUBMITS, presubmit('jub', { always_run: true, context: 'pull-jub' })] } }),
    });
    const head = await w.gh.headSha('org/repo', 5);
    for (const [context, state] of [['pull-job', 'pending'], ['pull-jib', 'failure'], ['pull-jub', 'success']] as const) {
      await w.client.createStatus('org', 'repo', head, { context, state });
    }
    const routes = await send(await comment('trusted-member', '/retest'));
    assert.deepEqual(((await w.store.listProwJobs()).items).map((p) => p.spec.job), ['jib']);
    assert.equal(routes.filter((r) => r === 'DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}').length, 1);
    assert.deepEqual(botComments(), []);
  });

  const postsubmits = {
    'org/repo': [postsubmit('pass-butter', { run_if_changed: '\\.sh$' })],
    'org2/repo2': [postsubmit('pass-salt')],
    'org3/repo3': [postsubmit('pass-pepper', { branches: ['release/v1.14'] })],
  };
  const pushes = [
    { name: 'no matching change', repo: 'org/repo', ref: 'refs/heads/master', commits: [{ added: ['example.txt'] }], want: [] as string[] },
    { name: 'no matcher runs by default', repo: 'org2/repo2', ref: 'refs/heads/master', commits: [{ added: ['example.txt'] }], want: ['pass-salt'] },
    { name: 'a branch filter with a slash', repo: 'org3/repo3', ref: 'refs/heads/release/v1.14', commits: [{ added: ['hack.sh'] }], want: ['pass-pepper'] },
    { name: 'a deleted branch', repo: 'org/repo', ref: 'refs/heads/master', deleted: true, commits: [{ modified: ['hack.sh'] }], want: [] },
    { name: 'a zero after SHA', repo: 'org/repo', ref: 'refs/heads/master', after: '0'.repeat(40), commits: [{ modified: ['hack.sh'] }], want: [] },
  ];
  for (const p of pushes) {
    it(`S16 push: ${p.name}`, async () => {
      await given({ plugins: ['trigger'], config: configWith({ postsubmits }) });
      snapshot.pluginConfig = pluginConfig('plugins:\n  org:\n    plugins: [trigger]\n  org2:\n    plugins: [trigger]\n  org3:\n    plugins: [trigger]\n');
      const calls = await send(pushDelivery(`s16-${p.name.replace(/\W+/g, '-')}`, p));
      assert.deepEqual(calls, [], 'push reads nothing from GitHub');
      const jobs = (await w.store.listProwJobs()).items;
      assert.deepEqual(jobs.map((j) => j.spec.job), p.want);
      for (const j of jobs) assert.equal(j.spec.refs?.base_ref, p.ref.replace('refs/heads/', ''));
    });
  }

  it('S19 a refused /lgtm assigns nobody; S20 the author\'s cancel assigns nobody', async () => {
    for (const user of ['author', 'not-in-the-org']) {
      await given({ plugins: ['lgtm'] });
      await send(await comment(user, '/lgtm'));
      assert.deepEqual(w.gh.assignees('org/repo', 5), [], user);
      assert.deepEqual(w.gh.labels('org/repo', 5), [], user);
    }
    await given({ plugins: ['lgtm'], yaml: 'lgtm:\n  - repos: [org/repo]\n    store_tree_hash: true\n', seed: { labels: ['lgtm'], assignees: ['collab1', 'assignee1'] } });
    await send(await comment('author', '/lgtm cancel'));
    assert.deepEqual(w.gh.assignees('org/repo', 5).sort(), ['assignee1', 'collab1']);
    assert.deepEqual(w.gh.labels('org/repo', 5), []);
  });
});

describe('S22 hold through the hook', () => {
  const cases = [
    { n: 5, labels: [], body: '/hold', add: ['do-not-merge/hold'], remove: [] as string[], writes: 1 },
    { n: 5, labels: [], body: '> /hold', add: [], remove: [], writes: 0 },
    { n: 5, labels: ['do-not-merge/hold'], body: '/hold   cancel  reason', add: [], remove: ['do-not-merge/hold'], writes: 1 },
    { n: 5, labels: ['do-not-merge/hold'], body: '/remove-hold', add: [], remove: ['do-not-merge/hold'], writes: 1 },
    { n: ISSUE, labels: [], body: '/hold', add: [], remove: [], writes: 0 },
  ];
  for (const c of cases) {
    it(`${c.n === ISSUE ? 'issue' : 'PR'} ${JSON.stringify(c.labels)} ${JSON.stringify(c.body)}`, async () => {
      await given({ plugins: ['hold'], seed: { labels: c.labels } });
      const calls = await send(await comment('rando', c.body, c.n));
      assert.deepEqual(added(), c.add);
      assert.deepEqual(removed(), c.remove);
      assert.equal(writes().length, c.writes);
      if (c.writes === 0) assert.deepEqual(calls, [], 'no call at all');
    });
  }
});

describe('S23/S24 label through the hook', () => {
  it('S23 /kind BuG adds kind/bug', async () => {
    await given({ plugins: ['label'] });
    await send(await comment('rando', '/kind BuG'));
    assert.deepEqual(w.gh.labels('org/repo', 5), ['kind/bug']);
  });
  it('S23 /priority critical: the repo lacks it, so a reply and no label', async () => {
    await given({ plugins: ['label'] });
    await send(await comment('rando', '/priority critical'));
    assert.deepEqual(added(), []);
    const bot = botComments();
    assert.equal(bot.length, 1);
    assert.match(bot[0]!, /The label\(s\) `priority\/critical` cannot be applied, because the repository doesn't have them\./);
  });
  it('S23 /remove-area infra and /area test in one comment', async () => {
    await given({ plugins: ['label'], seed: { labels: ['area/infra'] } });
    await send(await comment('rando', '/remove-area infra\n/area test'));
    assert.deepEqual(added(), ['area/test']);
    assert.deepEqual(removed(), ['area/infra']);
  });
  it('S23 an edited comment makes no call', async () => {
    await given({ plugins: ['label'] });
    assert.deepEqual(await send(await comment('rando', '/kind bug', 5, 'edited')), []);
  });
  it('S24 a non-member cannot add triage/accepted', async () => {
    await given({ plugins: ['label'] });
    await send(await comment('non-member', '/triage accepted'));
    assert.deepEqual(added(), []);
    assert.match(botComments()[0] ?? '', /^@non-member: The label `triage\/accepted` cannot be applied\. Only GitHub organization members can add the label\./);
  });
  it('S24 an outsider cannot add a restricted label', async () => {
    await given({ plugins: ['label'], yaml: 'label:\n  restricted_labels:\n    "*":\n      - label: restricted-label\n        allowed_teams: [authorized-team]\n' });
    await send(await comment('outsider', '/label restricted-label'));
    assert.deepEqual(added(), []);
    assert.match(botComments()[0] ?? '', /cannot be applied or removed, because you are not in one of the allowed teams/);
  });
});

describe('S29 assign / cc through the hook', () => {
  const orgs = { org: { members: ['trusted-member', 'fejta', 'spxtr'], teams: { 'sig-foo': { members: ['alice'] } } } };
  it('/assign by rando assigns rando', async () => {
    await given({ plugins: ['assign'], seed: { orgs } });
    await send(await comment('rando', '/assign'));
    assert.deepEqual(w.gh.assignees('org/repo', 5), ['rando']);
  });
  it('/assign @fejta and /unassign @spxtr: the removal first', async () => {
    await given({ plugins: ['assign'], seed: { orgs, assignees: ['spxtr'] } });
    await send(await comment('rando', '/assign @fejta\n/unassign @spxtr'));
    assert.deepEqual(w.gh.assignees('org/repo', 5), ['fejta']);
    assert.deepEqual(writes(), ['DELETE /repos/{owner}/{repo}/issues/{issue_number}/assignees', 'POST /repos/{owner}/{repo}/issues/{issue_number}/assignees']);
  });
  it('/assign @Invalid$User makes no call', async () => {
    await given({ plugins: ['assign'], seed: { orgs } });
    assert.deepEqual(await send(await comment('rando', '/assign @Invalid$User')), []);
  });
  it('/cc @org/sig-foo requests the team', async () => {
    await given({ plugins: ['assign'], seed: { orgs } });
    await send(await comment('rando', '/cc @org/sig-foo'));
    const req = w.gh.calls({ method: 'POST', route: '/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers' });
    assert.equal(req.length, 1);
    assert.deepEqual((req[0]!.body as { team_reviewers: string[] }).team_reviewers, ['sig-foo']);
  });
  it('/cc on an issue makes no call', async () => {
    await given({ plugins: ['assign'], seed: { orgs } });
    assert.deepEqual(await send(await comment('rando', '/cc @someone', ISSUE)), []);
  });
  it('GitHub refusing user12 gets the reply', async () => {
    await given({ plugins: ['assign'], seed: { orgs } });
    await send(await comment('rando', '/assign @user12'));
    assert.deepEqual(w.gh.assignees('org/repo', 5), []);
    const bot = botComments();
    assert.equal(bot.length, 1);
    assert.match(bot[0]!, /GitHub didn't allow me to assign the following users: user12\./);
  });
});

describe('S30 PR-opened labellers and the lifecycle guard through the hook', () => {
  const lines = (n: number, c: string): string => Array.from({ length: n }, (_, i) => `${c}${i}\n`).join('');
  it('size: +10/-10 and +3/-4 swaps size/XL for size/S', async () => {
    await given({
      plugins: ['size'],
      seed: { labels: ['size/XL'], repoFiles: { foobar: lines(10, 'a'), barfoo: lines(4, 'a') }, files: { foobar: lines(10, 'b'), barfoo: lines(3, 'b') } },
    });
    await send(await pullRequestDelivery(w.gh, 's30-size', 'opened'));
    assert.deepEqual(removed(), ['size/XL']);
    assert.deepEqual(added(), ['size/S']);
  });
  it('wip: "[WIP] thing" on open adds the label', async () => {
    await given({ plugins: ['wip'], title: '[WIP] thing' });
    await send(await pullRequestDelivery(w.gh, 's30-wip', 'opened'));
    assert.deepEqual(added(), ['do-not-merge/work-in-progress']);
  });
  it('wip: an edited title without WIP removes it', async () => {
    await given({ plugins: ['wip'], title: 'thing', seed: { labels: ['do-not-merge/work-in-progress'] } });
    await send(await pullRequestDelivery(w.gh, 's30-unwip', 'edited'));
    assert.deepEqual(removed(), ['do-not-merge/work-in-progress']);
  });
  it('lifecycle: rando cannot /close an active issue', async () => {
    await given({ plugins: ['lifecycle'] });
    await send(await comment('rando', '/close', ISSUE));
    assert.equal(w.gh.issue('org/repo', ISSUE)!.state, 'open');
    assert.match(botComments(ISSUE)[0] ?? '', /^@rando: You can't close an active issue\/PR unless you authored it or you are a collaborator\./);
  });
  it('lifecycle: rando can /close a stale issue', async () => {
    await given({ plugins: ['lifecycle'], issue: { labels: ['lifecycle/stale'] } });
    await send(await comment('rando', '/close', ISSUE));
    assert.equal(w.gh.issue('org/repo', ISSUE)!.state, 'closed');
    assert.match(botComments(ISSUE)[0] ?? '', /^@rando: Closing this issue\./);
  });
});
