// override (upstream pkg/plugins/override/override_test.go TestHandle, TestWhoCanUse, TestAuthorizedGitHubTeamMember,
// TestHandleOverrideSticky, TestHandleOverrideCancel) on the fake GitHub: statuses on the PR head, repo roles,
// teams, root OWNERS and branch protection as GitHub has them; override ProwJobs in the SQLite store.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { overridePlugin, parseOverrideInput, whoCanUse } from '../../../src/plugins/override/override.js';
import { snapshotFrom } from '../../support/config.js';
import { pluginContextFor } from '../../support/plugin-context.js';
import { pluginCases } from '../../support/plugin-cases.js';
import { deliverTo, type Delivery } from '../support/fixtures.js';
import { REPO, botComments, commentDelivery, seed, startWorld, writes, type World } from '../shared/fixtures.js';

const JOBS = `presubmits:
  org/repo:
  - name: job-a
    context: ctx-a
    always_run: true
    spec: {containers: [{image: alpine}]}
  - name: job-b
    context: ctx-b
    always_run: true
    spec: {containers: [{image: alpine}]}
`;

interface Case {
  name: string;
  comment: string;
  user?: string;
  /** statuses on the head before: context → [state, description] */
  statuses?: Record<string, [string, string?]>;
  required?: string[];
  plugins?: string;
  state?: 'open' | 'closed';
  isIssue?: boolean;
  action?: string;
  /** context → [state, description substring] after */
  want?: Record<string, [string, string]>;
  /** substring of the one reply; undefined: no reply */
  reply?: string;
  jobs?: string[];
}

