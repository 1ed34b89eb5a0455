// approve: recomputes approval from the whole PR history, keeps one notification comment and the
// `approved` label (docs/plugins-core.md "approve", "OWNERS"; upstream pkg/plugins/approve).
import RE2 from 're2';
import { approveFor, ownersFilenamesFor } from '../../config/plugins.js';
import type { ApproveConfig, PluginsConfig } from '../../config/types.js';
import type { GitHubClient } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';
import { approvalMessage, PullApprovers, PullOwners, type ApprovalOwners } from '../../owners/approvers.js';
import { findAllMatches } from '../shared/markdown.js';
import type { Plugin, PluginContext } from '../types.js';
import type { GenericCommentEvent, PullRequestEvent, ReviewEvent } from '../../github/event-types.js';
import type { OwnersClient } from '../../owners/types.js';
import { APPROVED } from '../../api/labels.js';
import { isBotLogin } from '../../github/login.js';
import { approveConfigSection } from './approve-config.js';

const APPROVE_COMMAND = 'APPROVE';
const REMOVE_APPROVE_COMMAND = 'REMOVE-APPROVE';
const LGTM_COMMAND = 'LGTM';
const commandRe = new RE2('(?m)^/([^\\s]+)[\\t ]*([^\\n\\r]*)', 'g');
const notificationRe = new RE2('(?is)^\\[APPROVALNOTIFIER\\] *?([^\\n]*)(?:\\n\\n(.*))?');

export type ApproveGitHub = Pick<
  GitHubClient,
  | 'botUser' | 'getPullRequest' | 'listPullRequestFiles' | 'listIssueLabels' | 'listComments' | 'listReviewComments'
  | 'listReviews' | 'deleteComment' | 'createComment' | 'addLabel' | 'removeLabel' | 'listIssueEvents'
>;

export interface ApproveDeps {
  github: ApproveGitHub;
  owners?: OwnersClient;
  pluginConfig: PluginsConfig;
  /** config.yaml github.link_url. */
  linkURL: string;
  log: Logger;
}

interface PRState {
  org: string;
  repo: string;
  branch: string;
  number: number;
  body: string;
  author: string;
  assignees: string[];
  htmlURL: string;
}

interface Comment {
  body: string;
  author: string;
  createdAt: number;
  htmlURL: string;
  id: number;
  reviewState: string;
}

type IsBot = (login: string) => boolean;

async function botChecker(gh: Pick<GitHubClient, 'botUser'>): Promise<IsBot> {
  const bot = (await gh.botUser()).login;
  return (login) => isBotLogin(login, bot);
}

function commands(body: string): [string, string][] {
  return findAllMatches(commandRe, body).map((m) => [(m[1] ?? '').toUpperCase(), m[2] ?? '']);
}

export function isApprovalCommand(isBot: IsBot, lgtmActsAsApprove: boolean, c: Pick<Comment, 'author' | 'body'>): boolean {
  if (isBot(c.author)) return false;
  return commands(c.body).some(([cmd]) => (cmd === LGTM_COMMAND && lgtmActsAsApprove) || cmd === APPROVE_COMMAND || cmd === REMOVE_APPROVE_COMMAND);
}

function isApprovalState(isBot: IsBot, reviewActsAsApprove: boolean, c: Pick<Comment, 'author' | 'reviewState'>): boolean {
  if (isBot(c.author)) return false;
  const s = c.reviewState.toUpperCase();
  return reviewActsAsApprove && (s === 'APPROVED' || s === 'CHANGES_REQUESTED' || s === 'DISMISSED');
}

/** The first issue the body references: `#N` or `<org>/<repo>/issues/N` (upstream findAssociatedIssue). */
export function findAssociatedIssue(body: string, org: string): number {
  const escaped = org.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RE2(`(?:${escaped}/[^/]+/issues/|#)(\\d+)`).exec(body);
  return m ? Number(m[1]) : 0;
}

