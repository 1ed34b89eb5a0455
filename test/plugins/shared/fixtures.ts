// Fixtures for the misc plugin tests (hold, label, assign, help, size, lifecycle, wip, release-note,
// heart, shrug, yuks): the fake GitHub, the real Octokit client over HTTP, webhook payloads built from the
// fake's own REST JSON (so their shapes are GitHub's) and demultiplexed by src/github/events.ts, and
// plugins.yaml parsed by the real loader.
import type { FakeGitHub } from '../../../src/github/fake/server.js';
import type { FakeSeed, SeedIssue, SeedPull } from '../../../src/github/fake/state.js';
import type { Config, PluginsConfig } from '../../../src/config/types.js';
import { createSilentLogger } from '../../../src/observability/logger.js';
import type { PluginContext } from '../../../src/plugins/types.js';
import { BOT, restJson, type Delivery } from '../support/fixtures.js';
import { pluginContextFor } from '../../support/plugin-context.js';
import type { World } from '../../support/world.js';
import { pluginsConfigFrom, snapshotOf } from '../../support/config.js';

export { BOT, genericOf, typedOf, writes, type Delivery } from '../support/fixtures.js';
export const REPO = 'org/repo';
export const log = createSilentLogger();

export { startWorld, type World } from '../../support/world.js';

/** plugins.yaml text through the real decoder, defaults and validation; throws on any error. */
export function pluginConfig(yaml = '{}'): PluginsConfig {
  return pluginsConfigFrom(yaml);
}

export function contextFor(w: World, deliveryId: string, pc: PluginsConfig = pluginConfig(), redelivery = false): PluginContext {
  return pluginContextFor(w, { plugin: 'test', snapshot: snapshotOf({} as Config, pc), deliveryId, redelivery, withOwners: false, log });
}

/**
 * The usual world: org/repo with `labels`, members `trusted-member`, collaborators `collab1`, `collab2`,
 * and either issue #1 (or `number`) or PR #1 by `author`.
 */
export function seed(o: {
  number?: number;
  isPR?: boolean;
  labels?: string[];
  repoLabels?: string[];
  state?: 'open' | 'closed';
  author?: string;
  title?: string;
  body?: string;
  draft?: boolean;
  assignees?: string[];
  requestedReviewers?: string[];
  comments?: { author: string; body: string }[];
  files?: Record<string, string | null>;
  repoFiles?: Record<string, string>;
  base?: string;
  orgs?: FakeSeed['orgs'];
  extraIssues?: SeedIssue[];
  extraPulls?: SeedPull[];
  users?: string[];
} = {}): FakeSeed {
  const item = {
    repo: REPO, number: o.number ?? 1, author: o.author ?? 'author', title: o.title ?? 'A thing', body: o.body ?? 'some text',
    labels: o.labels ?? [], state: o.state ?? 'open', assignees: o.assignees ?? [], comments: o.comments ?? [],
  };
  return {
    bot: BOT,
    users: ['author', 'rando', 'trusted-member', 'collab1', 'collab2', 'alice', 'bob', 'outsider', 'fejta', 'spxtr', ...(o.users ?? [])],
    orgs: o.orgs ?? { org: { members: ['trusted-member', 'alice', 'bob'] } },
    repos: [{
      repo: REPO, defaultBranch: 'master', files: o.repoFiles ?? { 'README.md': 'hello\n' },
      collaborators: ['collab1', 'collab2'],
      labels: o.repoLabels ?? [...new Set([...(o.labels ?? [])])],
    }],
    issues: o.isPR === true ? (o.extraIssues ?? []) : [item, ...(o.extraIssues ?? [])],
    pulls: o.isPR === true
      ? [{ ...item, draft: o.draft ?? false, files: o.files, requestedReviewers: o.requestedReviewers, base: o.base }, ...(o.extraPulls ?? [])]
      : (o.extraPulls ?? []),
  };
}

let nextCommentId = 700000;

/**
 * An `issue_comment` delivery by `user` on org/repo#number (issue or PR, as the fake has it). With
 * `post`, the comment is also written to the fake first (as on GitHub, where it exists before the hook).
 */
export async function commentDelivery(
  gh: FakeGitHub,
  user: string,
  body: string,
  o: { number?: number; action?: string; id?: string; post?: boolean } = {},
): Promise<Delivery> {
  const n = o.number ?? 1;
  const commentId = o.post === true ? gh.addComment(REPO, n, user, body) : nextCommentId++;
  const issue = await restJson(gh, `/repos/${REPO}/issues/${n}`);
  const repository = await restJson(gh, `/repos/${REPO}`);
  const comment = {
    id: commentId, node_id: `IC_${commentId}`, body, user: { login: user, type: 'User' },
    html_url: `${issue.html_url as string}#issuecomment-${commentId}`, created_at: '2026-11-27T12:00:00Z', updated_at: '2026-11-27T12:00:00Z',
    author_association: 'NONE',
  };
  return { type: 'issue_comment', id: o.id ?? `delivery-${commentId}`, payload: { action: o.action ?? 'created', issue, comment, repository, sender: { login: user, type: 'User' } } };
}

/** A `pull_request` delivery for org/repo#number as the fake has it now. */
export async function pullRequestDelivery(gh: FakeGitHub, action: string, o: { number?: number; label?: string; sender?: string; id?: string } = {}): Promise<Delivery> {
  const pr = await restJson(gh, `/repos/${REPO}/pulls/${o.number ?? 1}`);
  const payload: Record<string, any> = { action, number: pr.number, pull_request: pr, repository: pr.base.repo, sender: { login: o.sender ?? pr.user.login, type: 'User' } };
  if (o.label !== undefined) payload.label = { name: o.label, color: 'ededed' };
  return { type: 'pull_request', id: o.id ?? `delivery-pr-${action}-${nextCommentId++}`, payload };
}

/** Bodies of the bot's comments on org/repo#number. */
export function botComments(gh: FakeGitHub, number = 1): string[] {
  return gh.comments(REPO, number).filter((c) => c.user === BOT).map((c) => c.body);
}