const FAILED = { 'ctx-a': ['failure'] as [string], 'ctx-b': ['failure'] as [string], 'other/ci': ['error'] as [string], 'good': ['success'] as [string] };
const cases: Case[] = [
  { name: 'rejects a rando', comment: '/override ctx-a', user: 'rando', statuses: FAILED, reply: 'rando unauthorized: /override is restricted to Repo administrators.' },
  { name: 'a write collaborator is not an admin', comment: '/override ctx-a', user: 'collab1', statuses: FAILED, reply: 'collab1 unauthorized' },
  {
    name: 'an admin overrides a failure; the presubmit gets a successful job', comment: '/override ctx-a', statuses: FAILED,
    want: { 'ctx-a': ['success', 'Overridden by admin-user'] }, reply: 'Overrode contexts on behalf of admin-user: ctx-a', jobs: ['job-a'],
  },
  { name: 'overrides a context no job owns without a job', comment: '/override other/ci', statuses: FAILED, want: { 'other/ci': ['success', 'Overridden by admin-user'] }, reply: 'Overrode contexts on behalf of admin-user: other/ci', jobs: [] },
  { name: 'overrides a pending context', comment: '/override ctx-a', statuses: { 'ctx-a': ['pending'] }, want: { 'ctx-a': ['success', 'Overridden by'] }, reply: 'Overrode', jobs: ['job-a'] },
  { name: 'an unknown context gets the list of expected ones', comment: '/override nope', statuses: FAILED, reply: 'The following unknown contexts/checkruns were given:\n - `nope`\n\nOnly the following failed contexts/checkruns were expected:\n - `ctx-a`\n - `ctx-b`\n - `job-a`\n - `job-b`\n - `other/ci`' },
  { name: 'no target', comment: '/override', statuses: FAILED, reply: '/override requires failed status contexts to operate on, but none was given' },
  {
    name: 'several contexts in one line', comment: '/override ctx-a other/ci', statuses: FAILED,
    want: { 'ctx-a': ['success', 'Overridden'], 'other/ci': ['success', 'Overridden'] }, reply: 'on behalf of admin-user: ctx-a, other/ci', jobs: ['job-a'],
  },
  {
    name: 'several override lines', comment: '/override ctx-a\n/override ctx-b', statuses: FAILED,
    want: { 'ctx-a': ['success', 'Overridden'], 'ctx-b': ['success', 'Overridden'] }, reply: 'ctx-a, ctx-b', jobs: ['job-a', 'job-b'],
  },
  { name: 'extra whitespace', comment: '/override  ctx-a  ', statuses: FAILED, want: { 'ctx-a': ['success', 'Overridden'] }, reply: 'Overrode contexts', jobs: ['job-a'] },
  { name: 'ignores issues', comment: '/override ctx-a', isIssue: true },
  { name: 'ignores closed PRs', comment: '/override ctx-a', state: 'closed', statuses: FAILED },
  { name: 'ignores edits', comment: '/override ctx-a', action: 'edited', statuses: FAILED },
  { name: 'ignores random text', comment: 'please /override ctx-a', statuses: FAILED },
  { name: 'a passing context is not overridable', comment: '/override good', statuses: FAILED, reply: 'unknown contexts/checkruns were given:\n - `good`' },
  { name: 'the prow job name overrides its context', comment: '/override job-b', statuses: FAILED, want: { 'ctx-b': ['success', 'Overridden'] }, reply: 'on behalf of admin-user: ctx-b', jobs: ['job-b'] },
  { name: 'context and job name together make one job', comment: '/override ctx-a job-a', statuses: FAILED, want: { 'ctx-a': ['success', 'Overridden'] }, reply: ': ctx-a', jobs: ['job-a'] },
  {
    name: 'a root OWNERS approver with allow_top_level_owners', comment: '/override ctx-a', user: 'Approver-Root', statuses: FAILED,
    plugins: 'override:\n  allow_top_level_owners: true\n', want: { 'ctx-a': ['success', 'Overridden by Approver-Root'] }, reply: 'Overrode', jobs: ['job-a'],
  },
  {
    name: 'a user not in OWNERS with allow_top_level_owners is refused', comment: '/override ctx-a', user: 'rando', statuses: FAILED,
    plugins: 'override:\n  allow_top_level_owners: true\n', reply: 'rando unauthorized: /override is restricted to Repo administrators, approvers in top level OWNERS file.',
  },
  {
    name: 'a member of an allowed team', comment: '/override ctx-a', user: 'team-member', statuses: FAILED,
    plugins: 'override:\n  allowed_github_teams:\n    org/repo: [overriders]\n', want: { 'ctx-a': ['success', 'Overridden by team-member'] }, reply: 'Overrode', jobs: ['job-a'],
  },
  {
    name: 'an invalid team slug does not stop a valid one', comment: '/override ctx-a', user: 'team-member', statuses: FAILED,
    plugins: 'override:\n  allowed_github_teams:\n    org/repo: [no-such-team]\n    org: [overriders]\n', want: { 'ctx-a': ['success', 'Overridden'] }, reply: 'Overrode', jobs: ['job-a'],
  },
  {
    name: 'a required context with no status yet is overridable', comment: '/override required-ci', statuses: FAILED, required: ['required-ci'],
    want: { 'required-ci': ['success', 'Overridden'] }, reply: ': required-ci', jobs: [],
  },
  {
    name: '/override-sticky adds the skip-retest marker', comment: '/override-sticky ctx-a', statuses: FAILED,
    want: { 'ctx-a': ['success', 'Overridden by admin-user [prow:skip-retest]'] }, reply: 'These overrides will persist across retests', jobs: ['job-a'],
  },
  {
    name: '/override-cancel ctx cancels that override only', comment: '/override-cancel ctx-a', statuses: { 'ctx-a': ['success', 'Overridden by someone'], 'ctx-b': ['success', 'Overridden by someone'] },
    want: { 'ctx-a': ['failure', 'Override cancelled by admin-user'], 'ctx-b': ['success', 'Overridden by someone'] }, reply: 'Cancelled overrides on behalf of admin-user: ctx-a',
  },
  {
    name: '/override-cancel cancels every override, sticky or not', comment: '/override-cancel', statuses: { 'ctx-a': ['success', 'Overridden by x [prow:skip-retest]'], 'ctx-b': ['success', 'Overridden by y'], good: ['success', 'Job succeeded.'] },
    want: { 'ctx-a': ['failure', 'Override cancelled'], 'ctx-b': ['failure', 'Override cancelled'], good: ['success', 'Job succeeded.'] }, reply: ': ctx-a, ctx-b',
  },
  { name: '/override-cancel with nothing overridden', comment: '/override-cancel', statuses: FAILED, reply: 'No overrides found to cancel' },
];

