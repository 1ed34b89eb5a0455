// Shared fixtures for the core plugin tests (trigger, lgtm, approve, scenarios): the fake GitHub with the
// scenario world (upstream generic-comment_test.go's), webhook payloads built from the fake's own REST
// JSON (so shapes match GitHub's), a SQLite ProwJob store, and a PluginContext wired with the real Octokit
// client (test/support/).
import { defaultRerunCommandFor, defaultTriggerFor } from '../../../src/config/match.js';
import type { Config, PluginsConfig, Postsubmit, Presubmit } from '../../../src/config/types.js';
import type { FakeGitHub } from '../../../src/github/fake/server.js';
import type { FakeSeed } from '../../../src/github/fake/state.js';
import type { PluginContext } from '../../../src/plugins/types.js';
import { BOT, restJson, type Delivery } from '../support/fixtures.js';
import { stringify as stringifyYaml } from 'yaml';
import { pluginsConfigFrom, snapshotOf } from '../../support/config.js';
import { pluginContextFor } from '../../support/plugin-context.js';
import { startWorld as startTestWorld, type World } from '../../support/world.js';

export { BOT, demux, writes, type Delivery } from '../support/fixtures.js';

export function presubmit(name: string, extra: Partial<Presubmit> = {}): Presubmit {
  return {
    name, agent: 'kubernetes', cluster: 'default', context: `pull-${name}`, trigger: defaultTriggerFor(name),
    rerun_command: defaultRerunCommandFor(name), ...extra,
  } as Presubmit;
}

export function postsubmit(name: string, extra: Partial<Postsubmit> = {}): Postsubmit {
  return { name, agent: 'kubernetes', cluster: 'default', context: name, ...extra } as Postsubmit;
}

/** Its trigger jobs: `job` (always_run, context pull-job, branches [master]) and `jib` (manual). */
export const SCENARIO_PRESUBMITS: Presubmit[] = [
  presubmit('job', { always_run: true, context: 'pull-job', branches: ['master'] }),
  presubmit('jib', { context: 'pull-jib' }),
];

export function configWith(jobs: { presubmits?: Record<string, Presubmit[]>; postsubmits?: Record<string, Postsubmit[]> } = {}): Config {
  return {
    prowjob_namespace: 'default', presubmits: jobs.presubmits ?? {}, postsubmits: jobs.postsubmits ?? {}, periodics: [], presets: [],
    github: { link_url: 'https://github.com' },
  } as unknown as Config;
}

/** plugins.yaml for the scenario world (trigger, lgtm and approve on `org`), through the real loader. */
export function pluginConfigWith(extra: Partial<PluginsConfig> = {}): PluginsConfig {
  return pluginsConfigFrom(stringifyYaml({ plugins: { org: { plugins: ['trigger', 'lgtm', 'approve'] } }, ...extra }));
}

