// trigger against the fake GitHub over HTTP with the real client and a SQLite ProwJob store
// (upstream pkg/plugins/trigger/*_test.go, scenarios S05-S17). Every case is handled twice: the second
// (redelivered) pass must create and write nothing new.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EVENT_GUID_LABEL, IS_OPTIONAL_LABEL, RETEST_LABEL } from '../../../src/api/labels.js';
import { newPresubmit } from '../../../src/api/pjutil.js';
import type { Config, PluginsConfig } from '../../../src/config/types.js';
import { ABOUT_THIS_BOT } from '../../../src/plugins/shared/respond.js';
import { availablePresubmits, helpMessage } from '../../../src/plugins/trigger/filter.js';
import { ABORTED_DESCRIPTION, triggerPlugin } from '../../../src/plugins/trigger/trigger.js';
import { trustedUser } from '../../../src/plugins/trigger/trust.js';
import type { PluginEvent } from '../../../src/github/event-types.js';
import {
  configWith, contextFor, demux, issueCommentDelivery, pluginConfigWith, postsubmit, presubmit, pullRequestDelivery, pushDelivery,
  SCENARIO_PRESUBMITS, scenarioSeed, startWorld, writes, type Delivery, type World,
} from './fixtures.js';
import { deliveryJobName } from '../../../src/plugins/shared/prowjob-name.js';

let w: World;
before(async () => {
  w = await startWorld();
});
after(async () => {
  await w.close();
});

// Delivery ids handled since the last reset: handling one again is a redelivery, as the dispatcher marks it.
const handled = new Set<string>();

async function deliver(d: Delivery, config: Config, pc: PluginsConfig = pluginConfigWith()): Promise<void> {
  const { typed, generic } = demux(d);
  const ctx = contextFor(w, d.id, config, pc, true, handled.has(d.id));
  handled.add(d.id);
  const run = async (e: PluginEvent | undefined): Promise<void> => {
    if (!e) return;
    if (e.kind === 'pullRequest') await triggerPlugin.handlers.pullRequest!(e, ctx);
    if (e.kind === 'push') await triggerPlugin.handlers.push!(e, ctx);
    if (e.kind === 'genericComment') await triggerPlugin.handlers.genericComment!(e, ctx);
  };
  await run(typed);
  await run(generic);
}

async function jobs(): Promise<{ job: string; state: string; labels: Record<string, string>; refs: any; description?: string }[]> {
  return ((await w.store.listProwJobs()).items).map((p) => ({
    job: p.spec.job, state: p.status.state, labels: p.metadata.labels ?? {}, refs: p.spec.refs, description: p.status.description,
  }));
}

async function reset(seed = scenarioSeed()): Promise<void> {
  await w.gh.reset(seed);
  handled.clear();
  for (const pj of (await w.store.listProwJobs()).items) await w.store.deleteProwJob(pj.metadata.name);
  w.gh.clearCalls();
}

const cfg = configWith({ presubmits: { 'org/repo': SCENARIO_PRESUBMITS } });
const comments = (): string[] => w.gh.comments('org/repo', 5).map((c) => c.body);