describe('override', () => {
  let w: World;
  let d: Delivery;
  let pass = 0;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.close());

  pluginCases(cases, {
    async arrange(c) {
      const s = seed({
        isPR: c.isIssue !== true, state: c.state ?? 'open', repoFiles: { OWNERS: 'approvers: [approver-root]\n' },
        users: ['admin-user', 'team-member', 'Approver-Root'], orgs: { org: { members: ['trusted-member', 'team-member'], teams: { overriders: { members: ['team-member'] } } } },
      });
      s.repos![0]!.collaborators = { collab1: 'write', 'admin-user': 'admin', 'approver-root': 'write' };
      if (c.required !== undefined) s.repos![0]!.branchProtection = { master: { contexts: c.required } };
      await w.gh.reset(s);
      for (const pj of (await w.store.listProwJobs()).items) await w.store.deleteProwJob(pj.metadata.name);
      if (c.isIssue !== true) {
        const head = await w.gh.headSha(REPO, 1);
        for (const [context, [state, description]] of Object.entries(c.statuses ?? {})) {
          await w.client.createStatus('org', 'repo', head, { context, state: state as 'failure', description: description ?? 'Job failed.' });
        }
      }
      d = await commentDelivery(w.gh, c.user ?? 'admin-user', c.comment, { id: `override-${c.name}`, action: c.action });
      pass = 0;
      w.gh.clearCalls();
    },
    async act(c) {
      await deliverTo(overridePlugin, d, pluginContextFor(w, { plugin: 'override', snapshot: snapshotFrom({ plugins: c.plugins ?? '{}', jobs: JOBS }), deliveryId: d.id, redelivery: pass++ > 0 }));
    },
    writes: () => writes(w.gh),
    async check(c) {
      const replies = botComments(w.gh);
      if (c.reply === undefined) assert.deepEqual(replies, []);
      else {
        assert.equal(replies.length, 1, replies.join('\n---\n'));
        assert.ok(replies[0]!.includes(c.reply), `reply lacks ${JSON.stringify(c.reply)}:\n${replies[0]!}`);
      }
      if (c.isIssue !== true) {
        const head = await w.gh.headSha(REPO, 1);
        const latest = new Map(w.gh.statuses(REPO, head).map((s) => [s.context, s]));
        for (const [context, [state, description]] of Object.entries(c.want ?? {})) {
          assert.equal(latest.get(context)?.state, state, context);
          assert.ok(latest.get(context)!.description.includes(description), `${context}: ${latest.get(context)!.description}`);
        }
        for (const [context, [state]] of Object.entries(c.statuses ?? {})) if (c.want?.[context] === undefined) assert.equal(latest.get(context)?.state, state, `${context} untouched`);
      }
      const jobs = (await w.store.listProwJobs()).items;
      assert.deepEqual(jobs.map((j) => j.spec.job).sort(), c.jobs ?? []);
      for (const j of jobs) {
        assert.equal(j.status.state, 'success');
        assert.match(j.status.description ?? '', /^Overridden by /);
      }
    },
  });

  it('a successful override carries the base SHA, padded as crier writes it', async () => {
    const s = seed({ isPR: true, users: ['admin-user'] });
    s.repos![0]!.collaborators = { 'admin-user': 'admin' };
    await w.gh.reset(s);
    const head = await w.gh.headSha(REPO, 1);
    await w.client.createStatus('org', 'repo', head, { context: 'ctx-a', state: 'failure', description: 'Job failed.' });
    const delivery = await commentDelivery(w.gh, 'admin-user', '/override ctx-a', { id: 'override-base-sha' });
    await deliverTo(overridePlugin, delivery, pluginContextFor(w, { plugin: 'override', snapshot: snapshotFrom({ jobs: JOBS }), deliveryId: delivery.id }));
    const base = await w.gh.branchSha(REPO, 'master');
    const got = w.gh.statuses(REPO, head).at(-1)!;
    assert.equal(got.state, 'success');
    assert.match(got.description, new RegExp(`^Overridden by admin-user\u2001+ BaseSHA:${base!}$`));
  });

  it('parses quoted contexts with spaces', () => {
    assert.deepEqual(parseOverrideInput('"test / Unit Tests" ci/circleci'), ['test / Unit Tests', 'ci/circleci']);
  });

  it('names who can use it as upstream', () => {
    assert.equal(whoCanUse({}, 'org', 'repo'), 'Repo administrators.');
    assert.equal(whoCanUse({ allow_top_level_owners: true }, 'org', 'repo'), 'Repo administrators, approvers in top level OWNERS file.');
    assert.equal(whoCanUse({ allowed_github_teams: { 'org/repo': ['t1', 't2'], org: ['t3'], 'other/repo': ['t4'] } }, 'org', 'repo'), 'Repo administrators, and the following github teams:org/repo: t1 t2, org: t3.');
  });
});
