// lgtm: the `lgtm` label by command or review, and its removal on new pushes
// (docs/plugins-core.md "lgtm", upstream pkg/plugins/lgtm/lgtm.go).
import RE2 from 're2';
import { lgtmFor } from '../../config/plugins.js';
import type { LgtmConfig, PluginsConfig } from '../../config/types.js';
import type { GitHubClient } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';
import { isBot, isBotLogin, normLogin, sameLogin } from '../../github/login.js';
import { commentOnce, pruneBotComments } from '../shared/comments.js';
import { formatResponseRaw } from '../shared/respond.js';
import type { Plugin, PluginContext } from '../types.js';
import type { GenericCommentEvent, PullRequestEvent, ReviewEvent } from '../../github/event-types.js';
import type { OwnersClient } from '../../owners/types.js';
import { LGTM } from '../../api/labels.js';
import { lgtmConfigSection } from './lgtm-config.js';

export const lgtmRe = new RE2('(?mi)^/lgtm(?: no-issue)?\\s*$');
export const lgtmCancelRe = new RE2('(?mi)^/(remove-lgtm|lgtm cancel)\\s*$');
export const REMOVE_LGTM_NOTIFICATION = 'New changes are detected. LGTM label has been removed.';
const addLgtmNotificationRe = new RE2('LGTM label has been added\\.  <details>Git tree hash: (.*)</details>');

export function addLgtmNotification(treeHash: string): string {
  return `LGTM label has been added.  <details>Git tree hash: ${treeHash}</details>`;
}

export type LgtmGitHub = Pick<
  GitHubClient,
  | 'botUser' | 'isCollaborator' | 'getIssue' | 'addLabel' | 'removeLabel' | 'assignIssue' | 'createComment' | 'listIssueLabels'
  | 'getPullRequest' | 'listPullRequestFiles' | 'listComments' | 'deleteComment' | 'getCommit' | 'listTeams'
  | 'listTeamMembers' | 'requestReview'
>;

export interface LgtmDeps {
  github: LgtmGitHub;
  pluginConfig: PluginsConfig;
  owners?: OwnersClient;
  log: Logger;
}

interface ReviewCtx {
  org: string;
  repo: string;
  number: number;
  author: string;
  issueAuthor: string;
  body: string;
  htmlURL: string;
  assignees: string[];
}

function skipCollaborators(pc: PluginsConfig, org: string, repo: string): boolean {
  return (pc.owners?.skip_collaborators ?? []).some((e) => e === org || e === `${org}/${repo}`);
}

async function pruneBot(d: LgtmDeps, rc: Pick<ReviewCtx, 'org' | 'repo' | 'number'>, match: (body: string) => boolean): Promise<void> {
  await pruneBotComments(d.github, rc.org, rc.repo, rc.number, (c) => match(c.body));
}

/** Is the PR author in the sticky-lgtm team (a team NAME, as upstream)? */
async function stickyLgtm(d: LgtmDeps, opts: LgtmConfig, author: string, org: string): Promise<boolean> {
  const team = opts.trusted_team_for_sticky_lgtm ?? '';
  if (team === '') return false;
  try {
    const found = (await d.github.listTeams(org)).find((t) => t.name === team);
    if (!found) {
      d.log.error({ team, org }, 'trusted_team_for_sticky_lgtm not found in the org');
      return false;
    }
    return (await d.github.listTeamMembers(org, found.slug, 'all')).some((m) => m.login === author);
  } catch (err) {
    d.log.error({ err, team, org }, 'listing the sticky lgtm team failed');
    return false;
  }
}

async function replyOnce(d: LgtmDeps, rc: ReviewCtx, reply: string): Promise<void> {
  await commentOnce(d.github, rc.org, rc.repo, rc.number, formatResponseRaw(rc.body, rc.htmlURL, rc.author, reply));
}

async function removeLgtmAndRequestReview(d: LgtmDeps, rc: Pick<ReviewCtx, 'org' | 'repo' | 'number'>, assignees: string[], storeTreeHash: boolean): Promise<void> {
  await d.github.removeLabel(rc.org, rc.repo, rc.number, LGTM);
  if (storeTreeHash && assignees.length > 0) await d.github.requestReview(rc.org, rc.repo, rc.number, assignees);
}

