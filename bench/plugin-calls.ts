// GitHub calls per event for each plugin, with a cold and a warm ETag cache, against the typical paths of
// upstream pkg/plugins/ (docs/github-calls.md). Each row: seed the fake GitHub, enable ONLY that plugin, post the
// event as a signed webhook to the real hook server, wait until the dispatcher is idle and count what the
// fake recorded. Then re-seed the same world (so the plugin takes the same path) and post the same event
// on a fresh delivery id with the cache the first run filled: a 304 costs no rate limit. Last, the
// redelivery column: re-seed, post once more, and fail the Store's completeDelivery once after the
// handler ran (as if the process died before recording it), so the dispatcher claims the delivery again
// (attempts 2, PluginContext.redelivery) with a new client (empty ETag cache); only that second
// handling is counted, against a world the first handling already wrote to.
// Run: node --import tsx bench/plugin-calls.ts [--markdown-only] [--only plugin,plugin]
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Config, PluginsConfig } from '../src/config/types.js';
import { createGitHubClient, type OctokitGitHubClient } from '../src/github/client.js';
import { startFakeGitHub } from '../src/github/fake/server.js';
import type { FakeSeed } from '../src/github/fake/state.js';
import { staticSecretSource } from '../src/hook/secrets.js';
import { startHookServer } from '../src/hook/server.js';
import { createLogger } from '../src/observability/logger.js';
import { createGitMirrorSource, createOwnersClient, type LoadedOwnersClient } from '../src/owners/client.js';
import { createBugzillaClient } from '../src/plugins/bugzilla/bugzilla-client.js';
import { createJiraClient } from '../src/plugins/jira/jira-client.js';
import { builtinPlugins } from '../src/plugins/registry.js';
import { openSqliteStore } from '../src/store/sqlite/store.js';
import type { Store } from '../src/store/types.js';
import { webhookHeaders } from '../test/hook/support/helpers.js';
import { startFakeBugzilla } from '../test/support/fake-bugzilla.js';
import { startFakeJira } from '../test/support/fake-jira.js';
import { startFakeImages } from '../test/support/fake-images.js';
import { pluginConfig } from '../test/plugins/shared/fixtures.js';
import {
  configWith, issueCommentDelivery, pluginConfigWith, postsubmit, pullRequestDelivery, pushDelivery, reviewDelivery, SCENARIO_PRESUBMITS,
  scenarioSeed, type Delivery,
} from '../test/plugins/trigger/fixtures.js';

const SECRET = 'bench-secret';
const ISSUE = 7;
const REPO_LABELS = [
  'lgtm', 'approved', 'ok-to-test', 'needs-ok-to-test', 'do-not-merge/hold', 'kind/bug', 'size/XS', 'size/S', 'size/M', 'size/L', 'size/XL',
  'size/XXL', 'do-not-merge/work-in-progress', 'release-note', 'release-note-none', 'release-note-action-required',
  'do-not-merge/release-note-label-needed', 'help wanted', 'good first issue', 'lifecycle/stale', 'lifecycle/rotten', 'lifecycle/frozen',
  'lifecycle/active',
];
const OWNERS = { 'README.md': 'hello\n', OWNERS: 'approvers: [alice]\nreviewers: [collab1]\n' };
const COLLABS = ['collab1', 'collab2', 'assignee1', 'alice'];

interface Row {
  plugin: string;
  event: string;
  /** The plugin's typical path as a count, and the calls it names; undefined where none is stated. */
  spec?: { calls: number; path: string };
  seed?: Parameters<typeof scenarioSeed>[0] & { title?: string };
  pluginConfig?: Partial<PluginsConfig>;
  config?: Config;
  /** More repositories (`org/name`) in the seed. */
  repos?: string[];
  /** Commit statuses on the PR head before the event: context → state. */
  statuses?: Record<string, 'failure' | 'error' | 'pending' | 'success'>;
  /** Builds the delivery (may read the fake; those reads are not counted). */
  delivery: (id: string) => Promise<Delivery>;
}

