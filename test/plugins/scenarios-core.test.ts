// Acceptance scenarios for trigger, lgtm and approve (cases of upstream pkg/plugins/ tests), end to end:
// a signed webhook goes into the real hook server (durable intake, dispatcher, registry), the plugins call
// the fake GitHub over HTTP with the real Octokit client, ProwJobs land in SQLite. Each event's GitHub
// calls are counted and compared with the upstream "typical path" in docs/github-calls.md (the table is
// printed as test diagnostics).
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { EVENT_GUID_LABEL, RETEST_LABEL } from '../../src/api/labels.js';
import { newPresubmit } from '../../src/api/pjutil.js';
import type { Config, PluginsConfig } from '../../src/config/types.js';
import { createGitHubClient } from '../../src/github/client.js';
import { staticSecretSource } from '../../src/hook/secrets.js';
import { startHookServer, type HookServer } from '../../src/hook/server.js';
import { createSilentLogger } from '../../src/observability/logger.js';
import { builtinPlugins } from '../../src/plugins/registry.js';
import { webhookHeaders } from '../hook/support/helpers.js';
import {
  BOT, configWith, issueCommentDelivery, pluginConfigWith, postsubmit, presubmit, pullRequestDelivery, pushDelivery, SCENARIO_PRESUBMITS,
  scenarioSeed, startWorld, type Delivery, type World,
} from './trigger/fixtures.js';
import { snapshotOf } from '../support/config.js';

const SECRET = 'scenario-secret';
let w: World;
let server: HookServer;
let snapshot: { config: Config; pluginConfig: PluginsConfig };
const table: { id: string; event: string; reads: number; writes: number; expected: string; calls: string }[] = [];

before(async () => {
  snapshot = { config: configWith(), pluginConfig: pluginConfigWith() };
  w = await startWorld(() => snapshot.pluginConfig);
  server = await startHookServer({
    port: 0, hostname: '127.0.0.1', store: w.store, jobs: w.store, snapshot: () => snapshotOf(snapshot.config, snapshot.pluginConfig), github: w.client, plugins: builtinPlugins,
    log: createSilentLogger(), secrets: staticSecretSource(SECRET), owners: w.owners, pollIntervalMs: 10, retryBaseMs: 10,
  });
});
after(async () => {
  await server.close();
  await w.close();
});

interface Setup {
  seed?: Parameters<typeof scenarioSeed>[0];
  plugins?: string[];
  pluginConfig?: Partial<PluginsConfig>;
  config?: Config;
}

async function given(s: Setup): Promise<void> {
  snapshot = {
    config: s.config ?? configWith({ presubmits: { 'org/repo': SCENARIO_PRESUBMITS } }),
    pluginConfig: pluginConfigWith({ plugins: { org: { plugins: s.plugins ?? ['trigger'] } }, ...s.pluginConfig }),
  };
  await w.gh.reset({ ...scenarioSeed(s.seed), tokens: { 'human-token': 'a-human' } });
  for (const pj of (await w.store.listProwJobs()).items) await w.store.deleteProwJob(pj.metadata.name);
  await w.client.botUser(); // cached once per process, as upstream: not part of any event's count
}

/** Posts the delivery signed, waits until the dispatcher is idle, records the GitHub calls it cost. */
async function send(t: TestContext, id: string, d: Delivery, expected: string): Promise<string[]> {
  w.gh.clearCalls();
  const body = JSON.stringify(d.payload);
  const res = await fetch(`${server.url}/hook`, { method: 'POST', headers: webhookHeaders(d.type, d.id, body, SECRET), body });
  assert.equal(res.status, 200, await res.text());
  await server.dispatcher.idle();
  const delivery = await w.store.getDelivery(d.id);
  assert.equal(delivery?.status, 'done', `delivery ${d.id} ended ${delivery?.status}: ${JSON.stringify(delivery)}`);
  const calls = w.gh.calls();
  const event = `${d.type}${d.payload.action ? `/${d.payload.action}` : ''}`;
  const short = calls.map((c) => `${c.method} ${c.route.replace('/repos/{owner}/{repo}', '').replace(/^\w+ /, '')}`);
  table.push({ id, event, reads: calls.filter((c) => !c.write).length, writes: calls.filter((c) => c.write).length, expected, calls: short.join(', ') });
  t.diagnostic(`${id} ${event}: ${calls.length} calls (${short.join(', ')}); spec typical path: ${expected}`);
  return calls.map((c) => c.route);
}