/** The scenario fixture world: org/repo on master, PR #5 by `author`, a member and two collaborators. */
export function scenarioSeed(over: {
  author?: string;
  labels?: string[];
  draft?: boolean;
  mergeable?: boolean | null;
  files?: Record<string, string | null>;
  repoFiles?: Record<string, string>;
  assignees?: string[];
  comments?: { author: string; body: string }[];
  collaborators?: string[];
  body?: string;
  orgs?: FakeSeed['orgs'];
  reviews?: { author: string; state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED'; body?: string }[];
} = {}): FakeSeed {
  return {
    bot: BOT,
    users: ['author', 'u', 'trusted-member', 'untrusted-member', 'collab1', 'collab2', 'assignee1', 'not-in-the-org', 'a-human', 'alice', 'cjwagner', 'cblecker'],
    orgs: over.orgs ?? { org: { members: ['trusted-member'] } },
    repos: [{
      repo: 'org/repo', defaultBranch: 'master',
      files: over.repoFiles ?? { 'README.md': 'hello\n' },
      collaborators: over.collaborators ?? ['collab1', 'collab2', 'assignee1'],
      labels: ['lgtm', 'approved', 'ok-to-test', 'needs-ok-to-test', 'do-not-merge/hold'],
    }],
    pulls: [{
      repo: 'org/repo', number: 5, author: over.author ?? 'author', title: 'A change', body: over.body ?? 'change body',
      labels: over.labels ?? [], draft: over.draft ?? false, mergeable: over.mergeable === undefined ? null : over.mergeable,
      files: over.files ?? { 'CHANGED': 'changed\n' }, assignees: over.assignees ?? [], comments: over.comments ?? [],
      reviews: over.reviews ?? [],
    }],
  };
}

export { type World } from '../../support/world.js';

/** The scenario world over the shared test world; the OWNERS client reads `pluginConfig`. */
export function startWorld(pluginConfig: () => PluginsConfig = () => pluginConfigWith()): Promise<World> {
  return startTestWorld({ pluginConfig });
}

export function contextFor(
  w: World, deliveryId: string, config: Config, pluginConfig: PluginsConfig, withOwners = true, redelivery = false,
): PluginContext {
  return pluginContextFor(w, { plugin: 'test', snapshot: snapshotOf(config, pluginConfig), deliveryId, redelivery, withOwners });
}

export async function pullRequestDelivery(gh: FakeGitHub, id: string, action: string, opts: { number?: number; sender?: string; label?: string; changes?: unknown } = {}): Promise<Delivery> {
  const pr = await restJson(gh, `/repos/org/repo/pulls/${opts.number ?? 5}`);
  const payload: Record<string, any> = {
    action, number: pr.number, pull_request: pr, repository: pr.base.repo, sender: { login: opts.sender ?? pr.user.login, type: 'User' },
  };
  if (opts.label) payload.label = { name: opts.label, color: 'ededed' };
  if (opts.changes) payload.changes = opts.changes;
  return { type: 'pull_request', id, payload };
}

export async function issueCommentDelivery(gh: FakeGitHub, id: string, user: string, body: string, opts: { number?: number; commentId?: number } = {}): Promise<Delivery> {
  const n = opts.number ?? 5;
  const issue = await restJson(gh, `/repos/org/repo/issues/${n}`);
  const repo = await restJson(gh, '/repos/org/repo');
  const commentId = opts.commentId ?? 900000 + Math.floor(Math.random() * 99999);
  const comment = {
    id: commentId, node_id: `IC_${commentId}`, body, user: { login: user, type: 'User' },
    html_url: `https://github.com/org/repo/pull/${n}#issuecomment-${commentId}`, created_at: '2026-11-27T12:00:00Z', updated_at: '2026-11-27T12:00:00Z',
    author_association: 'NONE',
  };
  return { type: 'issue_comment', id, payload: { action: 'created', issue, comment, repository: repo, sender: { login: user, type: 'User' } } };
}

export async function reviewDelivery(gh: FakeGitHub, id: string, user: string, state: 'approved' | 'changes_requested' | 'commented' | 'dismissed', body = '', action = 'submitted'): Promise<Delivery> {
  const pr = await restJson(gh, '/repos/org/repo/pulls/5');
  const review = {
    id: 77, node_id: 'PRR_77', body, state, user: { login: user, type: 'User' }, commit_id: pr.head.sha,
    html_url: 'https://github.com/org/repo/pull/5#pullrequestreview-77', submitted_at: '2026-11-27T12:00:00Z',
  };
  return { type: 'pull_request_review', id, payload: { action, review, pull_request: pr, repository: pr.base.repo, sender: { login: user, type: 'User' } } };
}

export function pushDelivery(id: string, o: { repo: string; ref: string; after?: string; deleted?: boolean; commits?: { added?: string[]; removed?: string[]; modified?: string[] }[] }): Delivery {
  const [owner, name] = o.repo.split('/') as [string, string];
  const after = o.after ?? 'a'.repeat(40);
  return {
    type: 'push', id,
    payload: {
      ref: o.ref, before: 'b'.repeat(40), after, created: false, deleted: o.deleted ?? false, forced: false,
      compare: `https://github.com/${o.repo}/compare/bbbbbbbbbbbb...${after.slice(0, 12)}`,
      commits: (o.commits ?? []).map((c, i) => ({ id: `${i}`.repeat(40).slice(0, 40), added: c.added ?? [], removed: c.removed ?? [], modified: c.modified ?? [] })),
      repository: { name, full_name: o.repo, html_url: `https://github.com/${o.repo}`, owner: { name: owner, login: owner } },
      sender: { login: 'trusted-member' },
    },
  };
}
