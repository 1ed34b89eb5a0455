// bugzilla (upstream pkg/plugins/bugzilla/bugzilla_test.go TestHandle, TestDigestPR, TestValidateBug and
// plugins/config_test.go's option resolution): every handle case goes through the real hook (signed
// webhook, dispatcher, plugins.yaml through the loader) with the real Bugzilla client against a fake
// Bugzilla (a real HTTP server answering as Bugzilla does) and the real Octokit client against the fake GitHub.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pluginsConfigFrom } from '../../support/config.js';
import { createSilentLogger } from '../../../src/observability/logger.js';
import { createBugzillaClient, pullFromIdentifier, validateBugzillaOptions } from '../../../src/plugins/bugzilla/bugzilla-client.js';
import { bugIdFromTitle, bugzillaPlugin, updateTitleBugId } from '../../../src/plugins/bugzilla/bugzilla.js';
import { optionsForBranch, resolveBugzillaOptions } from '../../../src/plugins/bugzilla/options.js';
import { validateBug } from '../../../src/plugins/bugzilla/validate.js';
import type { BugzillaClient } from '../../../src/plugins/types.js';
import { startFakeBugzilla, type FakeBug, type FakeBugzilla } from '../../support/fake-bugzilla.js';
import { BOT, REPO, commentDelivery, pullRequestDelivery, seed, startWorld, type Delivery, type World } from '../shared/fixtures.js';
import { pluginContextFor } from '../../support/plugin-context.js';
import { deliverTo } from '../support/fixtures.js';
import { startHookRig, type HookRig } from '../support/through-hook.js';

const log = createSilentLogger();
const LABELS = ['bugzilla/valid-bug', 'bugzilla/invalid-bug', 'bugzilla/severity-urgent', 'bugzilla/severity-high', 'bugzilla/severity-medium', 'bugzilla/severity-low', 'bugzilla/severity-unspecified'];

interface Case {
  name: string;
  title?: string;
  labels?: string[];
  /** valid-bug was put on by a human (alice), not the bot */
  humanValid?: boolean;
  bugs: FakeBug[];
  /** branch options for `*` under `bugzilla.default` (YAML flow mapping) */
  options?: string;
  event?: 'refresh' | 'cc-qa' | 'assign-qa' | 'opened' | 'closed' | 'merged' | 'issue';
  /** GitHub users with public emails */
  qaUsers?: { login: string; email: string }[];
  /** other PRs of org/repo: number → merged */
  otherPulls?: Record<number, boolean>;
  failNext?: [string, number, number, string];
  wantLabels?: string[];
  /** substrings of the bot's one reply; [] for no reply */
  wantReply: string[];
  wantBug?: Partial<FakeBug>;
  wantBzComments?: string[];
}

const ext = (n: number): string => `org/repo/pull/${n}`;