describe('trigger: pull request events', () => {
  it('S05 a trusted author opening a PR builds always_run jobs with upstream refs and labels', async () => {
    await reset(scenarioSeed({ author: 'trusted-member' }));
    const d = await pullRequestDelivery(w.gh, 'guid-s05', 'opened');
    await deliver(d, cfg);
    await deliver(d, cfg); // redelivery
    const all = await jobs();
    assert.deepEqual(all.map((j) => j.job), ['job']);
    const base = await w.gh.branchSha('org/repo', 'master');
    const head = await w.gh.headSha('org/repo', 5);
    const refs = all[0]!.refs;
    assert.equal(refs.base_sha, base);
    assert.equal(refs.base_ref, 'master');
    assert.equal(refs.base_link, `https://github.com/org/repo/commit/${base}`);
    assert.equal(refs.repo_link, 'https://github.com/org/repo');
    assert.deepEqual(refs.pulls[0], {
      number: 5, author: 'trusted-member', sha: head, title: 'A change', head_ref: 'pr-5', link: 'https://github.com/org/repo/pull/5',
      commit_link: `https://github.com/org/repo/pull/5/commits/${head}`, author_link: 'https://github.com/trusted-member',
    });
    assert.equal(all[0]!.labels[EVENT_GUID_LABEL], 'guid-s05');
    assert.equal(all[0]!.labels[IS_OPTIONAL_LABEL], 'false');
    assert.deepEqual(comments(), []);
    assert.deepEqual(writes(w.gh), []);
  });

  it('S06 a trusted author opening a draft gets the draft comment once and no jobs', async () => {
    await reset(scenarioSeed({ author: 'trusted-member', draft: true }));
    const d = await pullRequestDelivery(w.gh, 'guid-s06', 'opened');
    await deliver(d, cfg);
    await deliver(d, cfg);
    assert.equal((await jobs()).length, 0);
    assert.deepEqual(comments(), ['Skipping CI for Draft Pull Request.\nIf you want CI signal for your change, please convert it to an actual PR.\nYou can still manually trigger a test run with `/test all`']);
  });

  it('S07 an untrusted author gets needs-ok-to-test and the welcome comment, once', async () => {
    await reset(scenarioSeed({ author: 'u' }));
    const d = await pullRequestDelivery(w.gh, 'guid-s07', 'opened');
    await deliver(d, cfg);
    await deliver(d, cfg);
    assert.equal((await jobs()).length, 0);
    assert.deepEqual(w.gh.labels('org/repo', 5), ['needs-ok-to-test']);
    const c = comments();
    assert.equal(c.length, 1);
    assert.equal(c[0], "Hi @u. Thanks for your PR.\n\nI'm waiting for a [org](https://github.com/orgs/org/people) member to verify that this patch is reasonable to test. If it is, they should reply with `/ok-to-test` on its own line. Until that is done, I will not automatically test new commits in this PR, but the usual testing commands by org members will still work.\n\nRegular contributors should [join the org](https://github.com/orgs/org/people) to skip this step.\n\nOnce the patch is verified, the new status will be reflected by the `ok-to-test` label.\n\nI understand the commands that are listed [here](https://go.k8s.io/bot-commands?repo=org%2Frepo).\n\n<details>\n\n" + ABOUT_THIS_BOT + '\n</details>\n');
  });

  it('S07 the welcome: a first delivery does not list comments; the redelivery does and posts nothing more', async () => {
    await reset(scenarioSeed({ author: 'u' }));
    const d = await pullRequestDelivery(w.gh, 'guid-s07-calls', 'opened');
    const listings = (): number => w.gh.calls({ method: 'GET', route: '/repos/{owner}/{repo}/issues/{issue_number}/comments' }).length;
    w.gh.clearCalls();
    await deliver(d, cfg);
    assert.equal(listings(), 0);
    assert.equal(comments().length, 1);
    w.gh.clearCalls();
    await deliver(d, cfg);
    assert.equal(listings(), 1);
    assert.equal(comments().length, 1);
    assert.deepEqual(w.gh.calls({ write: true }), []);
  });

  it('S07 variant: with ok-to-test already present only the comment is posted', async () => {
    await reset(scenarioSeed({ author: 'u', labels: ['ok-to-test'] }));
    await deliver(await pullRequestDelivery(w.gh, 'guid-s07b', 'opened'), cfg);
    assert.deepEqual(w.gh.labels('org/repo', 5), ['ok-to-test']);
    assert.equal(comments().length, 1);
  });

  for (const c of [
    { name: 'S08 untrusted sync with ok-to-test aborts the old run and builds', labels: ['ok-to-test'], newJobs: 1 },
    { name: 'S08 untrusted sync without ok-to-test aborts the old run only', labels: [], newJobs: 0 },
  ]) {
    it(c.name, async () => {
      await reset(scenarioSeed({ author: 'u', labels: c.labels }));
      const first = await pullRequestDelivery(w.gh, 'guid-old', 'opened');
      const old = newPresubmit(first.payload.pull_request, 'x'.repeat(40), SCENARIO_PRESUBMITS[0]!, 'guid-old');
      old.status.state = 'pending';
      await w.store.createProwJob(old);
      await w.gh.pushToPull('org/repo', 5, { 'CHANGED': 'changed again\n' });
      const d = await pullRequestDelivery(w.gh, 'guid-s08', 'synchronize');
      await deliver(d, cfg);
      await deliver(d, cfg);
      const all = await jobs();
      const oldNow = all.find((j) => j.labels[EVENT_GUID_LABEL] === 'guid-old')!;
      assert.equal(oldNow.state, 'aborted');
      assert.equal(oldNow.description, ABORTED_DESCRIPTION);
      const fresh = all.filter((j) => j.labels[EVENT_GUID_LABEL] === 'guid-s08');
      assert.equal(fresh.length, c.newJobs);
      if (c.newJobs) assert.equal(fresh[0]!.state, 'triggered', 'a redelivery does not abort the run it started');
    });
  }

  for (const c of [
    { name: 'S09 lgtm on an untrusted PR builds once', author: 'u', label: 'lgtm', sender: 'collab1', want: ['job'] },
    { name: 'S09 lgtm on a trusted PR builds nothing', author: 'trusted-member', label: 'lgtm', sender: 'collab1', want: [] },
    { name: 'S09 ok-to-test added by the bot builds nothing', author: 'u', label: 'ok-to-test', sender: 'k8s-ci-robot', want: [] },
    { name: 'S09 ok-to-test added by a human builds', author: 'u', label: 'ok-to-test', sender: 'a-human', want: ['job'] },
    { name: 'another label is ignored', author: 'u', label: 'do-not-merge/hold', sender: 'a-human', want: [] },
  ]) {
    it(c.name, async () => {
      await reset(scenarioSeed({ author: c.author, labels: [c.label] }));
      const d = await pullRequestDelivery(w.gh, `guid-${c.label}-${c.sender}`, 'labeled', { label: c.label, sender: c.sender });
      await deliver(d, cfg);
      await deliver(d, cfg);
      assert.deepEqual((await jobs()).map((j) => j.job), c.want);
    });
  }

  it('closing a PR aborts its running presubmits; a repo without presubmits is ignored', async () => {
    await reset(scenarioSeed({ author: 'trusted-member' }));
    await deliver(await pullRequestDelivery(w.gh, 'guid-open', 'opened'), cfg);
    await deliver(await pullRequestDelivery(w.gh, 'guid-close', 'closed'), cfg);
    assert.deepEqual((await jobs()).map((j) => j.state), ['aborted']);
    const none = await pullRequestDelivery(w.gh, 'guid-none', 'opened');
    w.gh.clearCalls();
    await deliver(none, configWith());
    assert.equal(w.gh.calls().length, 0, 'no presubmits: trigger returns before any call');
  });
});