/** Upstream handle: authorise, then add or remove the label (and keep the tree-hash comment). */
async function handle(d: LgtmDeps, wantLGTM: boolean, rc: ReviewCtx): Promise<void> {
  const { org, repo, number } = rc;
  const isAuthor = sameLogin(rc.author, rc.issueAuthor);
  if (isAuthor && wantLGTM) {
    await replyOnce(d, rc, 'you cannot LGTM your own PR.');
    return;
  }
  const isAssignee = rc.assignees.some((a) => sameLogin(a, rc.author));
  const skip = skipCollaborators(d.pluginConfig, org, repo);
  const isCollaborator = await d.github.isCollaborator(org, repo, rc.author);
  if (!isAuthor && !skip && !isCollaborator) {
    await replyOnce(d, rc, 'changing LGTM is restricted to collaborators');
    return;
  }
  // The issue (labels and current assignees) is read before assigning, so a redelivery does not assign
  // again: the payload's assignee list is as old as the delivery.
  const issue = await d.github.getIssue(org, repo, number);
  const assigned = isAssignee || issue.assignees.some((a) => sameLogin(a, rc.author));
  if (!isAuthor && !assigned && !skip) {
    try {
      await d.github.assignIssue(org, repo, number, [rc.author]);
    } catch (err) {
      d.log.error({ err, user: rc.author }, 'assigning the reviewer failed');
    }
  } else if (!isAuthor && skip) {
    if (!d.owners) throw new Error('lgtm: owners.skip_collaborators is set but hook has no OWNERS client');
    const pr = await d.github.getPullRequest(org, repo, number);
    const ro = await d.owners.loadRepoOwners(org, repo, pr.base.ref);
    const files = (await d.github.listPullRequestFiles(org, repo, number)).map((f) => f.filename);
    const who = normLogin(rc.author);
    const allowed = files.some((f) => ro.approvers(f).has(who) || ro.reviewers(f).has(who));
    if (!allowed) {
      await replyOnce(d, rc, 'adding LGTM is restricted to approvers and reviewers in OWNERS files.');
      return;
    }
  }
  const hasLGTM = issue.labels.includes(LGTM);
  const opts = lgtmFor(d.pluginConfig, org, repo);
  if (hasLGTM && !wantLGTM) {
    d.log.info({ label: LGTM }, 'removing lgtm');
    await removeLgtmAndRequestReview(d, rc, rc.assignees, opts.store_tree_hash ?? false);
    if (opts.store_tree_hash) await pruneBot(d, rc, (b) => addLgtmNotificationRe.test(b));
  } else if (!hasLGTM && wantLGTM) {
    d.log.info({ label: LGTM }, 'adding lgtm');
    await d.github.addLabel(org, repo, number, LGTM);
    if (!(await stickyLgtm(d, opts, rc.issueAuthor, org))) {
      if (opts.store_tree_hash) {
        const pr = await d.github.getPullRequest(org, repo, number);
        const commit = await d.github.getCommit(org, repo, pr.head.sha);
        await d.github.createComment(org, repo, number, addLgtmNotification(commit.treeSha));
      }
      await pruneBot(d, rc, (b) => b.includes(REMOVE_LGTM_NOTIFICATION));
    }
  }
}

export async function handleLgtmComment(d: LgtmDeps, e: GenericCommentEvent): Promise<void> {
  if (!e.isPR || e.issueState !== 'open' || e.action !== 'created') return;
  let want: boolean;
  if (lgtmRe.test(e.body)) want = true;
  else if (lgtmCancelRe.test(e.body)) want = false;
  else return;
  await handle(d, want, {
    org: e.org, repo: e.repo, number: e.number, author: e.user, issueAuthor: e.issueAuthor, body: e.body,
    htmlURL: e.htmlURL, assignees: e.assignees,
  });
}

export async function handleLgtmReview(d: LgtmDeps, e: ReviewEvent): Promise<void> {
  if (!lgtmFor(d.pluginConfig, e.org, e.repo).review_acts_as_lgtm) return;
  if (e.action !== 'submitted') return;
  const review = e.review as { user?: { login?: string; type?: string } | null; body?: string | null; html_url?: string };
  const reviewer = review.user?.login ?? '';
  if ((await isBot(d.github, reviewer)) || review.user?.type === 'Bot') return;
  const body = review.body ?? '';
  // The generic comment path handles a review body that carries a command.
  if (lgtmRe.test(body) || lgtmCancelRe.test(body)) return;
  const state = e.reviewState.toUpperCase();
  let want: boolean;
  if (state === 'APPROVED') want = true;
  else if (state === 'CHANGES_REQUESTED') want = false;
  else return;
  const pr = e.pullRequest as { user?: { login?: string } | null; assignees?: ({ login?: string } | null)[] | null };
  await handle(d, want, {
    org: e.org, repo: e.repo, number: e.number, author: reviewer, issueAuthor: pr.user?.login ?? '', body,
    htmlURL: review.html_url ?? '', assignees: (pr.assignees ?? []).map((a) => a?.login ?? '').filter((a) => a !== ''),
  });
}