const u = (): { author: string } => ({ author: 'u' });
/** A pull_request closed delivery for the PR, merged (from a branch of org/repo, as the fake's PRs are). */
const merged = () => async (id: string) => {
  const d = await pullRequestDelivery(gh, id, 'closed');
  d.payload.pull_request.merged = true;
  return d;
};
const trusted = { author: 'trusted-member' };
// The comment exists on the fake (as it would on GitHub) before its webhook arrives.
const comment = (user: string, body: string, n = 5) => (id: string) => issueCommentDelivery(gh, id, user, body, { number: n, commentId: gh.addComment('org/repo', n, user, body) });
const pr = (action: string, opts: Parameters<typeof pullRequestDelivery>[3] = {}) => (id: string) => pullRequestDelivery(gh, id, action, opts);

// The candy images trick-or-treat size-checks, served locally so the row needs no internet.
const images = await startFakeImages();

const rows: Row[] = [
  { plugin: 'trigger', event: 'PR opened by a member', spec: { calls: 3, path: 'getRef, isMember, +prFiles' }, seed: trusted, delivery: pr('opened') },
  {
    plugin: 'trigger', event: 'PR opened by a non-member', spec: { calls: 7, path: 'getRef, isMember, isCollab, +isMember, +search, issueLabels, addLabel, comment (about 7)' },
    seed: u(), delivery: pr('opened'),
  },
  { plugin: 'trigger', event: 'PR synchronize by a member', spec: { calls: 3, path: 'getRef, isMember, +prFiles' }, seed: trusted, delivery: pr('synchronize') },
  { plugin: 'trigger', event: '/ok-to-test by a member (PR by u)', seed: { ...u(), labels: ['needs-ok-to-test'] }, delivery: comment('trusted-member', '/ok-to-test') },
  { plugin: 'trigger', event: '/test all by a member', seed: trusted, delivery: comment('trusted-member', '/test all') },
  {
    plugin: 'trigger', event: '/retest by a member', spec: { calls: 8, path: 'isMember, issueLabels, getPR, getRef, combinedStatus, +prFiles, listComments, +deleteComment' },
    seed: trusted, delivery: comment('trusted-member', '/retest'),
  },
  {
    plugin: 'trigger', event: 'push to master', spec: { calls: 0, path: 'none beyond k8s creates' },
    config: configWith({ postsubmits: { 'org/repo': [postsubmit('post', { run_if_changed: '\\.sh$' })] } }),
    delivery: async (id) => pushDelivery(id, { repo: 'org/repo', ref: 'refs/heads/master', commits: [{ modified: ['hack.sh'] }] }),
  },
  {
    plugin: 'lgtm', event: '/lgtm by an unassigned collaborator', spec: { calls: 6, path: 'isCollab, assign, issueLabels, addLabel, +listComments, +deleteComment' },
    delivery: comment('collab2', '/lgtm'),
  },
  {
    plugin: 'lgtm', event: '/lgtm (store_tree_hash)', spec: { calls: 9, path: 'isCollab, assign, issueLabels, addLabel, getPR, commit, comment, +listComments, +deleteComment' },
    pluginConfig: { lgtm: [{ repos: ['org/repo'], store_tree_hash: true }] }, delivery: comment('collab2', '/lgtm'),
  },
  { plugin: 'lgtm', event: '/lgtm cancel by the author', seed: { labels: ['lgtm'] }, delivery: comment('author', '/lgtm cancel') },
  {
    plugin: 'lgtm', event: 'review approved (review_acts_as_lgtm)', spec: { calls: 6, path: 'as /lgtm' },
    pluginConfig: { lgtm: [{ repos: ['org/repo'], review_acts_as_lgtm: true }] }, delivery: (id) => reviewDelivery(gh, id, 'collab2', 'approved'),
  },
  { plugin: 'lgtm', event: 'synchronize with lgtm', spec: { calls: 3, path: 'issueLabels, removeLabel, comment' }, seed: { labels: ['lgtm'] }, delivery: pr('synchronize') },
  {
    plugin: 'approve', event: '/approve by an approver', spec: { calls: 12, path: 'getPR, getRef, listCollabs, prFiles, issueLabels, listComments, reviewComments, reviews, +issueEvents, +deleteComment ×k, comment, +addLabel (about 9 to 12)' },
    seed: { files: { 'a.go': 'a\n' }, repoFiles: OWNERS, collaborators: COLLABS }, delivery: comment('alice', '/approve'),
  },
  {
    plugin: 'approve', event: 'PR opened', spec: { calls: 11, path: 'as /approve without getPR' },
    seed: { files: { 'a.go': 'a\n' }, repoFiles: OWNERS, collaborators: COLLABS }, delivery: pr('opened'),
  },
  { plugin: 'hold', event: '/hold', spec: { calls: 2, path: 'issueLabels, addLabel' }, delivery: comment('collab1', '/hold') },
  { plugin: 'hold', event: '/hold cancel', spec: { calls: 2, path: 'issueLabels, removeLabel' }, seed: { labels: ['do-not-merge/hold'] }, delivery: comment('collab1', '/hold cancel') },
  { plugin: 'label', event: '/kind bug', spec: { calls: 3, path: 'repoLabels, issueLabels, addLabel' }, delivery: comment('collab1', '/kind bug') },
  { plugin: 'assign', event: '/assign', spec: { calls: 1, path: 'assign (1 to 2 writes)' }, delivery: comment('collab1', '/assign') },
  { plugin: 'assign', event: '/cc @collab2', spec: { calls: 1, path: 'reqReview' }, delivery: comment('collab1', '/cc @collab2') },
  { plugin: 'help', event: '/help on an issue', spec: { calls: 3, path: 'issueLabels, comment, addLabel' }, delivery: comment('collab1', '/help', ISSUE) },
  {
    plugin: 'size', event: 'PR opened', spec: { calls: 5, path: 'getFile ×2, prFiles, issueLabels, +addLabel' },
    delivery: pr('opened'),
  },
  { plugin: 'lifecycle', event: '/close on an issue by a collaborator', spec: { calls: 4, path: 'isCollab, issueLabels, patch, comment' }, delivery: comment('collab1', '/close', ISSUE) },
  { plugin: 'lifecycle', event: '/lifecycle frozen on an issue', spec: { calls: 5, path: 'issueLabels, removeLabel ×k, addLabel' }, seed: {}, delivery: comment('collab1', '/lifecycle frozen', ISSUE) },
  { plugin: 'wip', event: 'PR opened "[WIP] x"', spec: { calls: 2, path: 'issueLabels, addLabel' }, seed: { title: '[WIP] x' }, delivery: pr('opened') },
  {
    plugin: 'release-note', event: 'PR opened, no note', spec: { calls: 4, path: 'issueLabels, listComments, comment, addLabel' },
    delivery: pr('opened'),
  },
  { plugin: 'release-note', event: '/release-note-none by the author', delivery: comment('author', '/release-note-none') },
  {
    plugin: 'heart', event: 'comment by an adoree', spec: { calls: 1, path: 'reaction' },
    pluginConfig: { heart: { adorees: ['collab1'], commentregexp: '.*' } } as Partial<PluginsConfig>, delivery: comment('collab1', 'thanks!'),
  },
  {
    plugin: 'heart', event: 'PR opened adding to OWNERS', spec: { calls: 2, path: 'prFiles, reaction' },
    seed: { files: { OWNERS: 'approvers: [alice]\n' } }, pluginConfig: { heart: { adorees: [], commentregexp: '' } } as Partial<PluginsConfig>, delivery: pr('opened'),
  },
  { plugin: 'shrug', event: '/shrug', spec: { calls: 2, path: 'issueLabels, addLabel' }, delivery: comment('collab1', '/shrug') },
  { plugin: 'yuks', event: '/joke', spec: { calls: 1, path: 'comment (upstream also calls icanhazdadjoke.com)' }, delivery: comment('collab1', '/joke') },
  // issue 13's plugins (upstream paths read from pkg/plugins/<name>/<name>.go)
  { plugin: 'stage', event: '/stage alpha', spec: { calls: 2, path: 'issueLabels, addLabel' }, delivery: comment('collab1', '/stage alpha') },
  { plugin: 'retitle', event: '/retitle by a member', spec: { calls: 2, path: 'isMember, updatePR' }, seed: trusted, delivery: comment('trusted-member', '/retitle A new title') },
  { plugin: 'sigmention', event: '@kubernetes/sig-x-bugs by a member', spec: { calls: 4, path: 'issueLabels, repoLabels, addLabel, isMember' }, delivery: comment('trusted-member', '@kubernetes/sig-x-bugs') },
  { plugin: 'cla', event: '/check-cla', spec: { calls: 3, path: 'issueLabels, getPR, combinedStatus' }, delivery: comment('collab1', '/check-cla') },
  { plugin: 'welcome', event: 'PR opened by a member', spec: { calls: 1, path: 'isMember (trusted: no greeting)' }, seed: trusted, delivery: pr('opened') },
  { plugin: 'welcome', event: 'PR opened by a newcomer', spec: { calls: 5, path: 'isMember, isCollab, search, comment (+trusted-org check)' }, seed: u(), delivery: pr('opened') },
  { plugin: 'mergecommitblocker', event: 'PR opened without merge commits', spec: { calls: 1, path: 'issueLabels (+ a git clone of the PR)' }, delivery: pr('opened') },
  { plugin: 'merge-method-comment', event: 'PR opened with one commit', spec: { calls: 0, path: 'none' }, delivery: pr('opened') },
  { plugin: 'cherry-pick-unapproved', event: 'PR opened on master', spec: { calls: 0, path: 'none' }, delivery: pr('opened') },
  { plugin: 'config-updater', event: 'PR closed unmerged', spec: { calls: 0, path: 'none' }, delivery: pr('closed') },
  { plugin: 'slackevents', event: 'comment without a SIG mention', spec: { calls: 0, path: 'none (upstream: botUser)' }, delivery: comment('collab1', 'hello') },
  {
    plugin: 'milestoneapplier', event: 'PR opened on the default branch', spec: { calls: 0, path: 'none (applies at merge)' },
    pluginConfig: { milestone_applier: { 'org/repo': { master: 'v1' } } } as Partial<PluginsConfig>, delivery: pr('opened'),
  },
  { plugin: 'golint', event: '/lint on a PR without go files', spec: { calls: 2, path: 'getPR, prFiles' }, delivery: comment('collab1', '/lint') },
  {
    plugin: 'cherry-pick-approved', event: 'review approved by a cherry-pick approver', spec: { calls: 3, path: 'combinedStatus, issueLabels, addLabel (+removeLabel)' },
    seed: { labels: ['lgtm', 'approved'] }, pluginConfig: { cherry_pick_approved: [{ org: 'org', repo: 'repo', branchregexp: '.*', approvers: ['alice'] }] } as Partial<PluginsConfig>,
    delivery: (id) => reviewDelivery(gh, id, 'alice', 'approved'),
  },
  { plugin: 'buildifier', event: '/buildify on a PR without Bazel files', spec: { calls: 3, path: 'getPR, prFiles, getFile .generated_files' }, delivery: comment('collab1', '/buildify') },
  {
    plugin: 'buildifier', event: '/buildify on a PR changing a BUILD file', spec: { calls: 5, path: 'getPR, prFiles, getFile .generated_files, a clone of the PR (ours: getFile per Bazel file), createReview' },
    seed: { files: { BUILD: 'foo(name="x")\n' } }, delivery: comment('collab1', '/buildify'),
  },
  { plugin: 'jira', event: 'comment mentioning ABC-123', spec: { calls: 1, path: 'editComment (+ Jira: projects once, getIssue, remote links)' }, delivery: comment('collab1', 'see ABC-123') },
  { plugin: 'jira', event: 'comment without issue keys', spec: { calls: 0, path: 'none' }, delivery: comment('collab1', 'hello') },
  {
    plugin: 'bugzilla', event: '/bugzilla refresh on a PR titled "Bug 123: ..."', spec: { calls: 4, path: 'getPR, issueLabels, addLabel, comment (+ Bugzilla: getBug)' },
    seed: { title: 'Bug 123: fix it' }, delivery: comment('collab1', '/bugzilla refresh'),
  },
  { plugin: 'bugzilla', event: 'PR opened without a bug in the title', spec: { calls: 0, path: 'none' }, delivery: pr('opened') },
  { plugin: 'project', event: '/project 0.5.0 by a member', spec: { calls: 5, path: 'teamHasMember, repoProjects, listRepos, orgProjects, comment (at least; Projects classic is gone: ours only replies)' }, delivery: comment('trusted-member', '/project 0.5.0') },
  {
    plugin: 'issue-management', event: '/transfer test-infra on an issue by a member', spec: { calls: 3, path: 'getRepo, isMember, GraphQL transferIssue' },
    seed: trusted, repos: ['org/test-infra'], delivery: comment('trusted-member', '/transfer test-infra', ISSUE),
  },
  {
    plugin: 'issue-management', event: `/link-issue ${ISSUE} on a PR by a member`, spec: { calls: 5, path: 'isMember, getIssue, getPR, updatePR, comment' },
    seed: trusted, delivery: comment('trusted-member', `/link-issue ${ISSUE}`),
  },
  {
    plugin: 'issue-management', event: '/pin-issue by a root approver', spec: { calls: 5, path: 'OWNERS (getRef, listCollaborators, as repoowners), getIssue, GraphQL pinIssue, comment' },
    seed: { repoFiles: OWNERS, collaborators: COLLABS }, delivery: comment('alice', '/pin-issue', ISSUE),
  },
  // issue 13, item 2 (plugins-a); upstream paths read from pkg/plugins/<name>/<name>.go
  {
    plugin: 'dco', event: 'PR opened, commit not signed off', spec: { calls: 7, path: 'prCommits, combinedStatus, issueLabels, addLabel, createStatus, listComments (pruner), comment' },
    delivery: pr('opened'),
  },
  { plugin: 'dco', event: '/check-dco, commit not signed off', spec: { calls: 8, path: 'getPR, then as PR opened' }, delivery: comment('collab1', '/check-dco') },
  {
    plugin: 'blunderbuss', event: 'PR opened', spec: { calls: 4, path: 'getRef + listCollabs (loadRepoOwners), prChanges, reqReview' },
    seed: { repoFiles: OWNERS, collaborators: COLLABS }, delivery: pr('opened'),
  },
  { plugin: 'blunderbuss', event: '/auto-cc', spec: { calls: 5, path: 'getPR, then as PR opened' }, seed: { repoFiles: OWNERS, collaborators: COLLABS }, delivery: comment('collab2', '/auto-cc') },
  {
    plugin: 'rifle', event: 'PR opened changing one file', spec: { calls: 6, path: 'getRef + listCollabs (loadRepoOwners), prChanges, compare (merge base), blame (GraphQL, per file), reqReview' },
    seed: { repoFiles: OWNERS, collaborators: COLLABS, files: { 'README.md': 'hello\nworld\n' } }, delivery: pr('opened'),
  },
  {
    plugin: 'override', event: '/override of a failed context by an org admin', spec: { calls: 7, path: 'getPR, hasPermission, listStatuses, branchProt, getRef, createStatus, comment (+ presubmits, check runs with App auth)' },
    seed: { orgs: { org: { members: ['trusted-member', 'alice'], admins: ['alice'] } } }, statuses: { 'ci/other': 'failure' }, delivery: comment('alice', '/override ci/other'),
  },
  {
    plugin: 'verify-owners', event: 'PR opened rewriting OWNERS (3 logins on added lines)', spec: { calls: 12, path: 'prChanges, issueLabels, getRef + listCollabs (loadRepoOwners; files from a clone), (isMember, isCollab) ×3, removeLabel, listComments (pruner)' },
    seed: { repoFiles: OWNERS, collaborators: COLLABS, files: { OWNERS: 'approvers:\n- alice\n- collab2\nreviewers:\n- collab1\n' } }, delivery: pr('opened'),
  },
  { plugin: 'verify-owners', event: 'PR opened without OWNERS changes', spec: { calls: 2, path: 'prChanges, issueLabels' }, delivery: pr('opened') },
  { plugin: 'branchcleaner', event: 'PR merged from a branch of the repo', spec: { calls: 1, path: 'deleteRef' }, delivery: merged() },
  {
    plugin: 'reward-owners', event: 'PR merged adding an approver', spec: { calls: 4, path: 'prChanges, listCollabs ×2 (owners at base and head), comment' },
    seed: { repoFiles: OWNERS, collaborators: COLLABS, files: { OWNERS: 'approvers: [alice, collab2]\nreviewers: [collab1]\n' } }, delivery: merged(),
  },
  { plugin: 'testfreeze', event: 'PR opened outside kubernetes/kubernetes', spec: { calls: 0, path: 'none' }, delivery: pr('opened') },
  {
    plugin: 'trick-or-treat', event: '/trick-or-treat', spec: { calls: 1, path: 'comment (+ a HEAD to the image host)' },
    pluginConfig: { trick_or_treat: { images: [`${images.url}/img/candy.jpg`] } } as Partial<PluginsConfig>, delivery: comment('collab1', '/trick-or-treat'),
  },
];

