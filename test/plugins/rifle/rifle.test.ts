// rifle (upstream pkg/plugins/rifle/rifle_test.go: TestHandleRifleWithBlameScoring, TestHandleRifleBlamesMergeBase,
// TestFindFallbackReviewers, TestSelectBestReviewer*, plus blunderbuss's event cases upstream rifle shares)
// through the real hook: signed webhooks into the hook server, the real client against the fake GitHub,
// whose repository holds real commits by each author, so blame comes from `git blame` at the merge base.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { IssueList } from '../../../src/config/errors.js';
import { parsePluginsConfig } from '../../../src/config/plugins.js';
import { builtinPluginNames, builtinPluginSections } from '../../../src/plugins/registry.js';
import { riflePlugin } from '../../../src/plugins/rifle/rifle.js';
import { pluginsConfigFrom, snapshotFrom } from '../../support/config.js';
import { restJson, type Delivery } from '../support/fixtures.js';
import { startHookRig, type HookRig } from '../support/through-hook.js';
import { REPO, commentDelivery, pullRequestDelivery, seed, startWorld, type World } from '../shared/fixtures.js';

const PEOPLE = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'root-appr', 'req-rev'];
const OWNERS = {
  OWNERS: 'approvers: [root-appr]\nreviewers: [erin]\n',
  'pkg/foo/OWNERS': 'reviewers: [alice, bob, carol, dave]\n',
  'docs/OWNERS': 'options:\n  no_parent_owners: true\nreviewers: [frank]\n',
  'req/OWNERS': 'reviewers: [dave]\nrequired_reviewers: [req-rev]\n',
};
const lines = (from: number, to: number, tag: string): string[] => Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i} by ${tag}`);
/**
 * pkg/foo/a.go as the base branch has it: alice wrote lines 1-10, bob 11-14, carol 15-20. The PR rewrites
 * lines 1-12; its hunk (with git's three lines of context) spans old lines 1-15, which upstream counts:
 * alice 10 lines, bob 4, carol 1.
 */
const A_GO = [...lines(1, 10, 'alice'), ...lines(11, 14, 'bob'), ...lines(15, 20, 'carol')];
const LEAVES = ['alice', 'bob', 'carol', 'dave'];
const WAIT = 'wait_for_status: {}';
const NEEDS_LGTM: [string, string, string] = ['tide', 'pending', 'Not mergeable. Needs lgtm label.'];

interface Case {
  name: string;
  /** rifle section of plugins.yaml (indented under `rifle:`) */
  config?: string;
  /** PR files; default: rewrites lines 1-12 of pkg/foo/a.go */
  files?: Record<string, string | null>;
  author?: string;
  action?: string;
  body?: string;
  draft?: boolean;
  comment?: string;
  state?: 'open' | 'closed';
  status?: [string, string, string];
  /** dave rewrites every line of pkg/foo/a.go on the base branch after the PR opened */
  baseMovesOn?: boolean;
  /** the compare (merge base) call fails */
  compareFails?: boolean;
  busy?: string[];
  want?: string[];
  count?: number;
  from?: string[];
}

const PR_CHANGE = { 'pkg/foo/a.go': [...lines(1, 12, 'author'), ...A_GO.slice(12)].join('\n') + '\n' };
const cases: Case[] = [
  { name: 'selects the highest-scored reviewer', config: 'request_count: 1\n  exclude_approvers: true', want: ['alice'] },
  { name: 'ranks reviewers by score', config: 'request_count: 2\n  exclude_approvers: true', want: ['alice', 'bob'] },
  { name: 'blames at the merge base, not the moved-on base tip', config: 'request_count: 1\n  exclude_approvers: true', baseMovesOn: true, want: ['alice'] },
  { name: 'falls back to the base ref when the merge base cannot be read', config: 'request_count: 1\n  exclude_approvers: true', baseMovesOn: true, compareFails: true, want: ['dave'] },
  { name: 'the author is never requested', author: 'alice', config: 'request_count: 1\n  exclude_approvers: true', want: ['bob'] },
  { name: 'busy users are passed over with use_status_availability', busy: ['alice'], config: 'request_count: 1\n  exclude_approvers: true\n  use_status_availability: true', want: ['bob'] },
  { name: 'max_request_count limits the request', config: 'request_count: 3\n  max_request_count: 2\n  exclude_approvers: true', want: ['alice', 'bob'] },
  {
    name: 'new files only (no blame): random leaf reviewers', files: { 'pkg/foo/new.go': 'package foo\n' },
    config: 'request_count: 2\n  exclude_approvers: true', count: 2, from: LEAVES,
  },
  {
    name: 'OWNERS run short: the repository owner with the best blame score tops up', files: { 'docs/x.md': [...lines(1, 12, 'author'), ...A_GO.slice(12)].join('\n') + '\n' },
    config: 'request_count: 2\n  exclude_approvers: true', want: ['frank', 'alice'],
  },
  { name: 'required reviewers are always added', files: { 'req/r.go': 'package req\n' }, config: 'request_count: 1', want: ['dave', 'req-rev'] },
  { name: 'PR opened with /cc in the body: nothing', body: 'please\n/cc @alice', want: [] },
  { name: 'PR opened but wait_for_status is set: nothing', config: WAIT, want: [] },
  { name: 'PR closed: nothing', action: 'closed', want: [] },
  { name: 'draft PR with ignore_drafts: nothing', draft: true, config: 'ignore_drafts: true', want: [] },
  { name: 'draft ready for review with ignore_drafts: requests', action: 'ready_for_review', config: 'ignore_drafts: true\n  exclude_approvers: true', want: ['alice', 'bob'] },
  { name: 'PR by an ignored author: nothing', config: 'ignore_authors: [author]', want: [] },
  { name: '/auto-cc requests reviews', comment: '/auto-cc', config: 'exclude_approvers: true', want: ['alice', 'bob'] },
  { name: '/auto-cc on a closed PR: nothing', comment: '/auto-cc', state: 'closed', want: [] },
  { name: 'not the command: nothing', comment: '/auto-ccc', want: [] },
  { name: "tide's needs-review status requests reviews", config: `${WAIT}\n  exclude_approvers: true`, status: NEEDS_LGTM, want: ['alice', 'bob'] },
  { name: 'status with another description: nothing', config: WAIT, status: ['tide', 'pending', 'In merge pool.'], want: [] },
  { name: 'status without wait_for_status: nothing', status: NEEDS_LGTM, want: [] },
];

describe('rifle through the hook', () => {
  let w: World;
  let rig: HookRig;
  before(async () => {
    w = await startWorld();
    rig = await startHookRig(w);
  });
  after(async () => {
    await rig.close();
    await w.close();
  });

  for (const c of cases) {
    it(c.name, async () => {
      const s = seed({ isPR: true, repoFiles: { ...OWNERS, 'pkg/foo/a.go': `${lines(1, 20, 'org').join('\n')}\n`, 'docs/x.md': `${lines(1, 20, 'org').join('\n')}\n` }, users: PEOPLE });
      s.pulls = [];
      s.repos![0]!.collaborators = ['author', ...PEOPLE];
      s.users = [...s.users!.filter((u) => typeof u !== 'string' || !(c.busy ?? []).includes(u)), ...(c.busy ?? []).map((login) => ({ login, limitedAvailability: true }))];
      await w.gh.reset(s);
      // Each author writes their lines on the base branch, oldest first.
      let text = lines(1, 20, 'org');
      for (const [who, from, to] of [['alice', 1, 10], ['bob', 11, 14], ['carol', 15, 20]] as const) {
        text = [...text.slice(0, from - 1), ...lines(from, to, who), ...text.slice(to)];
        await w.gh.pushToBranch(REPO, 'master', { 'pkg/foo/a.go': `${text.join('\n')}\n`, 'docs/x.md': `${text.join('\n')}\n` }, { author: who });
      }
      await w.gh.openPull({
        repo: REPO, author: c.author ?? 'author', title: 'A change', body: c.body ?? 'a PR', draft: c.draft ?? false, files: c.files ?? PR_CHANGE,
      });
      if (c.state === 'closed') w.gh.issue(REPO, 1)!.state = 'closed';
      if (c.baseMovesOn === true) await w.gh.pushToBranch(REPO, 'master', { 'pkg/foo/a.go': `${lines(1, 20, 'dave').join('\n')}\n` }, { author: 'dave' });
      if (c.compareFails === true) w.gh.failNext({ method: 'GET', path: /\/compare\//, status: 404, message: 'Not Found' });
      let d: Delivery;
      if (c.status !== undefined) {
        const [context, state, description] = c.status;
        const repository = await restJson(w.gh, `/repos/${REPO}`);
        d = { type: 'status', id: `rifle-${c.name}`, payload: { sha: await w.gh.headSha(REPO, 1), state, context, description, target_url: '', repository, sender: { login: 'k8s-ci-robot', type: 'Bot' } } };
      } else if (c.comment !== undefined) d = await commentDelivery(w.gh, 'rando', c.comment, { id: `rifle-${c.name}` });
      else d = await pullRequestDelivery(w.gh, c.action ?? 'opened', { id: `rifle-${c.name}` });
      rig.configure(['rifle'], `rifle:\n  ${c.config ?? 'request_count: 2'}\n`);
      await rig.send(d);
      const got = w.gh.requestedReviewers(REPO, 1);
      if (c.want !== undefined) assert.deepEqual([...got].sort(), [...c.want].sort());
      else {
        assert.equal(got.length, c.count, `requested ${got.join(', ')}`);
        for (const r of got) assert.ok(c.from!.includes(r), `${r} is not one of ${c.from!.join(', ')}`);
      }
    });
  }

  it('/plugin-help states the request count', () => {
    const help = riflePlugin.configHelp!(snapshotFrom({ plugins: 'rifle:\n  request_count: 3\n' }).plugins, ['org/repo']);
    assert.deepEqual(help, { '': 'rifle is currently configured to request reviews from 3 reviewers.' });
  });
});

describe('rifle config', () => {
  it('defaults request_count to 2 and fills wait_for_status as upstream', () => {
    const pc = pluginsConfigFrom('rifle:\n  wait_for_status: {}\n');
    assert.equal(pc.rifle?.request_count, 2);
    assert.equal(pc.rifle?.wait_for_status?.context, 'tide');
    assert.equal(pc.rifle?.wait_for_status?.state, 'pending');
  });
  it('checkconfig names a request_count below 1 with its line', () => {
    assert.throws(() => pluginsConfigFrom('rifle:\n  request_count: 0\n'), /plugins\.yaml:2: rifle\.request_count: invalid request_count: 0 \(needs to be positive\)/);
  });
  it('checkconfig names a wait_for_status description that does not compile', () => {
    assert.throws(() => pluginsConfigFrom('rifle:\n  wait_for_status:\n    description: "(unclosed"\n'), /plugins\.yaml:3: rifle\.wait_for_status\.description/);
  });
  it('rifle is no longer refused as not implemented', () => {
    const issues = new IssueList(false);
    parsePluginsConfig('plugins.yaml', 'plugins:\n  org:\n    plugins: [rifle]\n', issues, { implementedPlugins: builtinPluginNames(), sections: builtinPluginSections() });
    assert.deepEqual(issues.errors, []);
  });
});