/** Replays approvals in time order (upstream addApprovers). */
function addApprovers(ap: PullApprovers, comments: Comment[], author: string, reviewActsAsApprove: boolean): void {
  for (const c of comments) {
    if (c.author === '') continue;
    if (reviewActsAsApprove && c.reviewState === 'APPROVED') ap.addApprover(c.author, c.htmlURL, false);
    if (reviewActsAsApprove && c.reviewState === 'CHANGES_REQUESTED') ap.removeApprover(c.author);
    for (const [name, rawArgs] of commands(c.body)) {
      if (name === REMOVE_APPROVE_COMMAND) {
        ap.removeApprover(c.author);
        continue;
      }
      if (name !== APPROVE_COMMAND && name !== LGTM_COMMAND) continue;
      const args = rawArgs.trim().toLowerCase();
      if (args.includes('cancel')) {
        ap.removeApprover(c.author);
        continue;
      }
      const noIssue = args === 'no-issue';
      if (c.author === author) ap.addAuthorSelfApprover(c.author, c.htmlURL, noIssue);
      if (name === APPROVE_COMMAND) ap.addApprover(c.author, c.htmlURL, noIssue);
      else ap.addLGTMer(c.author, c.htmlURL, noIssue);
    }
  }
}

const time = (s: string | null | undefined): number => (s ? Date.parse(s) : Number.NEGATIVE_INFINITY);

/** Upstream handle: read the PR's history, rebuild approval, refresh the notification and label. */
export async function handleApprove(d: ApproveDeps, repoOwners: ApprovalOwners, opts: ApproveConfig, pr: PRState): Promise<void> {
  const { org, repo, number } = pr;
  const gh = d.github;
  const filenames = (await gh.listPullRequestFiles(org, repo, number)).map((f) => f.filename);
  const labels = await gh.listIssueLabels(org, repo, number);
  const hasApproved = labels.includes(APPROVED);
  const isBotUser = await botChecker(gh);
  const issueComments = await gh.listComments(org, repo, number);
  const reviewComments = await gh.listReviewComments(org, repo, number);
  const reviews = await gh.listReviews(org, repo, number);

  const ap = new PullApprovers(new PullOwners(filenames, repoOwners, number));
  ap.associatedIssue = findAssociatedIssue(pr.body, org);
  ap.requireIssue = opts.issue_required ?? false;
  if (!opts.require_self_approval) ap.addAuthorSelfApprover(pr.author, `${pr.htmlURL}#`, false);

  const appBots = new Set(reviews.filter((r) => r.user.type === 'Bot').map((r) => r.user.login));
  const isBot: IsBot = (login) => isBotUser(login) || appBots.has(login);
  const fromIssue: Comment[] = issueComments.map((c) => ({ body: c.body, author: c.user.login, createdAt: time(c.createdAt), htmlURL: c.htmlUrl, id: c.id, reviewState: '' }));
  const all: Comment[] = [
    ...reviewComments.map((c) => ({ body: c.body, author: c.user.login, createdAt: time(c.createdAt), htmlURL: c.htmlUrl, id: c.id, reviewState: '' })),
    ...fromIssue,
    ...reviews.map((r) => ({ body: r.body, author: r.user.login, createdAt: time(r.submittedAt), htmlURL: r.htmlUrl, id: r.id, reviewState: r.state })),
  ];
  all.sort((a, b) => a.createdAt - b.createdAt); // Array.prototype.sort is stable
  const considerReviews = !(opts.ignore_review_state ?? false);
  const lgtmActs = opts.lgtm_acts_as_approve ?? false;
  const approvals = all.filter((c) => isApprovalCommand(isBot, lgtmActs, c) || isApprovalState(isBot, considerReviews, c));
  addApprovers(ap, approvals, pr.author, considerReviews);
  ap.addAssignees(...pr.assignees);
  // Upstream asks (lazily) only when the requirements are not met: then a human-added label decides.
  let manual = false;
  if (hasApproved && !ap.requirementsMet()) {
    try {
      const events = await gh.listIssueEvents(org, repo, number);
      const last = [...events].reverse().find((ev) => ev.event === 'labeled' && ev.label === APPROVED);
      manual = last !== undefined && last.actor !== null && !isBotUser(last.actor.login);
    } catch (err) {
      d.log.error({ err }, 'checking who added the approved label failed');
    }
  }
  ap.manuallyApproved = () => manual;

  const notifications = fromIssue.filter((c) => isBotUser(c.author) && notificationRe.test(c.body));
  const latest = notifications[notifications.length - 1];
  const message = approvalMessage(ap, {
    linkURL: d.linkURL, commandHelpLink: opts.commandHelpLink ?? 'https://go.k8s.io/bot-commands',
    prProcessLink: opts.pr_process_link ?? '', org, repo, branch: pr.branch,
    ownersFilename: ownersFilenamesFor(d.pluginConfig, org, repo).owners,
  });
  if (latest === undefined || !latest.body.includes(message)) {
    for (const n of notifications) {
      try {
        await gh.deleteComment(org, repo, n.id);
      } catch (err) {
        d.log.error({ err, comment: n.id }, 'deleting an old approval notification failed');
      }
    }
    await gh.createComment(org, repo, number, message);
  }
  if (!ap.isApproved()) {
    if (hasApproved) await gh.removeLabel(org, repo, number, APPROVED);
  } else if (!hasApproved) {
    await gh.addLabel(org, repo, number, APPROVED);
  }
}