async function jobs(): Promise<{ job: string; state: string; labels: Record<string, string>; refs: any }[]> {
  return ((await w.store.listProwJobs()).items).map((p) => ({ job: p.spec.job, state: p.status.state, labels: p.metadata.labels ?? {}, refs: p.spec.refs }));
}
const comments = (): { user: string; body: string }[] => w.gh.comments('org/repo', 5);

describe('§5 scenarios through the hook (trigger, lgtm, approve)', () => {
  it('S05 trusted author opens a PR', async (t) => {
    await given({ seed: { author: 'trusted-member' } });
    const d = await pullRequestDelivery(w.gh, 's05', 'opened');
    await send(t, 'S05', d, 'getRef, isMember (+prFiles) = 2');
    const all = await jobs();
    assert.deepEqual(all.map((j) => j.job), ['job']);
    assert.equal(all[0]!.refs.base_sha, await w.gh.branchSha('org/repo', 'master'));
    assert.equal(all[0]!.refs.pulls[0].sha, await w.gh.headSha('org/repo', 5));
    assert.equal(all[0]!.labels[EVENT_GUID_LABEL], 's05');
    assert.deepEqual(comments(), []);
  });

  it('S06 trusted author opens a draft', async (t) => {
    await given({ seed: { author: 'trusted-member', draft: true } });
    await send(t, 'S06', await pullRequestDelivery(w.gh, 's06', 'opened'), 'getRef, isMember, comment = 3');
    assert.equal((await jobs()).length, 0);
    assert.ok(comments()[0]!.body.startsWith('Skipping CI for Draft Pull Request.'));
  });

  it('S07 untrusted author opens a PR (and the variant with ok-to-test)', async (t) => {
    await given({ seed: { author: 'u' } });
    await send(t, 'S07', await pullRequestDelivery(w.gh, 's07', 'opened'), 'getRef, isMember, isCollab, search, issueLabels, addLabel, comment ≈ 7');
    assert.equal((await jobs()).length, 0);
    assert.deepEqual(w.gh.labels('org/repo', 5), ['needs-ok-to-test']);
    assert.ok(comments()[0]!.body.startsWith('Hi @u. Thanks for your PR.\n\n'));
    assert.match(comments()[0]!.body, /reply with `\/ok-to-test`/);
    await given({ seed: { author: 'u', labels: ['ok-to-test'] } });
    await send(t, 'S07v', await pullRequestDelivery(w.gh, 's07v', 'opened'), 'as S07 without addLabel ≈ 6');
    assert.deepEqual(w.gh.labels('org/repo', 5), ['ok-to-test']);
    assert.equal(comments().length, 1);
  });

  for (const c of [{ id: 'S08a', labels: ['ok-to-test'], fresh: ['job'] }, { id: 'S08b', labels: [] as string[], fresh: [] as string[] }]) {
    it(`${c.id} untrusted synchronize ${c.labels.length ? 'with' : 'without'} ok-to-test`, async (t) => {
      await given({ seed: { author: 'u', labels: c.labels } });
      const opened = await pullRequestDelivery(w.gh, `${c.id}-old`, 'opened');
      const old = newPresubmit(opened.payload.pull_request, 'x'.repeat(40), SCENARIO_PRESUBMITS[0]!, 'old-guid');
      old.status.state = 'pending';
      await w.store.createProwJob(old);
      await w.gh.pushToPull('org/repo', 5, { CHANGED: 'pushed\n' });
      await send(t, c.id, await pullRequestDelivery(w.gh, `${c.id}-sync`, 'synchronize'), 'getRef, isMember, isCollab, issueLabels (+prFiles) + k8s list/update/create');
      const all = await jobs();
      assert.equal(all.find((j) => j.labels[EVENT_GUID_LABEL] === 'old-guid')!.state, 'aborted');
      assert.deepEqual(all.filter((j) => j.labels[EVENT_GUID_LABEL] === `${c.id}-sync`).map((j) => j.job), c.fresh);
    });
  }

  for (const c of [
    { id: 'S09a', author: 'u', label: 'lgtm', sender: 'collab1', want: ['job'] },
    { id: 'S09b', author: 'trusted-member', label: 'lgtm', sender: 'collab1', want: [] },
    { id: 'S09c', author: 'u', label: 'ok-to-test', sender: BOT, want: [] },
    { id: 'S09d', author: 'u', label: 'ok-to-test', sender: 'a-human', want: ['job'] },
  ]) {
    it(`${c.id} ${c.label} labeled by ${c.sender} on a PR by ${c.author}`, async (t) => {
      await given({ seed: { author: c.author, labels: [c.label] } });
      await send(t, c.id, await pullRequestDelivery(w.gh, c.id, 'labeled', { label: c.label, sender: c.sender }), 'getRef + trust checks (+prFiles)');
      assert.deepEqual((await jobs()).map((j) => j.job), c.want);
    });
  }

  it('S10 /ok-to-test by a member', async (t) => {
    await given({ seed: { author: 'u', labels: ['needs-ok-to-test'] } });
    await send(t, 'S10', await issueCommentDelivery(w.gh, 's10', 'trusted-member', 'looks great, thanks!\n/ok-to-test'), 'isMember, issueLabels, addLabel, removeLabel, getPR, getRef (+prFiles) = 6');
    assert.deepEqual(w.gh.labels('org/repo', 5), ['ok-to-test']);
    assert.deepEqual((await jobs()).map((j) => j.job), ['job']);
  });

  it('S11 /ok-to-test by an untrusted user on an untrusted PR', async (t) => {
    await given({ seed: { author: 'u' } });
    await send(t, 'S11', await issueCommentDelivery(w.gh, 's11', 'untrusted-member', '/ok-to-test'), 'isMember, isCollab, isMember, isCollab, issueLabels, comment = 6');
    assert.equal((await jobs()).length, 0);
    assert.ok(comments()[0]!.body.startsWith('@untrusted-member: Cannot trigger testing until a trusted user reviews the PR and leaves an `/ok-to-test` message.'));
  });

  it('S12 an untrusted commenter on a trusted PR', async (t) => {
    await given({ seed: { author: 'trusted-member' } });
    await send(t, 'S12', await issueCommentDelivery(w.gh, 's12', 'untrusted-member', '/test all'), 'isMember, isCollab, isMember, issueLabels, getPR, getRef (+prFiles), listComments (prune)');
    assert.deepEqual((await jobs()).map((j) => j.job), ['job']);
  });

  it('S13 /retest selection from the combined status', async (t) => {
    await given({
      seed: { author: 'trusted-member' },
      config: configWith({ presubmits: { 'org/repo': [...SCENARIO_PRESUBMITS, presubmit('jub', { always_run: true, context: 'pull-jub' })] } }),
    });
    const head = await w.gh.headSha('org/repo', 5);
    for (const [context, state] of [['pull-job', 'pending'], ['pull-jib', 'failure'], ['pull-jub', 'success']] as const) {
      await w.client.createStatus('org', 'repo', head, { context, state });
    }
    await send(t, 'S13', await issueCommentDelivery(w.gh, 's13', 'trusted-member', '/retest'), 'isMember, issueLabels, getPR, getRef, combinedStatus, (+prFiles), listComments (prune) = 6');
    const all = await jobs();
    assert.deepEqual(all.map((j) => j.job), ['jib']);
    assert.equal(all[0]!.labels[RETEST_LABEL], 'true');
  });

  for (const c of [{ id: 'S14', rif: 'CHANGED', want: ['jab'] }, { id: 'S14v', rif: 'CHANGED2', want: [] as string[] }]) {
    it(`${c.id} /retest of a run_if_changed job that never ran (${c.rif})`, async (t) => {
      await given({ seed: { author: 'trusted-member' }, config: configWith({ presubmits: { 'org/repo': [presubmit('jab', { run_if_changed: c.rif, context: 'pull-jab' })] } }) });
      await send(t, c.id, await issueCommentDelivery(w.gh, c.id, 'trusted-member', '/retest'), 'as S13 + prFiles = 7');
      assert.deepEqual((await jobs()).map((j) => j.job), c.want);
    });
  }

  it('S15 /test with an unknown target replies with help; in a code block nothing happens', async (t) => {
    await given({ seed: { author: 'trusted-member' } });
    await send(t, 'S15', await issueCommentDelivery(w.gh, 's15', 'trusted-member', '/test nope'), 'isMember, issueLabels, getPR, getRef, comment = 5');
    assert.equal((await jobs()).length, 0);
    assert.ok(comments()[0]!.body.startsWith('@trusted-member: The specified target(s) for `/test` were not found.\nThe following commands are available to trigger required jobs:\n```\n/test jib\n```\n```\n/test job\n```\n\nUse `/test all` to run the following jobs that were automatically triggered:\n```\njob\n```\n\n'));
    await given({ seed: { author: 'trusted-member' } });
    await send(t, 'S15v', await issueCommentDelivery(w.gh, 's15v', 'trusted-member', '```\n/test nope\n```'), '0');
    assert.deepEqual(comments(), []);
  });

  it('S16 push creates postsubmits from the payload alone', async (t) => {
    await given({ config: configWith({ postsubmits: { 'org/repo': [postsubmit('pass-butter', { run_if_changed: '\\.sh$' })] } }) });
    const d = pushDelivery('s16', { repo: 'org/repo', ref: 'refs/heads/master', commits: [{ added: ['example.txt'], modified: ['hack.sh'] }] });
    const calls = await send(t, 'S16', d, 'none beyond k8s creates = 0');
    assert.deepEqual(calls, []);
    const all = await jobs();
    assert.deepEqual(all.map((j) => [j.job, j.refs.base_ref, j.refs.base_sha, j.refs.base_link]), [['pass-butter', 'master', d.payload.after, d.payload.compare]]);
  });

  it('S17 an unmergeable PR gets no jobs', async (t) => {
    await given({ seed: { author: 'trusted-member', mergeable: false } });
    await send(t, 'S17', await issueCommentDelivery(w.gh, 's17', 'trusted-member', '/test all'), 'isMember, issueLabels, getPR, getRef, listComments (prune)');
    assert.equal((await jobs()).length, 0);
    assert.deepEqual(comments(), []);
  });

  it('S18 /lgtm by a collaborator who is not assigned (store_tree_hash)', async (t) => {
    await given({ plugins: ['lgtm'], seed: { assignees: ['collab1', 'assignee1'] }, pluginConfig: { lgtm: [{ repos: ['org/repo'], store_tree_hash: true }] } });
    await send(t, 'S18', await issueCommentDelivery(w.gh, 's18', 'collab2', '/lgtm'), 'isCollab, assign, issueLabels, addLabel, getPR, commit, comment, listComments = 8');
    assert.deepEqual(w.gh.labels('org/repo', 5), ['lgtm']);
    assert.ok(w.gh.assignees('org/repo', 5).includes('collab2'));
    assert.match(comments()[0]!.body, /^LGTM label has been added\. {2}<details>Git tree hash: [0-9a-f]{40}<\/details>$/);
  });

  for (const c of [{ id: 'S19a', user: 'author', reply: 'you cannot LGTM your own PR.' }, { id: 'S19b', user: 'not-in-the-org', reply: 'changing LGTM is restricted to collaborators' }]) {
    it(`${c.id} /lgtm by ${c.user} is refused`, async (t) => {
      await given({ plugins: ['lgtm'] });
      await send(t, c.id, await issueCommentDelivery(w.gh, c.id, c.user, '/lgtm'), c.id === 'S19a' ? 'comment = 1' : 'isCollab, comment = 2');
      assert.deepEqual(w.gh.labels('org/repo', 5), []);
      assert.ok(comments()[0]!.body.startsWith(`@${c.user}: ${c.reply}`));
    });
  }

  it('S20 the author cancels lgtm', async (t) => {
    await given({ plugins: ['lgtm'], seed: { labels: ['lgtm'], assignees: ['collab1', 'assignee1'] }, pluginConfig: { lgtm: [{ repos: ['org/repo'], store_tree_hash: true }] } });
    await send(t, 'S20', await issueCommentDelivery(w.gh, 's20', 'author', '/lgtm cancel'), 'isCollab, issueLabels, removeLabel, reqReview, listComments = 5');
    assert.deepEqual(w.gh.labels('org/repo', 5), []);
    assert.deepEqual(w.gh.requestedReviewers('org/repo', 5).sort(), ['assignee1', 'collab1']);
    assert.deepEqual(comments(), []);
  });

  it('S21 a new push drops lgtm; with an unchanged tree it stays', async (t) => {
    await given({ plugins: ['lgtm'], seed: { labels: ['lgtm'] } });
    await w.gh.pushToPull('org/repo', 5, { CHANGED: 'new\n' });
    await send(t, 'S21', await pullRequestDelivery(w.gh, 's21', 'synchronize'), 'issueLabels, removeLabel, comment = 3');
    assert.deepEqual(w.gh.labels('org/repo', 5), []);
    assert.deepEqual(comments().map((c) => c.body), ['New changes are detected. LGTM label has been removed.']);
    await given({ plugins: ['lgtm'], seed: { labels: ['lgtm'] }, pluginConfig: { lgtm: [{ repos: ['org/repo'], store_tree_hash: true }] } });
    const tree = (await w.client.getCommit('org', 'repo', await w.gh.headSha('org/repo', 5))).treeSha;
    await w.client.createComment('org', 'repo', 5, `LGTM label has been added.  <details>Git tree hash: ${tree}</details>`);
    await send(t, 'S21v', await pullRequestDelivery(w.gh, 's21v', 'synchronize'), 'issueLabels, listComments, commit = 3');
    assert.deepEqual(w.gh.labels('org/repo', 5), ['lgtm']);
  });

  const owners = { 'a/OWNERS': 'approvers: [alice]\n', 'c/OWNERS': 'approvers: [cblecker, cjwagner]\n' };
  const collaborators = ['alice', 'cblecker', 'cjwagner', 'collab1'];

  it('S25 approve: first notification, unapproved', async (t) => {
    await given({ plugins: ['approve'], seed: { author: 'cjwagner', files: { 'c/c.go': 'c\n' }, repoFiles: owners, collaborators }, pluginConfig: { approve: [{ repos: ['org/repo'], require_self_approval: true }] } });
    await send(t, 'S25', await pullRequestDelivery(w.gh, 's25', 'opened'), 'getRef, listCollabs, prFiles, issueLabels, listComments, reviewComments, reviews, comment = 8');
    assert.deepEqual(w.gh.labels('org/repo', 5), []);
    assert.ok(comments()[0]!.body.startsWith('[APPROVALNOTIFIER] This PR is **NOT APPROVED**'));
    assert.match(comments()[0]!.body, /<!-- META=\{"approvers":\["(cblecker|cjwagner)"\]\} -->$/);
  });

  it('S26 approve: the author self-approves', async (t) => {
    await given({ plugins: ['approve'], seed: { author: 'cjwagner', files: { 'c/c.go': 'c\n' }, repoFiles: owners, collaborators } });
    await send(t, 'S26', await pullRequestDelivery(w.gh, 's26', 'opened'), 'as S25 + addLabel = 9');
    assert.deepEqual(w.gh.labels('org/repo', 5), ['approved']);
    assert.match(comments()[0]!.body, /Author self-approved">cjwagner<\/a>\*[\s\S]*- ~~\[c\/OWNERS\]\(https:\/\/github\.com\/org\/repo\/blob\/master\/c\/OWNERS\)~~ \[cjwagner\]/);
  });

  it('S27 approve: /approve cancel', async (t) => {
    await given({
      plugins: ['approve'], pluginConfig: { approve: [{ repos: ['org/repo'], issue_required: true }] },
      seed: {
        files: { 'a/a.go': 'a\n' }, repoFiles: owners, collaborators, labels: ['approved'],
        comments: [{ author: 'alice', body: '/approve no-issue' }, { author: BOT, body: '[APPROVALNOTIFIER] This PR is **APPROVED**\n\nblah' }, { author: 'alice', body: 'stuff\n/approve cancel \nmore stuff' }],
      },
    });
    const routes = await send(t, 'S27', await issueCommentDelivery(w.gh, 's27', 'alice', 'stuff\n/approve cancel \nmore stuff'), 'getPR, getRef, listCollabs, prFiles, issueLabels, listComments, reviewComments, reviews, issueEvents, deleteComment, comment, removeLabel = 12');
    assert.equal(routes.filter((r) => r.startsWith('DELETE /repos/{owner}/{repo}/issues/comments/')).length, 1);
    assert.deepEqual(w.gh.labels('org/repo', 5), []);
    const bot = comments().filter((c) => c.user === BOT);
    assert.equal(bot.length, 1);
    assert.ok(bot[0]!.body.startsWith('[APPROVALNOTIFIER] This PR is **NOT APPROVED**'));
    assert.match(bot[0]!.body, /\*No associated issue\*\. Update pull-request body/);
  });

  it('S28 approve: a human-added label wins', async (t) => {
    await given({
      plugins: ['approve'], pluginConfig: { approve: [{ repos: ['org/repo'], require_self_approval: true }] },
      seed: { files: { 'a/a.go': 'a\n' }, repoFiles: owners, collaborators, comments: [{ author: BOT, body: '[APPROVALNOTIFIER] This PR is **NOT APPROVED**\n\nblah' }] },
    });
    // The label as a person adds it: the issue's events then name them as the actor.
    const human = createGitHubClient({ baseUrl: w.gh.url, token: 'human-token', throttle: false, retry: { enabled: false }, etagCacheSize: 0 });
    await human.addLabel('org', 'repo', 5, 'approved');
    await send(t, 'S28', await pullRequestDelivery(w.gh, 's28', 'labeled', { label: 'approved', sender: 'a-human' }), 'getRef, listCollabs, prFiles, issueLabels, listComments, reviewComments, reviews, issueEvents, deleteComment, comment = 10');
    const bot = comments().filter((c) => c.user === BOT);
    assert.equal(bot.length, 1);
    assert.deepEqual(w.gh.labels('org/repo', 5), ['approved']);
    assert.ok(bot[0]!.body.startsWith('[APPROVALNOTIFIER] This PR is **APPROVED**\n\nApproval requirements bypassed by manually added approval.'));
  });

  it('one /lgtm comment fans out to lgtm and (lgtm_acts_as_approve) approve; the lgtm label event then reaches trigger', async (t) => {
    await given({
      plugins: ['trigger', 'lgtm', 'approve'],
      pluginConfig: { approve: [{ repos: ['org/repo'], lgtm_acts_as_approve: true, require_self_approval: true }] },
      seed: { author: 'u', files: { 'a/a.go': 'a\n' }, repoFiles: owners, collaborators },
    });
    const id = w.gh.addComment('org/repo', 5, 'alice', '/lgtm');
    await send(t, 'fan-out', await issueCommentDelivery(w.gh, 'fan', 'alice', '/lgtm', { commentId: id }), 'lgtm (~5) + approve (~10)');
    assert.deepEqual(w.gh.labels('org/repo', 5).sort(), ['approved', 'lgtm']);
    await send(t, 'fan-out-label', await pullRequestDelivery(w.gh, 'fan-label', 'labeled', { label: 'lgtm', sender: BOT }), 'getRef, isMember, isCollab, issueLabels (+prFiles)');
    assert.deepEqual((await jobs()).map((j) => j.job), ['job'], 'untrusted PR with lgtm builds once');
  });

  it('a redelivered webhook is acknowledged and handled once', async (t) => {
    await given({ seed: { author: 'trusted-member' } });
    const d = await pullRequestDelivery(w.gh, 'redeliver', 'opened');
    await send(t, 'redeliver-1', d, 'as S05');
    await send(t, 'redeliver-2', d, '0 (duplicate delivery id)');
    assert.equal((await jobs()).length, 1);
  });
});

describe('call counts', () => {
  it('prints the per-event table', (t) => {
    assert.ok(table.length >= 25, `scenarios recorded: ${table.length}`);
    t.diagnostic('| scenario | event | reads | writes | spec typical path |');
    for (const r of table) t.diagnostic(`| ${r.id} | ${r.event} | ${r.reads} | ${r.writes} | ${r.expected} |`);
  });
});