describe('trigger: comments', () => {
  it('S10 /ok-to-test by a member labels the PR and runs the jobs', async () => {
    await reset(scenarioSeed({ author: 'u', labels: ['needs-ok-to-test'] }));
    const d = await issueCommentDelivery(w.gh, 'guid-s10', 'trusted-member', 'looks great, thanks!\n/ok-to-test');
    await deliver(d, cfg);
    await deliver(d, cfg);
    assert.deepEqual(w.gh.labels('org/repo', 5), ['ok-to-test']);
    assert.deepEqual((await jobs()).map((j) => j.job), ['job']);
    assert.equal(writes(w.gh).length, 2, 'one add and one remove, nothing on redelivery');
  });

  it('S11 /ok-to-test by an untrusted user on an untrusted PR is refused with a reply', async () => {
    await reset(scenarioSeed({ author: 'u' }));
    const d = await issueCommentDelivery(w.gh, 'guid-s11', 'untrusted-member', '/ok-to-test');
    await deliver(d, cfg);
    await deliver(d, cfg);
    assert.equal((await jobs()).length, 0);
    const c = comments();
    assert.equal(c.length, 1);
    assert.ok(c[0]!.startsWith('@untrusted-member: Cannot trigger testing until a trusted user reviews the PR and leaves an `/ok-to-test` message.\n\n<details>\n\nIn response to [this]('), c[0]);
  });

  it('S12 an untrusted commenter may /test all on a trusted PR', async () => {
    await reset(scenarioSeed({ author: 'trusted-member' }));
    await deliver(await issueCommentDelivery(w.gh, 'guid-s12', 'untrusted-member', '/test all'), cfg);
    assert.deepEqual((await jobs()).map((j) => j.job), ['job']);
  });

  it('S13 /retest reruns the failed context only, labelled as a retest, and prunes help comments', async () => {
    await reset(scenarioSeed({ author: 'trusted-member', comments: [] }));
    const head = await w.gh.headSha('org/repo', 5);
    const jub = presubmit('jub', { always_run: true, context: 'pull-jub' });
    for (const [context, state] of [['pull-job', 'pending'], ['pull-jib', 'failure'], ['pull-jub', 'success']] as const) {
      await w.client.createStatus('org', 'repo', head, { context, state });
    }
    const help = await w.client.createComment('org', 'repo', 5, '@x: The specified target(s) for `/test` were not found.\n');
    w.gh.clearCalls();
    const d = await issueCommentDelivery(w.gh, 'guid-s13', 'trusted-member', '/retest');
    const config = configWith({ presubmits: { 'org/repo': [...SCENARIO_PRESUBMITS, jub] } });
    await deliver(d, config);
    await deliver(d, config);
    const all = await jobs();
    assert.deepEqual(all.map((j) => j.job), ['jib']);
    assert.equal(all[0]!.labels[RETEST_LABEL], 'true');
    assert.ok(!w.gh.comments('org/repo', 5).some((c) => c.id === help.id), 'the help comment was pruned');
  });

  for (const c of [
    { name: 'S14 /retest runs a run_if_changed job that never ran when its files changed', rif: 'CHANGED', want: ['jab'] },
    { name: 'S14 variant: not when the files do not match', rif: 'CHANGED2', want: [] },
  ]) {
    it(c.name, async () => {
      await reset(scenarioSeed({ author: 'trusted-member' }));
      const config = configWith({ presubmits: { 'org/repo': [presubmit('jab', { run_if_changed: c.rif, context: 'pull-jab' })] } });
      await deliver(await issueCommentDelivery(w.gh, `guid-${c.rif}`, 'trusted-member', '/retest'), config);
      assert.deepEqual((await jobs()).map((j) => j.job), c.want);
    });
  }

  it('S15 /test with an unknown target answers with the list of jobs', async () => {
    await reset(scenarioSeed({ author: 'trusted-member' }));
    const d = await issueCommentDelivery(w.gh, 'guid-s15', 'trusted-member', '/test nope');
    await deliver(d, cfg);
    await deliver(d, cfg);
    assert.equal((await jobs()).length, 0);
    const c = comments();
    assert.equal(c.length, 1);
    const expected = '@trusted-member: The specified target(s) for `/test` were not found.\nThe following commands are available to trigger required jobs:\n```\n/test jib\n```\n```\n/test job\n```\n\nUse `/test all` to run the following jobs that were automatically triggered:\n```\njob\n```\n\n';
    assert.ok(c[0]!.startsWith(expected), c[0]);
    assert.ok(c[0]!.includes('In response to [this](https://github.com/org/repo/pull/5#issuecomment-'));
  });

  it('S15 variant: a command inside a code block is ignored', async () => {
    await reset(scenarioSeed({ author: 'trusted-member' }));
    await deliver(await issueCommentDelivery(w.gh, 'guid-s15b', 'trusted-member', '```\n/test nope\n```'), cfg);
    assert.equal((await jobs()).length, 0);
    assert.deepEqual(comments(), []);
  });

  it('/test jib forces the manual job; /test ? lists jobs without running any', async () => {
    await reset(scenarioSeed({ author: 'trusted-member' }));
    await deliver(await issueCommentDelivery(w.gh, 'guid-jib', 'trusted-member', '/test jib'), cfg);
    assert.deepEqual((await jobs()).map((j) => j.job), ['jib']);
    await deliver(await issueCommentDelivery(w.gh, 'guid-help', 'trusted-member', '/test ?'), cfg);
    assert.equal((await jobs()).length, 1);
    assert.ok(comments()[0]!.startsWith('@trusted-member: The following commands are available to trigger required jobs:'));
  });

  it('/ok-to-test cancel by a member restores needs-ok-to-test and runs nothing', async () => {
    await reset(scenarioSeed({ author: 'u', labels: ['ok-to-test'] }));
    const d = await issueCommentDelivery(w.gh, 'guid-cancel', 'trusted-member', '/ok-to-test cancel');
    await deliver(d, cfg);
    await deliver(d, cfg);
    assert.deepEqual(w.gh.labels('org/repo', 5), ['needs-ok-to-test']);
    assert.equal((await jobs()).length, 0);
    assert.equal(writes(w.gh).length, 2);
  });

  it('/test-manual-required runs required manual jobs without change filters only', async () => {
    await reset(scenarioSeed({ author: 'trusted-member' }));
    const config = configWith({
      presubmits: {
        'org/repo': [
          ...SCENARIO_PRESUBMITS,
          presubmit('manual-opt', { optional: true }),
          presubmit('manual-rif', { run_if_changed: 'nothing' }),
        ],
      },
    });
    await deliver(await issueCommentDelivery(w.gh, 'guid-tmr', 'trusted-member', '/test-manual-required'), config);
    assert.deepEqual((await jobs()).map((j) => j.job), ['jib']);
  });

  it('retargeting the base (edited with changes.base) and reopening rebuild a trusted PR; a title edit does not', async () => {
    await reset(scenarioSeed({ author: 'trusted-member' }));
    await deliver(await pullRequestDelivery(w.gh, 'guid-title', 'edited', { changes: { title: { from: 'old' } } }), cfg);
    assert.equal((await jobs()).length, 0);
    await deliver(await pullRequestDelivery(w.gh, 'guid-base', 'edited', { changes: { base: { ref: { from: 'dev' } } } }), cfg);
    await deliver(await pullRequestDelivery(w.gh, 'guid-reopen', 'reopened'), cfg);
    assert.deepEqual((await jobs()).map((j) => j.labels[EVENT_GUID_LABEL]).sort(), ['guid-base', 'guid-reopen']);
  });

  it('S17 an unmergeable PR gets no jobs and no comment', async () => {
    await reset(scenarioSeed({ author: 'trusted-member', mergeable: false }));
    await deliver(await issueCommentDelivery(w.gh, 'guid-s17', 'trusted-member', '/test all'), cfg);
    assert.equal((await jobs()).length, 0);
    assert.deepEqual(comments(), []);
  });

  it('ignores comments by the bot, on closed PRs, edits and unrelated text', async () => {
    await reset(scenarioSeed({ author: 'trusted-member' }));
    w.gh.clearCalls();
    const botComment = await issueCommentDelivery(w.gh, 'guid-bot', 'k8s-ci-robot', '/test all');
    const edited = await issueCommentDelivery(w.gh, 'guid-edit', 'trusted-member', '/test all');
    edited.payload.action = 'edited';
    const chat = await issueCommentDelivery(w.gh, 'guid-chat', 'trusted-member', 'please /test all');
    for (const d of [botComment, edited, chat]) await deliver(d, cfg);
    assert.equal((await jobs()).length, 0);
    assert.deepEqual(writes(w.gh), []);
  });
});