/** A new push removes lgtm, unless the tree is unchanged (store_tree_hash) or the author is sticky. */
export async function handleLgtmPullRequest(d: LgtmDeps, e: Pick<PullRequestEvent, 'action' | 'org' | 'repo' | 'number' | 'pullRequest' | 'headSHA'>): Promise<void> {
  const pr = e.pullRequest as { merged?: boolean | null; user?: { login?: string } | null; assignees?: ({ login?: string } | null)[] | null };
  if (pr.merged) return;
  if (e.action !== 'synchronize') return;
  const { org, repo, number } = e;
  const opts = lgtmFor(d.pluginConfig, org, repo);
  if (await stickyLgtm(d, opts, pr.user?.login ?? '', org)) return;
  const labels = await d.github.listIssueLabels(org, repo, number);
  if (!labels.includes(LGTM)) return;
  if (opts.store_tree_hash) {
    const bot = (await d.github.botUser()).login;
    const comments = await d.github.listComments(org, repo, number);
    let last = '';
    for (let i = comments.length - 1; i >= 0; i--) {
      const c = comments[i]!;
      const m = addLgtmNotificationRe.exec(c.body);
      if (isBotLogin(c.user.login, bot) && m && c.updatedAt === c.createdAt) {
        last = m[1] ?? '';
        break;
      }
    }
    if (last !== '') {
      const commit = await d.github.getCommit(org, repo, e.headSHA);
      if (commit.treeSha === last) {
        d.log.info({ tree: last }, 'keeping lgtm: the tree is unchanged');
        return;
      }
    }
  }
  const assignees = (pr.assignees ?? []).map((a) => a?.login ?? '').filter((a) => a !== '');
  await removeLgtmAndRequestReview(d, e, assignees, opts.store_tree_hash ?? false);
  await d.github.createComment(org, repo, number, REMOVE_LGTM_NOTIFICATION);
}

function deps(ctx: PluginContext): LgtmDeps {
  return { github: ctx.github, pluginConfig: ctx.snapshot.plugins, owners: ctx.owners, log: ctx.log };
}

export const lgtmPlugin: Plugin = {
  name: 'lgtm',
  config: lgtmConfigSection,
  help: {
    description: "The lgtm plugin manages the application and removal of the 'lgtm' (Looks Good To Me) label which is typically used to gate merging.",
    snippet: 'lgtm:\n- repos:\n  - kubernetes/test-infra\n  review_acts_as_lgtm: true\n  store_tree_hash: true\n  trusted_team_for_sticky_lgtm: team1\n',
    commands: [{
      usage: '/[remove-]lgtm [cancel] or GitHub Review action',
      featured: true,
      description: "Adds or removes the 'lgtm' label which is typically used to gate merging.",
      whoCanUse: "Collaborators on the repository. '/lgtm cancel' can be used additionally by the PR author.",
      examples: ['/lgtm', '/lgtm cancel', '/remove-lgtm', '<a href="https://help.github.com/articles/about-pull-request-reviews/">\'Approve\' or \'Request Changes\'</a>'],
    }],
  },
  configHelp: (pc, enabledRepos) => {
    const out: Record<string, string> = {};
    for (const full of enabledRepos) {
      const [org = '', repo = ''] = full.split('/');
      const o = lgtmFor(pc, org, repo);
      const items: string[] = [];
      if (o.review_acts_as_lgtm) items.push('<li>Reviews of "approve" or "request changes" act as adding or removing LGTM.</li>');
      if (o.store_tree_hash) items.push('<li>Squashing commits does not remove LGTM.</li>');
      if (o.trusted_team_for_sticky_lgtm) items.push(`<li>Commits from "${o.trusted_team_for_sticky_lgtm}" do not remove LGTM.</li>`);
      if (items.length > 0) out[full] = ['The plugin has the following configuration:<ul>', ...items, '</ul>'].join('\n');
    }
    return out;
  },
  handlers: {
    genericComment: (e, ctx) => handleLgtmComment(deps(ctx), e),
    review: (e, ctx) => handleLgtmReview(deps(ctx), e),
    pullRequest: (e, ctx) => handleLgtmPullRequest(deps(ctx), e),
  },
};