function requireOwners(d: { owners?: OwnersClient }): OwnersClient {
  if (!d.owners) throw new Error('approve: hook has no OWNERS client (start hook with an owners source)');
  return d.owners;
}

export async function handleApproveComment(d: ApproveDeps, e: GenericCommentEvent): Promise<void> {
  if (e.action !== 'created' || !e.isPR || e.issueState === 'closed') return;
  const isBot = await botChecker(d.github);
  const opts = approveFor(d.pluginConfig, e.org, e.repo);
  if (!isApprovalCommand(isBot, opts.lgtm_acts_as_approve ?? false, { author: e.user, body: e.body })) return;
  const pr = await d.github.getPullRequest(e.org, e.repo, e.number);
  const ro = await requireOwners(d).loadRepoOwners(e.org, e.repo, pr.base.ref);
  await handleApprove(d, ro, opts, {
    org: e.org, repo: e.repo, branch: pr.base.ref, number: e.number, body: e.issueBody, author: e.issueAuthor,
    assignees: e.assignees, htmlURL: e.issueHTMLURL,
  });
}

interface PayloadPR {
  number: number;
  body?: string | null;
  html_url?: string;
  state?: string;
  user?: { login?: string } | null;
  assignees?: ({ login?: string } | null)[] | null;
  base: { ref: string };
}

function stateFromPayload(org: string, repo: string, raw: unknown): PRState {
  const pr = raw as PayloadPR;
  return {
    org, repo, branch: pr.base.ref, number: pr.number, body: pr.body ?? '', author: pr.user?.login ?? '',
    assignees: (pr.assignees ?? []).map((a) => a?.login ?? '').filter((a) => a !== ''), htmlURL: pr.html_url ?? '',
  };
}

export async function handleApproveReview(d: ApproveDeps, e: ReviewEvent): Promise<void> {
  if (e.action !== 'submitted' && e.action !== 'dismissed') return;
  const isBotUser = await botChecker(d.github);
  const review = e.review as { user?: { login?: string; type?: string } | null; body?: string | null };
  const reviewer = review.user?.login ?? '';
  const isBot: IsBot = (login) => isBotUser(login) || review.user?.type === 'Bot';
  const opts = approveFor(d.pluginConfig, e.org, e.repo);
  if (isApprovalCommand(isBot, opts.lgtm_acts_as_approve ?? false, { author: reviewer, body: review.body ?? '' })) return;
  if (!isApprovalState(isBot, !(opts.ignore_review_state ?? false), { author: reviewer, reviewState: e.reviewState })) return;
  const state = stateFromPayload(e.org, e.repo, e.pullRequest);
  const ro = await requireOwners(d).loadRepoOwners(e.org, e.repo, state.branch);
  await handleApprove(d, ro, opts, state);
}