describe('trigger: push', () => {
  const config = configWith({
    postsubmits: {
      'org/repo': [postsubmit('pass-butter', { run_if_changed: '\\.sh$' })],
      'org2/repo2': [postsubmit('pass-salt')],
      'org3/repo3': [postsubmit('pass-pepper', { branches: ['release/v1.14'] })],
    },
  });
  const cases = [
    { name: 'S16 a matching change runs the postsubmit', repo: 'org/repo', ref: 'refs/heads/master', commits: [{ added: ['example.txt'], modified: ['hack.sh'] }], want: ['pass-butter'] },
    { name: 'S16 no matching change, no job', repo: 'org/repo', ref: 'refs/heads/master', commits: [{ added: ['example.txt'] }], want: [] },
    { name: 'S16 no matcher runs by default', repo: 'org2/repo2', ref: 'refs/heads/master', commits: [{ added: ['example.txt'] }], want: ['pass-salt'] },
    { name: 'S16 a branch filter with a slash', repo: 'org3/repo3', ref: 'refs/heads/release/v1.14', commits: [{ added: ['hack.sh'] }], want: ['pass-pepper'] },
    { name: 'S16 a deleted branch is skipped', repo: 'org/repo', ref: 'refs/heads/master', deleted: true, commits: [{ modified: ['a.sh'] }], want: [] },
    { name: 'S16 a zero after SHA is skipped', repo: 'org/repo', ref: 'refs/heads/master', after: '0'.repeat(40), commits: [{ modified: ['a.sh'] }], want: [] },
    { name: 'a tag push runs against the tag name', repo: 'org2/repo2', ref: 'refs/tags/v1.0', commits: [], want: ['pass-salt'] },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      await reset();
      const d = pushDelivery(`guid-push-${c.name}`.slice(0, 60).replace(/[^A-Za-z0-9-]/g, '-'), c);
      await deliver(d, config);
      await deliver(d, config);
      const all = await jobs();
      assert.deepEqual(all.map((j) => j.job), c.want);
      if (all.length > 0) {
        const refs = all[0]!.refs;
        assert.equal(refs.base_ref, c.ref.replace(/^refs\/(heads|tags)\//, ''));
        assert.equal(refs.base_sha, d.payload.after);
        assert.equal(refs.base_link, d.payload.compare);
        assert.equal(all[0]!.labels[EVENT_GUID_LABEL], d.id);
      }
      assert.equal(w.gh.calls().length, 0, 'a push costs no GitHub call');
    });
  }

  it('names jobs by (delivery, job, SHA): the same delivery twice makes one job, a new push another', async () => {
    await reset();
    const first = pushDelivery('guid-names-1', { repo: 'org2/repo2', ref: 'refs/heads/master', after: '1'.repeat(40) });
    await deliver(first, config);
    handled.clear(); // even handled as a first delivery again (no redelivery mark), the name stops a second job
    await deliver(first, config);
    const once = (await w.store.listProwJobs()).items;
    assert.deepEqual(once.map((p) => p.metadata.name), [deliveryJobName('guid-names-1', 'pass-salt', '1'.repeat(40))]);
    await deliver(pushDelivery('guid-names-2', { repo: 'org2/repo2', ref: 'refs/heads/master', after: '2'.repeat(40) }), config);
    const names = (await w.store.listProwJobs()).items.map((p) => p.metadata.name).sort();
    assert.equal(names.length, 2);
    assert.ok(names.includes(deliveryJobName('guid-names-2', 'pass-salt', '2'.repeat(40))));
  });
});