const cases: Case[] = [
  {
    name: 'no bug found leaves a comment', bugs: [],
    wantReply: ['No Bugzilla bug with ID 123 exists in the tracker at BZ.', 'request a bug refresh with <code>/bugzilla refresh</code>'], wantLabels: [],
  },
  {
    name: 'error fetching bug leaves a comment', bugs: [{ id: 123, status: 'NEW' }], failNext: ['/rest/bug/123', 400, 102, 'You are not authorized to access bug #123.'],
    wantReply: ['An error was encountered searching for bug 123 on the Bugzilla server at BZ. No known errors were detected', 'code 102: You are not authorized to access bug #123.'],
  },
  {
    name: 'github rate limits in a Bugzilla error get explained', bugs: [{ id: 123, status: 'NEW' }],
    failNext: ['/rest/bug/123', 500, 100500, 'There was an error reported for a GitHub REST call'],
    wantReply: ['We were able to detect the following conditions from the error:', 'This is usually caused by rate-limiting'],
  },
  {
    name: 'valid bug removes invalid label, adds valid/severity labels and comments', labels: ['bugzilla/invalid-bug'],
    bugs: [{ id: 123, status: 'NEW', severity: 'urgent' }],
    wantLabels: ['bugzilla/severity-urgent', 'bugzilla/valid-bug'],
    wantReply: ['This pull request references [Bugzilla bug 123](BZ/show_bug.cgi?id=123), which is valid.', '<summary>No validations were run on this bug</summary>'],
  },
  {
    name: 'invalid bug adds invalid label, removes valid label and comments', labels: ['bugzilla/valid-bug', 'bugzilla/severity-high'],
    bugs: [{ id: 123, status: 'NEW', is_open: false, severity: 'low' }], options: '{is_open: true}',
    wantLabels: ['bugzilla/invalid-bug', 'bugzilla/severity-low'],
    wantReply: ['references [Bugzilla bug 123](BZ/show_bug.cgi?id=123), which is invalid:\n - expected the bug to be open, but it isn\'t\n', 'Comment <code>/bugzilla refresh</code> to re-evaluate validity'],
  },
  {
    name: 'invalid bug keeps a human-added valid bug label', humanValid: true,
    bugs: [{ id: 123, status: 'NEW', is_open: false }], options: '{is_open: true}',
    wantLabels: ['bugzilla/valid-bug'], wantReply: ['which is invalid', 'Retaining the bugzilla/valid-bug label as it was manually added.'],
  },
  {
    name: 'no bug removes all labels and comments', title: 'fixing a typo', labels: ['bugzilla/valid-bug', 'bugzilla/invalid-bug'], bugs: [],
    wantLabels: [], wantReply: ["No Bugzilla bug is referenced in the title of this pull request.\nTo reference a bug, add 'Bug XXX:' to the title"],
  },
  {
    name: 'valid bug with status update moves the bug and says so', bugs: [{ id: 123, status: 'NEW' }],
    options: '{state_after_validation: {status: UPDATED}}', wantLabels: ['bugzilla/valid-bug'],
    wantReply: ['which is valid. The bug has been moved to the UPDATED state.'], wantBug: { status: 'UPDATED' },
  },
  {
    name: 'valid bug with status and resolution update', bugs: [{ id: 123, status: 'NEW' }],
    options: '{state_after_validation: {status: CLOSED, resolution: VALIDATED}}',
    wantReply: ['The bug has been moved to the CLOSED (VALIDATED) state.'], wantBug: { status: 'CLOSED', resolution: 'VALIDATED' },
  },
  {
    name: 'valid bug already in the state after validation is not updated', bugs: [{ id: 123, status: 'UPDATED' }],
    options: '{state_after_validation: {status: UPDATED}}', wantReply: ['which is valid.\n\n<details>'], wantBug: { status: 'UPDATED' },
  },
  {
    name: 'valid bug with external link makes an external bug link', bugs: [{ id: 123, status: 'NEW' }], options: '{add_external_link: true}',
    wantReply: ['which is valid. The bug has been updated to refer to the pull request using the external bug tracker.'], wantBug: { external: [ext(1)] },
  },
  {
    name: 'valid bug with an existing external link says nothing changed', bugs: [{ id: 123, status: 'NEW', external: [ext(1)] }],
    options: '{add_external_link: true}', wantReply: ['which is valid.\n\n<details>'], wantBug: { external: [ext(1)] },
  },
  {
    name: 'failure to fetch dependent bug results in a comment', bugs: [{ id: 123, status: 'NEW', depends_on: [124] }],
    options: '{dependent_bug_states: [{status: VERIFIED}]}', wantReply: ['An error was encountered searching for dependent bug 124 for bug 123'],
  },
  {
    name: 'valid bug with dependent bugs', bugs: [{ id: 123, status: 'MODIFIED', depends_on: [124] }, { id: 124, status: 'VERIFIED', target_release: ['v1'] }],
    options: '{valid_states: [{status: MODIFIED}], dependent_bug_states: [{status: VERIFIED}], dependent_bug_target_releases: [v1]}',
    wantLabels: ['bugzilla/valid-bug'],
    wantReply: ['<summary>4 validation(s) were run on this bug</summary>', '* dependent bug [Bugzilla bug 124](BZ/show_bug.cgi?id=124) is in the state VERIFIED, which is one of the valid states (VERIFIED)', '* bug has dependents'],
  },
  {
    name: 'valid bug on merged PR with one external link migrates to the new state with resolution', event: 'merged',
    bugs: [{ id: 123, status: 'MODIFIED', external: [ext(1)] }], options: '{state_after_merge: {status: CLOSED, resolution: MERGED}}',
    wantReply: ['All pull requests linked via external trackers have merged:\n * [org/repo#1](https://github.com/org/repo/pull/1)\n\n[Bugzilla bug 123](BZ/show_bug.cgi?id=123) has been moved to the CLOSED (MERGED) state.'],
    wantBug: { status: 'CLOSED', resolution: 'MERGED' },
  },
  {
    name: 'valid bug on merged PR with many merged external links migrates', event: 'merged', otherPulls: { 22: true },
    bugs: [{ id: 123, status: 'MODIFIED', external: [ext(1), ext(22)] }], options: '{status_after_merge: CLOSED}',
    wantReply: [' * [org/repo#1](https://github.com/org/repo/pull/1)\n * [org/repo#22](https://github.com/org/repo/pull/22)', 'has been moved to the CLOSED state.'], wantBug: { status: 'CLOSED' },
  },
  {
    name: 'valid bug on merged PR with unmerged external links does not move', event: 'merged', otherPulls: { 22: false },
    bugs: [{ id: 123, status: 'MODIFIED', external: [ext(1), ext(22)] }], options: '{state_after_merge: {status: CLOSED}}',
    wantReply: ['The following pull requests linked via external trackers have not merged:\n * [org/repo#22](https://github.com/org/repo/pull/22) is open', 'has not been moved to the CLOSED state.'],
    wantBug: { status: 'MODIFIED' },
  },
  {
    name: 'an external link to a repo outside our config is ignored', event: 'merged',
    bugs: [{ id: 123, status: 'MODIFIED', external: [ext(1), 'other/thing/pull/5'] }], options: '{state_after_merge: {status: CLOSED}}',
    wantReply: ['has been moved to the CLOSED state.'], wantBug: { status: 'CLOSED' },
  },
  {
    name: 'merged PR without state after merge configured does nothing', event: 'merged', bugs: [{ id: 123, status: 'MODIFIED', external: [ext(1)] }],
    wantReply: [], wantBug: { status: 'MODIFIED' },
  },
  {
    name: 'merged PR whose bug is in an unknown state is not moved', event: 'merged', bugs: [{ id: 123, status: 'CLOSED', resolution: 'WONTFIX', external: [ext(1)] }],
    options: '{valid_states: [{status: MODIFIED}], state_after_merge: {status: ON_QA}}',
    wantReply: ['[Bugzilla bug 123](BZ/show_bug.cgi?id=123) is in an unrecognized state (CLOSED (WONTFIX)) and will not be moved to the ON_QA state.'],
    wantBug: { status: 'CLOSED' },
  },
  {
    name: 'merged PR: a failed update is reported', event: 'merged', bugs: [{ id: 123, status: 'MODIFIED', external: [ext(1)] }],
    options: '{state_after_merge: {status: NOT_A_STATUS}}', wantReply: ["An error was encountered updating to the NOT_A_STATUS state for bug 123", "code 51: There is no status named 'NOT_A_STATUS'."],
  },
  {
    name: 'closed PR removes link and comments', event: 'closed', bugs: [{ id: 123, status: 'POST', external: [ext(1)] }], options: '{add_external_link: true}',
    wantReply: ['This pull request references [Bugzilla bug 123](BZ/show_bug.cgi?id=123). The bug has been updated to no longer refer to the pull request using the external bug tracker.'],
    wantBug: { external: [] },
  },
  {
    name: 'closed PR without a link does nothing', event: 'closed', bugs: [{ id: 123, status: 'POST' }], options: '{add_external_link: true}', wantReply: [],
  },
  {
    name: 'closed PR removes the last link, moves the bug and says why in Bugzilla', event: 'closed', bugs: [{ id: 123, status: 'POST', external: [ext(1)] }],
    options: '{add_external_link: true, state_after_close: {status: NEW}}',
    wantReply: ['All external bug links have been closed. The bug has been moved to the NEW state.'], wantBug: { status: 'NEW', external: [] },
    wantBzComments: ['123: (private) Bug status changed to NEW as previous linked PR https://github.com/org/repo/pull/1 has been closed'],
  },
  {
    name: 'closed PR with other links left does not move the bug', event: 'closed', bugs: [{ id: 123, status: 'POST', external: [ext(1), ext(22)] }],
    options: '{add_external_link: true, state_after_close: {status: NEW}}', wantReply: ['no longer refer to the pull request'], wantBug: { status: 'POST', external: [ext(22)] },
  },
  {
    name: 'a bug in any group is fine on a repo with no allowed groups', bugs: [{ id: 123, status: 'NEW', groups: ['security'] }],
    wantReply: ['which is valid.\n\n<details><summary>No validations were run on this bug</summary></details>\n\n<details>\n\nIn response to [this]'], wantLabels: ['bugzilla/valid-bug'],
  },
  {
    name: 'bug in a group that is not allowed is explained on refresh', bugs: [{ id: 123, status: 'NEW', groups: ['security'] }],
    options: '{allowed_groups: [internal]}',
    wantReply: ['[Bugzilla bug 123](BZ/show_bug.cgi?id=123) is in a bug group that is not in the allowed groups for this repo.\nAllowed groups for this repo are:\n- internal'], wantLabels: [],
  },
  {
    name: 'bug in a group that is not allowed is explained when the PR opens', event: 'opened', bugs: [{ id: 123, status: 'NEW', groups: ['security'] }],
    options: '{allowed_groups: [internal]}', wantReply: ['is in a bug group that is not in the allowed groups'], wantLabels: [],
  },
  {
    name: 'bug in an allowed group is validated', event: 'opened', bugs: [{ id: 123, status: 'NEW', groups: ['internal'] }],
    options: '{allowed_groups: [internal]}', wantReply: ['which is valid'], wantLabels: ['bugzilla/valid-bug'],
  },
  {
    name: 'cc-qa without a QA contact says so', event: 'cc-qa', bugs: [{ id: 123, status: 'NEW' }],
    wantReply: ['</details>[Bugzilla bug 123](BZ/show_bug.cgi?id=123) does not have a QA contact, skipping assignment'],
  },
  {
    name: 'cc-qa with a QA contact on GitHub asks them to review', event: 'cc-qa', bugs: [{ id: 123, status: 'NEW', qa_contact_detail: { email: 'qa@example.com' } }],
    qaUsers: [{ login: 'qa-person', email: 'qa@example.com' }], wantReply: ['</details>\n\nRequesting review from QA contact:\n/cc @qa-person'],
  },
  {
    name: 'assign-qa works and says it is deprecated', event: 'assign-qa', bugs: [{ id: 123, status: 'NEW', qa_contact_detail: { email: 'qa@example.com' } }],
    qaUsers: [{ login: 'qa-person', email: 'qa@example.com' }], wantReply: ['/cc @qa-person\n\n**DEPRECATION NOTICE**: The command `assign-qa` has been deprecated.'],
  },
  {
    name: 'a refresh names the QA contact too; nobody on GitHub with that email', bugs: [{ id: 123, status: 'NEW', qa_contact_detail: { email: 'qa@example.com' } }],
    wantReply: ['No GitHub users were found matching the public email listed for the QA contact in Bugzilla (qa@example.com), skipping review request.'],
  },
  {
    name: 'several GitHub users with the QA email: none is asked', bugs: [{ id: 123, status: 'NEW', qa_contact_detail: { email: 'qa@example.com' } }],
    qaUsers: [{ login: 'qa1', email: 'qa@example.com' }, { login: 'qa2', email: 'QA@example.com' }],
    wantReply: ['Multiple GitHub users were found matching the public email listed for the QA contact in Bugzilla (qa@example.com), skipping review request. List of users with matching email:\n\t- qa1\n\t- qa2'],
  },
  {
    name: 'a QA contact without an email is only mentioned on cc-qa', event: 'cc-qa', bugs: [{ id: 123, status: 'NEW', qa_contact_detail: { name: 'qa' } }],
    wantReply: ['</details>QA contact for [Bugzilla bug 123](BZ/show_bug.cgi?id=123) does not have a listed email, skipping assignment'],
  },
  {
    name: 'a bugzilla command on an issue is refused', event: 'issue', bugs: [],
    wantReply: ['Bugzilla bug referencing is only supported for Pull Requests, not issues.'],
  },
];