export async function handleApprovePullRequest(d: ApproveDeps, e: Pick<PullRequestEvent, 'action' | 'org' | 'repo' | 'pullRequest' | 'label' | 'sender'>): Promise<void> {
  if (!['opened', 'reopened', 'synchronize', 'labeled'].includes(e.action)) return;
  const isBot = await botChecker(d.github);
  const pr = e.pullRequest as PayloadPR;
  if (e.action === 'labeled' && (e.label !== APPROVED || isBot(e.sender) || pr.state === 'closed')) return;
  const state = stateFromPayload(e.org, e.repo, e.pullRequest);
  const ro = await requireOwners(d).loadRepoOwners(e.org, e.repo, state.branch);
  await handleApprove(d, ro, approveFor(d.pluginConfig, e.org, e.repo), state);
}

function deps(ctx: PluginContext): ApproveDeps {
  return {
    github: ctx.github, owners: ctx.owners, pluginConfig: ctx.snapshot.plugins,
    linkURL: ctx.snapshot.config.github?.link_url || 'https://github.com', log: ctx.log,
  };
}

export const approvePlugin: Plugin = {
  name: 'approve',
  config: approveConfigSection,
  help: {
    description:
      "The approve plugin implements a pull request approval process that manages the 'approved' label and an approval notification comment. Approval is achieved when the set of users that have approved the PR is capable of approving every file changed by the PR. A user is able to approve a file if their username or an alias they belong to is listed in the 'approvers' section of an OWNERS file in the directory of the file or higher in the directory tree.\n<br>\n<br>Per-repo configuration may be used to require that PRs link to an associated issue before approval is granted. It may also be used to specify that the PR authors implicitly approve their own PRs.\n<br>For more information see <a href=\"https://docs.prow.k8s.io/docs/components/plugins/approve/approvers/\">here</a>.",
    snippet: 'approve:\n- repos:\n  - ORGANIZATION\n  - ORGANIZATION/REPOSITORY\n  require_self_approval: false\n  ignore_review_state: false\n',
    commands: [{
      usage: '/[remove-]approve [no-issue|cancel]',
      featured: true,
      description: 'Approves a pull request',
      whoCanUse: "Users listed as 'approvers' in appropriate OWNERS files.",
      examples: ['/approve', '/approve no-issue', '/remove-approve'],
    }],
  },
  configHelp: (pc, enabledRepos) => {
    const out: Record<string, string> = {};
    const doNot = (b: boolean): string => (b ? '' : 'do not ');
    const willNot = (b: boolean): string => (b ? 'will ' : 'will not ');
    for (const full of enabledRepos) {
      const [org = '', repo = ''] = full.split('/');
      const o = approveFor(pc, org, repo);
      out[full] = `Pull requests ${doNot(o.issue_required ?? false)}require an associated issue.<br>Pull request authors ${doNot(!o.require_self_approval)}implicitly approve their own PRs.<br>The /lgtm [cancel] command(s) ${willNot(o.lgtm_acts_as_approve ?? false)}act as approval.<br>A GitHub approved or changes requested review ${willNot(!o.ignore_review_state)}act as approval or cancel respectively.`;
    }
    return out;
  },
  handlers: {
    genericComment: (e, ctx) => handleApproveComment(deps(ctx), e),
    review: (e, ctx) => handleApproveReview(deps(ctx), e),
    pullRequest: (e, ctx) => handleApprovePullRequest(deps(ctx), e),
  },
};