describe('trigger: trust and help text', () => {
  it('names every failed condition, and honours only_org_members and trusted_apps', async () => {
    await reset();
    assert.deepEqual(await trustedUser(w.client, {}, 'u', 'org', 'repo'), {
      trusted: false, reason: 'User is not a member of the org. User is not a collaborator. Satisfy at least one of these conditions to make the user trusted.',
    });
    assert.equal((await trustedUser(w.client, {}, 'collab1', 'org', 'repo')).trusted, true);
    assert.equal((await trustedUser(w.client, { only_org_members: true }, 'collab1', 'org', 'repo')).trusted, false);
    assert.equal((await trustedUser(w.client, { trusted_apps: ['renovate'] }, 'renovate[bot]', 'org', 'repo')).trusted, true);
    assert.equal((await trustedUser(w.client, {}, 'k8s-ci-robot', 'org', 'repo')).trusted, true);
  });

  it('help message lists optional jobs separately and says so when nothing runs', async () => {
    const opt = presubmit('opt', { optional: true });
    const a = await availablePresubmits(async () => [], 'master', [SCENARIO_PRESUBMITS[0]!, opt]);
    assert.equal(helpMessage('org', 'repo', 'master', '', a),
      'The following commands are available to trigger required jobs:\n```\n/test job\n```\n\nThe following commands are available to trigger optional jobs:\n```\n/test opt\n```\n\nUse `/test all` to run the following jobs that were automatically triggered:\n```\njob\n```\n\n');
    assert.equal(helpMessage('org', 'repo', 'dev', '', await availablePresubmits(async () => [], 'dev', [SCENARIO_PRESUBMITS[0]!])), 'No presubmit jobs available for org/repo@dev');
  });
});