describe('bugzilla', () => {
  let w: World;
  let bz: FakeBugzilla;
  let rig: HookRig;
  let dir: string;
  let keyFile: string;
  before(async () => {
    w = await startWorld();
    bz = await startFakeBugzilla();
    dir = mkdtempSync(join(tmpdir(), 'prow-bugzilla-'));
    keyFile = join(dir, 'api-key');
    writeFileSync(keyFile, `${bz.apiKey}\n`);
    rig = await startHookRig(w, { bugzilla: client() });
  });
  after(async () => {
    await rig?.close();
    await w.close();
    await bz.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function client(o: { key?: string; authMethod?: string } = {}): BugzillaClient {
    return createBugzillaClient({ endpoint: bz.url, apiKeyPath: o.key ?? keyFile, authMethod: o.authMethod, log });
  }
  const fix = (s: string): string => s.replaceAll('BZ', bz.url);

  for (const c of cases) {
    it(c.name, async () => {
      bz.reset(c.bugs);
      const pulls = Object.entries(c.otherPulls ?? {}).map(([n]) => ({ repo: REPO, number: Number(n), author: 'bob', title: 'Bug 123: other part', labels: [] }));
      const s = seed({ isPR: c.event !== 'issue', title: c.title ?? 'Bug 123: fixed it', labels: c.labels ?? [], repoLabels: LABELS, extraPulls: pulls });
      await w.gh.reset({ ...s, users: [...s.users!, ...(c.qaUsers ?? [])], tokens: { 'alice-token': 'alice' } });
      for (const [n, merged] of Object.entries(c.otherPulls ?? {})) if (merged) await w.client.mergePullRequest('org', 'repo', Number(n));
      if (c.humanValid === true) {
        const res = await fetch(`${w.gh.url}/repos/${REPO}/issues/1/labels`, { method: 'POST', headers: { authorization: 'token alice-token', 'content-type': 'application/json' }, body: JSON.stringify({ labels: ['bugzilla/valid-bug'] }) });
        assert.equal(res.status, 200);
      }
      rig.configure(['bugzilla'], c.options === undefined ? '' : `bugzilla:\n  default:\n    '*': ${c.options}\n`);
      let d: Delivery;
      switch (c.event ?? 'refresh') {
        case 'opened': d = await pullRequestDelivery(w.gh, 'opened'); break;
        case 'closed': await w.client.closePullRequest('org', 'repo', 1); d = await pullRequestDelivery(w.gh, 'closed'); break;
        case 'merged': await w.client.mergePullRequest('org', 'repo', 1); d = await pullRequestDelivery(w.gh, 'closed'); break;
        case 'cc-qa': d = await commentDelivery(w.gh, 'alice', '/bugzilla cc-qa', { post: true }); break;
        case 'assign-qa': d = await commentDelivery(w.gh, 'alice', '/bugzilla assign-qa', { post: true }); break;
        default: d = await commentDelivery(w.gh, 'alice', '/bugzilla refresh', { post: true });
      }
      if (c.failNext) bz.failNext(...c.failNext);
      await rig.send(d);

      const replies = w.gh.comments(REPO, 1).filter((x) => x.user === BOT).map((x) => x.body);
      if (c.wantReply.length === 0) assert.deepEqual(replies, []);
      else {
        assert.equal(replies.length, 1, `one reply, got ${JSON.stringify(replies)}`);
        for (const want of c.wantReply) assert.ok(replies[0]!.includes(fix(want)), `reply has ${JSON.stringify(fix(want))}:\n${replies[0]}`);
      }
      if (c.wantLabels) assert.deepEqual(w.gh.labels(REPO, 1).sort(), c.wantLabels);
      const bug = bz.bugs.get(123);
      for (const [k, v] of Object.entries(c.wantBug ?? {})) assert.deepEqual((bug as unknown as Record<string, unknown>)[k] ?? (k === 'external' ? [] : undefined), v, `bug ${k}`);
      assert.deepEqual(bz.comments, c.wantBzComments ?? []);
    });
  }

  it('a title edit that keeps the same bug is not handled; one that drops it clears the labels', async () => {
    bz.reset([{ id: 123, status: 'NEW' }]);
    await w.gh.reset(seed({ isPR: true, title: 'Bug 123: fixed it, really', labels: ['bugzilla/valid-bug'], repoLabels: LABELS }));
    rig.configure(['bugzilla']);
    const same = await pullRequestDelivery(w.gh, 'edited');
    same.payload.changes = { title: { from: 'Bug 123: fixed it' } };
    await rig.send(same);
    assert.deepEqual(bz.requests, [], 'the same bug: Bugzilla not asked');
    await w.client.patchPullRequest('org', 'repo', 1, { title: 'fixed it' });
    const dropped = await pullRequestDelivery(w.gh, 'edited');
    dropped.payload.changes = { title: { from: 'Bug 123: fixed it, really' } };
    await rig.send(dropped);
    assert.deepEqual(w.gh.labels(REPO, 1), []);
    assert.match(w.gh.comments(REPO, 1).at(-1)!.body, /No Bugzilla bug is referenced in the title/);
  });

  it('a PR opened without a bug is left alone unless validate_by_default', async () => {
    bz.reset([]);
    await w.gh.reset(seed({ isPR: true, title: 'no bug here', repoLabels: LABELS }));
    rig.configure(['bugzilla']);
    await rig.send(await pullRequestDelivery(w.gh, 'opened'));
    assert.deepEqual(w.gh.comments(REPO, 1), []);
    rig.configure(['bugzilla'], "bugzilla:\n  default:\n    '*': {validate_by_default: true}\n");
    await rig.send(await pullRequestDelivery(w.gh, 'opened'));
    assert.match(w.gh.comments(REPO, 1)[0]!.body, /No Bugzilla bug is referenced/);
  });

  it('branch options come from the branch entry of the PR base', async () => {
    bz.reset([{ id: 123, status: 'NEW', target_release: ['4.6.z'] }]);
    const s = seed({ isPR: true, title: 'Bug 123: fix', base: 'release-4.6', repoLabels: LABELS });
    s.repos![0]!.branches = { 'release-4.6': { 'x.txt': 'x' } };
    await w.gh.reset(s);
    rig.configure(['bugzilla'], "bugzilla:\n  default:\n    '*': {target_release: '4.7.0'}\n  orgs:\n    org:\n      repos:\n        repo:\n          branches:\n            release-4.6: {target_release: 4.6.z}\n");
    await rig.send(await commentDelivery(w.gh, 'alice', '/bugzilla refresh', { post: true }));
    assert.match(w.gh.comments(REPO, 1).at(-1)!.body, /which is valid/);
  });

  it('without a Bugzilla client the events fail, saying which flag is missing', async () => {
    await w.gh.reset(seed({ isPR: true, title: 'Bug 1: x', repoLabels: LABELS }));
    const d = await commentDelivery(w.gh, 'alice', '/bugzilla refresh', { post: true });
    await assert.rejects(deliverTo(bugzillaPlugin, d, pluginContextFor(w, { plugin: 'bugzilla', withOwners: false })), /start hook with --bugzilla-endpoint/);
  });

  it('the client sends the API key as the auth method says, and Bugzilla errors carry their code', async () => {
    bz.reset([{ id: 7, status: 'NEW' }]);
    for (const method of [undefined, 'bearer', 'query', 'x-bugzilla-api-key']) {
      assert.equal((await client({ authMethod: method }).getBug(7))?.status, 'NEW', String(method));
    }
    assert.equal(await client().getBug(8), undefined, 'a 404 with code 101 is no bug');
    const wrong = join(dir, 'wrong');
    writeFileSync(wrong, 'nope');
    await assert.rejects(client({ key: wrong }).getBug(7), /code 306: The API key you specified is invalid/);
    const anonymous = createBugzillaClient({ endpoint: bz.url, log });
    await assert.rejects(anonymous.updateBug(7, { status: 'MODIFIED' }), /code 410: You must log in/);
    assert.equal(await client().addPullRequestAsExternalBug(7, 'org', 'repo', 3), true);
    assert.equal(await client().addPullRequestAsExternalBug(7, 'org', 'repo', 3), false, 'a duplicate link is not an error');
    assert.deepEqual(await client().getExternalBugPRsOnBug(7), [{ org: 'org', repo: 'repo', num: 3 }]);
    assert.equal(await client().removePullRequestAsExternalBug(7, 'org', 'repo', 3), true);
    assert.equal(await client().removePullRequestAsExternalBug(7, 'org', 'repo', 3), false, 'no link to remove is not an error');
    const dry = createBugzillaClient({ endpoint: bz.url, apiKeyPath: keyFile, dryRun: true, log });
    const before = bz.requests.length;
    await dry.updateBug(7, { status: 'MODIFIED' });
    assert.equal(bz.requests.length, before, 'dry run sends no write');
  });

  it('flags and identifiers are checked as upstream', () => {
    assert.deepEqual(validateBugzillaOptions({ endpoint: 'not a url' }), ['invalid --bugzilla-endpoint URI: "not a url"']);
    assert.match(validateBugzillaOptions({ endpoint: 'https://b', authMethod: 'basic' })[0]!, /Valid values are bearer,query or x-bugzilla-api-key/);
    assert.throws(() => createBugzillaClient({ endpoint: 'https://b', apiKeyPath: join(dir, 'missing'), log }), /ENOENT/);
    assert.deepEqual(pullFromIdentifier('org/repo/pull/12/files'), { org: 'org', repo: 'repo', num: 12 });
    assert.equal(pullFromIdentifier('org/repo/issues/12'), undefined);
    assert.throws(() => pullFromIdentifier('org/repo/pull/12/commits/x'), /invalid pull identifier with 6 parts/);
  });

  it('bug ids come from titles as upstream (TestBugIDFromTitle)', () => {
    assert.equal(bugIdFromTitle('Bug 12: Canonical'), 12);
    assert.equal(bugIdFromTitle('bug 12: Lowercase'), 12);
    assert.equal(bugIdFromTitle('[rebase release-1.0] Bug 12: Prefix'), 12);
    assert.equal(bugIdFromTitle('Bug  34: Two spaces'), 34);
    assert.equal(bugIdFromTitle('Bug 12 : Space before colon'), undefined);
    assert.equal(bugIdFromTitle('Bug 12 Missing colon'), undefined);
    assert.equal(bugIdFromTitle('BUG 12: Uppercase'), 12);
  });

  it('options resolve through the hierarchy as upstream (statuses fold into states, exclude_defaults)', () => {
    const o = optionsForBranch({
      default: { '*': { is_open: true, statuses: ['MODIFIED'], state_after_validation: { status: 'POST' } } },
      orgs: { org: { default: { '*': { target_release: 'v1' } }, repos: { repo: { branches: { rel: { exclude_defaults: true, statuses: ['NEW', 'ASSIGNED'], status_after_merge: 'CLOSED' } } } } } },
    }, 'org', 'repo', 'rel');
    assert.deepEqual(o, { exclude_defaults: true, valid_states: [{ status: 'ASSIGNED', resolution: '' }, { status: 'NEW', resolution: '' }], state_after_merge: { status: 'CLOSED' } });
    assert.deepEqual(optionsForBranch({ default: { '*': { is_open: true } } }, 'other', 'x', 'main'), { is_open: true });
    assert.deepEqual(resolveBugzillaOptions({ valid_states: [{ status: 'A' }] }, { statuses: ['B'] }).valid_states, [{ status: 'B', resolution: '' }]);
    assert.deepEqual(resolveBugzillaOptions({ dependent_bug_target_releases: ['a'] }, { dependent_bug_target_release: 'b' }).dependent_bug_target_releases, ['b']);
    assert.deepEqual(resolveBugzillaOptions({}, { dependent_bug_target_releases: ['a'], dependent_bug_target_release: 'b' }).dependent_bug_target_releases, ['a', 'b']);
  });

  it('validation wording follows upstream (TestValidateBug)', () => {
    const v = validateBug({ id: 1, status: 'NEW', is_open: true, target_release: ['v2'] }, [], { is_open: false, target_release: 'v1', valid_states: [{ status: 'MODIFIED' }], state_after_validation: { status: 'VERIFIED' }, dependent_bug_target_releases: ['v1'] }, 'https://bz');
    assert.equal(v.valid, false);
    assert.deepEqual(v.errors, [
      'expected the bug to not be open, but it is',
      'expected the bug to target the "v1" release, but it targets "v2" instead',
      'expected the bug to be in one of the following states: MODIFIED, VERIFIED, but it is NEW instead',
      'expected [Bugzilla bug 1](https://bz/show_bug.cgi?id=1) to depend on a bug targeting a release in v1, but no dependents were found',
    ]);
  });
  it('the per-repo help says what each branch wants (TestHelpProvider)', () => {
    const pc = pluginsConfigFrom(`bugzilla:
  default:
    "*": {target_release: global-default}
    global-branch: {is_open: false, target_release: global-branch-default}
  orgs:
    my-org:
      default:
        "*": {is_open: true, target_release: my-org-default, state_after_validation: {status: PRE}}
        my-org-branch: {target_release: my-org-branch-default, state_after_validation: {status: POST}, add_external_link: true}
      repos:
        my-repo:
          branches:
            "*": {is_open: false, target_release: my-repo-default, valid_states: [{status: VALIDATED}]}
            my-repo-branch: {target_release: my-repo-branch, valid_states: [{status: MODIFIED}], add_external_link: true, state_after_merge: {status: MODIFIED}}
            branch-that-likes-closed-bugs:
              valid_states: [{status: VERIFIED}, {status: CLOSED, resolution: ERRATA}]
              dependent_bug_states: [{status: CLOSED, resolution: ERRATA}]
              state_after_merge: {status: CLOSED, resolution: FIXED}
              state_after_validation: {status: CLOSED, resolution: VALIDATED}
`);
    assert.deepEqual(bugzillaPlugin.configHelp!(pc, ['some-org/some-repo', 'my-org/some-repo', 'my-org/my-repo']), {
      'some-org/some-repo': `The plugin has the following configuration:<ul>
<li>by default, valid bugs must target the "global-default" release.</li>
<li>on the "global-branch" branch, valid bugs must be closed and target the "global-branch-default" release.</li>
</ul>`,
      'my-org/some-repo': `The plugin has the following configuration:<ul>
<li>by default, valid bugs must be open and target the "my-org-default" release. After being linked to a pull request, bugs will be moved to the PRE state.</li>
<li>on the "my-org-branch" branch, valid bugs must be open and target the "my-org-branch-default" release. After being linked to a pull request, bugs will be moved to the POST state and updated to refer to the pull request using the external bug tracker.</li>
</ul>`,
      'my-org/my-repo': `The plugin has the following configuration:<ul>
<li>by default, valid bugs must be closed, target the "my-repo-default" release, and be in one of the following states: VALIDATED. After being linked to a pull request, bugs will be moved to the PRE state.</li>
<li>on the "branch-that-likes-closed-bugs" branch, valid bugs must be closed, target the "my-repo-default" release, be in one of the following states: VERIFIED, CLOSED (ERRATA), depend on at least one other bug, and have all dependent bugs in one of the following states: CLOSED (ERRATA). After being linked to a pull request, bugs will be moved to the CLOSED (VALIDATED) state and moved to the CLOSED (FIXED) state when all linked pull requests are merged.</li>
<li>on the "my-org-branch" branch, valid bugs must be closed, target the "my-repo-default" release, and be in one of the following states: VALIDATED. After being linked to a pull request, bugs will be moved to the POST state and updated to refer to the pull request using the external bug tracker.</li>
<li>on the "my-repo-branch" branch, valid bugs must be closed, target the "my-repo-branch" release, and be in one of the following states: MODIFIED. After being linked to a pull request, bugs will be moved to the PRE state, updated to refer to the pull request using the external bug tracker, and moved to the MODIFIED state when all linked pull requests are merged.</li>
</ul>`,
    });
  });
  describe('cherry-pick PRs with enable_backporting (upstream handleCherrypick)', () => {
    const parent: FakeBug = {
      id: 123, status: 'MODIFIED', summary: 'installer crashes', product: 'OCP', component: ['Installer'], severity: 'high', target_release: ['4.7.0'],
      sub_components: { Installer: ['openshift-installer'] },
      bug_comments: [{ text: 'It crashes.', creator: 'alice@example.com', time: '2026-01-02T03:04:05Z' }, { text: 'Still.', creator: 'bob@example.com', time: '2026-01-03T04:05:06Z', is_private: true }],
    };
    const cases: { name: string; bugs: FakeBug[]; options: string; want: string; check?: () => void }[] = [
      {
        name: 'a clone is made for the branch release and the PR retitled', bugs: [parent], options: "{enable_backporting: true, target_release: '4.6.z'}",
        want: '[Bugzilla bug 123](BZ/show_bug.cgi?id=123) has been cloned as [Bugzilla bug 124](BZ/show_bug.cgi?id=124). Retitling PR to link against new bug.\n/retitle [release-4.6] Bug 124: fix the installer',
        check: () => {
          const clone = bz.bugs.get(124)!;
          assert.deepEqual(clone.target_release, ['4.6.z']);
          assert.deepEqual(clone.depends_on, [123]);
          assert.deepEqual(bz.bugs.get(123)!.blocks, [124]);
          assert.equal(clone.created_from!.description, '+++ This bug was initially created as a clone of Bug #123 +++\n\nIt crashes.\n\n--- Additional comment from bob@example.com on 2026-01-03 04:05:06 UTC ---\n\nStill.');
          assert.deepEqual(clone.created_from!.sub_components, { Installer: ['openshift-installer'] });
          assert.equal(clone.created_from!.comment_is_private, true);
          assert.equal(clone.created_from!.severity, 'high');
        },
      },
      {
        name: 'an existing clone for the release is reused', options: "{enable_backporting: true, target_release: '4.6.z'}",
        bugs: [{ ...parent, blocks: [130] }, { id: 130, status: 'NEW', summary: 'installer crashes', target_release: ['4.6.z'], depends_on: [123] }],
        want: 'Detected clone of [Bugzilla bug 123](BZ/show_bug.cgi?id=123) with correct target release. Retitling PR to link to clone:\n/retitle [release-4.6] Bug 130: fix the installer',
      },
      {
        name: 'without a target release for the branch it says so and refreshes', bugs: [parent], options: '{enable_backporting: true}',
        want: 'Could not make automatic cherrypick of [Bugzilla bug 123](BZ/show_bug.cgi?id=123) for this PR as the target_release is not set for this branch in the bugzilla plugin config. Running refresh:\n/bugzilla refresh',
      },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        bz.reset(c.bugs);
        const s = seed({
          isPR: true, title: '[release-4.6] Bug 123: fix the installer', body: 'This is an automated cherry-pick of #22\n\n/assign alice', base: 'release-4.6', repoLabels: LABELS,
          extraPulls: [{ repo: REPO, number: 22, author: 'alice', title: 'Bug 123: fix the installer', labels: [] }],
        });
        s.repos![0]!.branches = { 'release-4.6': { 'x.txt': 'x' } };
        await w.gh.reset(s);
        rig.configure(['bugzilla'], `bugzilla:\n  default:\n    '*': ${c.options}\n`);
        await rig.send(await pullRequestDelivery(w.gh, 'opened'));
        const replies = w.gh.comments(REPO, 1).filter((x) => x.user === BOT).map((x) => x.body);
        assert.equal(replies.length, 1, JSON.stringify(replies));
        assert.ok(replies[0]!.includes(fix(c.want)), replies[0]);
        c.check?.();
      });
    }

    it('without enable_backporting a cherry-pick PR is left alone', async () => {
      bz.reset([parent]);
      await w.gh.reset(seed({ isPR: true, title: '[release-4.6] Bug 123: fix', body: 'This is an automated cherry-pick of #22', repoLabels: LABELS }));
      rig.configure(['bugzilla']);
      await rig.send(await pullRequestDelivery(w.gh, 'opened'));
      assert.deepEqual(w.gh.comments(REPO, 1), []);
      assert.deepEqual(bz.requests, []);
    });

    it('titles are retitled as upstream (TestUpdateTitleBugID)', () => {
      assert.equal(updateTitleBugId('Bug 123: Fix segfault', 123, 124), 'Bug 124: Fix segfault');
      assert.equal(updateTitleBugId('[release-4.6] Bug 123: Fix segfault', 123, 124), '[release-4.6] Bug 124: Fix segfault');
      assert.throws(() => updateTitleBugId('Fix segfault', 123, 124), /failed to identify bug string in title/);
    });
  });
});