function seedFor(r: Row): FakeSeed {
  const s = scenarioSeed({ collaborators: COLLABS, ...r.seed });
  s.repos![0]!.labels = REPO_LABELS;
  if (r.seed?.title) s.pulls![0]!.title = r.seed.title;
  s.issues = [{ repo: 'org/repo', number: ISSUE, author: 'author', title: 'An issue', body: 'issue body', labels: [] }];
  for (const repo of r.repos ?? []) s.repos!.push({ repo, defaultBranch: 'master' });
  return s;
}

// A frozen clock: re-seeding gives byte-identical JSON (and commit SHAs), so the warm run can get 304s.
const gh = await startFakeGitHub({ now: () => new Date('2026-11-27T12:00:00Z') });
const dir = mkdtempSync(join(tmpdir(), 'prow-bench-plugin-calls-'));
const store = openSqliteStore(join(dir, 'prow.db'));
// Each reset gives the fake a new repository directory; OWNERS mirrors fetch through a stable symlink.
const remote = join(dir, 'remote', 'org', 'repo.git');
mkdirSync(join(dir, 'remote', 'org'), { recursive: true });
const defaults = pluginConfig('{}');
let client!: OctokitGitHubClient;
let owners!: LoadedOwnersClient;
let snapshot: { config: Config; pluginConfig: PluginsConfig } = { config: configWith(), pluginConfig: pluginConfigWith() };

/** A fresh client and owners cache: a cold start for the next row. */
function freshClients(): void {
  client = createGitHubClient({ baseUrl: gh.url, token: 'bench-token', throttle: false, retry: { enabled: false }, etagCacheSize: 5000 });
  owners = createOwnersClient({
    github: client,
    source: createGitMirrorSource({ cacheDir: join(dir, `mirrors-${Math.random().toString(36).slice(2)}`), remoteFor: () => remote }),
    pluginConfig: () => snapshot.pluginConfig,
  });
}
// The hook server keeps one client and one owners client; these forward to the row's current ones.
const forward = <T extends object>(get: () => T): T =>
  new Proxy({} as T, {
    get(_t, prop) {
      const target = get();
      const v = (target as Record<string | symbol, unknown>)[prop];
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
freshClients();
// Deliveries whose first completeDelivery fails (the redelivery column); callsAtCrash: calls recorded until then.
const crashOnce = new Set<string>();
let callsAtCrash = 0;
const crashingStore = new Proxy(store, {
  get(target, prop) {
    if (prop === 'completeDelivery') {
      return async (id: string): Promise<void> => {
        if (crashOnce.delete(id)) {
          callsAtCrash = gh.calls().length;
          freshClients(); // the next claim runs as a restarted process would: empty ETag and OWNERS caches
          throw new Error('bench: completion lost, as if the process died');
        }
        return target.completeDelivery(id);
      };
    }
    const v = (target as unknown as Record<string | symbol, unknown>)[prop];
    return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
  },
}) as Store;
// The jira rows talk to a fake Jira (its calls are not GitHub calls and are not counted).
const jiraFake = await startFakeJira();
jiraFake.reset({ projects: ['ABC'], issues: ['ABC-123'] });
writeFileSync(join(dir, 'jira-token'), jiraFake.token);
const jira = createJiraClient({ endpoint: jiraFake.url, bearerTokenFile: join(dir, 'jira-token'), log: createLogger({ level: 'warn', destination: process.stderr }) });
// The bugzilla rows talk to a fake Bugzilla (not counted either).
const bugzillaFake = await startFakeBugzilla();
bugzillaFake.reset([{ id: 123, status: 'NEW' }]);
writeFileSync(join(dir, 'bugzilla-key'), bugzillaFake.apiKey);
const bugzilla = createBugzillaClient({ endpoint: bugzillaFake.url, apiKeyPath: join(dir, 'bugzilla-key'), log: createLogger({ level: 'warn', destination: process.stderr }) });
const server = await startHookServer({
  port: 0, hostname: '127.0.0.1', store: crashingStore, jira, bugzilla, jobs: crashingStore, snapshot: () => ({ config: snapshot.config, plugins: snapshot.pluginConfig, warnings: [], loadedAt: new Date(0) }), github: forward(() => client), plugins: builtinPlugins,
  log: createLogger({ level: 'warn', destination: process.stderr }), secrets: staticSecretSource(SECRET), owners: forward(() => owners), pollIntervalMs: 5, retryBaseMs: 10,
});

async function given(r: Row): Promise<void> {
  await gh.reset(seedFor(r));
  rmSync(remote, { force: true });
  symlinkSync(await gh.repoDir('org/repo'), remote);
  for (const pj of (await store.listProwJobs()).items) await store.deleteProwJob(pj.metadata.name);
  if (r.plugin === 'trigger' && r.event.startsWith('/retest')) {
    const head = await gh.headSha('org/repo', 5);
    const setup = createGitHubClient({ baseUrl: gh.url, token: 'setup', throttle: false, retry: { enabled: false }, etagCacheSize: 0 });
    await setup.createStatus('org', 'repo', head, { context: 'pull-job', state: 'failure' });
  }
  if (r.statuses !== undefined) {
    const head = await gh.headSha('org/repo', 5);
    const setup = createGitHubClient({ baseUrl: gh.url, token: 'setup', throttle: false, retry: { enabled: false }, etagCacheSize: 0 });
    for (const [context, state] of Object.entries(r.statuses)) await setup.createStatus('org', 'repo', head, { context, state });
  }
  if (r.event.includes('synchronize')) await gh.pushToPull('org/repo', 5, { CHANGED: 'pushed\n' });
}

interface Count {
  total: number;
  reads: number;
  writes: number;
  costing: number;
  notModified: number;
  routes: string[];
}

async function deliver(d: Delivery, redelivered = false): Promise<Count> {
  await client.botUser(); // fetched once per process, as upstream: outside every event's count
  gh.clearCalls();
  if (redelivered) crashOnce.add(d.id);
  const body = JSON.stringify(d.payload);
  const res = await fetch(`${server.url}/hook`, { method: 'POST', headers: webhookHeaders(d.type, d.id, body, SECRET), body });
  if (res.status !== 200) throw new Error(`delivery ${d.id}: ${res.status} ${await res.text()}`);
  let delivery = await store.getDelivery(d.id);
  for (let i = 0; i < 500 && delivery?.status !== 'done' && delivery?.status !== 'failed'; i++) {
    await server.dispatcher.idle();
    if (redelivered) await new Promise((r) => setTimeout(r, 5));
    delivery = await store.getDelivery(d.id);
  }
  if (delivery?.status !== 'done') throw new Error(`delivery ${d.id} ended ${delivery?.status}`);
  if (redelivered && delivery.attempts !== 2) throw new Error(`delivery ${d.id}: ${delivery.attempts} attempts, want 2`);
  // The restarted client fetches the bot's login once, outside the count as above.
  const calls = gh.calls().slice(redelivered ? callsAtCrash : 0).filter((c) => c.auth !== 'none' && !(redelivered && c.route === 'GET /user'));
  return {
    total: calls.length,
    reads: calls.filter((c) => !c.write).length,
    writes: calls.filter((c) => c.write).length,
    notModified: calls.filter((c) => c.status === 304).length,
    costing: calls.filter((c) => c.status !== 304).length,
    routes: calls.map((c) => `${c.method} ${c.route.replace(/^\w+ /, '').replace('/repos/{owner}/{repo}', '')}${c.status === 304 ? ' (304)' : ''}`),
  };
}

interface Result {
  row: Row;
  cold: Count;
  warm: Count;
  /** The second handling of a delivery whose first handling completed its writes (attempts 2). */
  redelivery: Count;
}
const results: Result[] = [];
const started = performance.now();
let seq = 0;
// --only a,b: just those plugins' rows
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt === -1 ? undefined : new Set((process.argv[onlyAt + 1] ?? '').split(','));
for (const r of rows.filter((x) => only === undefined || only.has(x.plugin))) {
  snapshot = {
    config: r.config ?? configWith({ presubmits: { 'org/repo': SCENARIO_PRESUBMITS } }),
    pluginConfig: { ...defaults, ...pluginConfigWith({ plugins: { org: { plugins: [r.plugin] } }, ...r.pluginConfig }) },
  };
  freshClients();
  await given(r);
  const cold = await deliver(await r.delivery(`bench-${++seq}`));
  await given(r);
  const warm = await deliver(await r.delivery(`bench-${++seq}`));
  freshClients();
  await given(r);
  const redelivery = await deliver(await r.delivery(`bench-${++seq}`), true);
  results.push({ row: r, cold, warm, redelivery });
}
const seconds = (performance.now() - started) / 1000;
await server.close();
await jiraFake.close();
await bugzillaFake.close();
await images.close();
await store.close();
await gh.close();
rmSync(dir, { recursive: true, force: true });

function verdict(r: Result): string {
  if (r.row.spec === undefined) return 'n/a';
  if (r.cold.costing <= r.row.spec.calls) return 'ok';
  if (r.warm.costing <= r.row.spec.calls) return 'ok warm, over cold';
  return 'over';
}

const out: string[] = [];
out.push('| plugin | event | spec typical (§2) | cold calls | cold token-costing | warm token-costing (304s) | writes | redelivery calls | verdict |');
out.push('|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  const spec = r.row.spec ? `${r.row.spec.calls}: ${r.row.spec.path}` : 'not stated';
  out.push(`| ${r.row.plugin} | ${r.row.event} | ${spec} | ${r.cold.total} (${r.cold.reads}r/${r.cold.writes}w) | ${r.cold.costing} | ${r.warm.costing} (${r.warm.notModified}) | ${r.cold.writes} | ${r.redelivery.total} (${r.redelivery.reads}r/${r.redelivery.writes}w) | ${verdict(r)} |`);
}
process.stdout.write(`${out.join('\n')}\n\n`);
if (!process.argv.includes('--markdown-only')) {
  process.stdout.write('Calls per row (cold, warm, then the redelivery):\n');
  for (const r of results) {
    process.stdout.write(`- ${r.row.plugin} / ${r.row.event}\n    cold: ${r.cold.routes.join(', ') || '(none)'}\n    warm: ${r.warm.routes.join(', ') || '(none)'}\n    redelivery: ${r.redelivery.routes.join(', ') || '(none)'}\n`);
  }
}
process.stdout.write(`\n${results.length} rows in ${seconds.toFixed(1)} s\n`);
