// assign (upstream pkg/plugins/assign/assign.go): /assign and /unassign change assignees on issues and PRs;
// /cc and /uncc request or withdraw PR reviews. No argument means the commenter. GitHub decides who may
// be assigned or asked; the ones it leaves out are listed in a reply.
import RE2 from 're2';
import { MissingUsersError, type GitHubClient } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';
import type { Plugin } from '../types.js';
import type { GenericCommentEvent } from '../../github/event-types.js';
import { commentOnce } from '../shared/comments.js';
import { findAllMatches } from '../shared/markdown.js';
import { formatEventResponse } from '../shared/respond.js';

const assignRe = new RE2('(?mi)^/(un)?assign(( @?[-\\w]+?)*)\\s*$', 'g');
const ccRe = new RE2('(?mi)^/(un)?cc(( +@?[-/\\w]+?)*)\\s*$', 'g');

export type AssignGitHub = Pick<
  GitHubClient,
  | 'getIssue'
  | 'getPullRequest'
  | 'assignIssue'
  | 'unassignIssue'
  | 'requestReview'
  | 'unrequestReview'
  | 'botUser'
  | 'listComments'
  | 'createComment'
>;

export const assignPlugin: Plugin = {
  name: 'assign',
  help: {
    description:
      "The assign plugin assigns or requests reviews from users/teams. Specific users can be assigned with the command '/assign @user1' or have reviews requested of them with the command '/cc @user1'. If no users are specified, the commands default to targeting the user who created the command. Assignments and requested reviews can be removed in the same way that they are added by prefixing the commands with 'un'.",
    commands: [
      {
        usage: '/[un]assign [[@]<username>...|[@]<orgname/teamname>...]',
        description: 'Assigns assignee(s) or team(s) to the PR',
        featured: true,
        whoCanUse: 'Anyone can use the command, but the target user(s) must be an org member, a repo collaborator, or should have previously commented on the issue or PR.',
        examples: ['/assign', '/unassign', '/assign @spongebob', '/assign spongebob patrick', '/assign @kubernetes/sig-foo-bar'],
      },
      {
        usage: '/[un]cc [[@]<username>...|[@]<orgname/teamname>...]',
        description: 'Requests a review from the user(s) or team(s).',
        featured: true,
        whoCanUse: 'Anyone can use the command, but the target user(s) must be a member of the org that owns the repository.',
        examples: ['/cc', '/uncc', '/cc @spongebob', '/cc spongebob patrick', '/cc @kubernetes/sig-foo-bar'],
      },
    ],
  },
  handlers: { genericComment: (e, ctx) => handleAssign(ctx.github, ctx.log, e, ctx.redelivery) },
};

/** The logins named in a command's argument text, "@" and blanks trimmed. */
export function parseLogins(text: string): string[] {
  return text
    .split(' ')
    .map((p) => p.replace(/^[@ ]+|[@ ]+$/g, ''))
    .filter((p) => p !== '');
}

interface Targets {
  add: string[];
  remove: string[];
}

/** Logins to add and remove; a later mention of the same login (any case) overrides an earlier one. */
export function parseTargets(re: InstanceType<typeof RE2>, body: string, commenter: string): Targets | undefined {
  const matches = findAllMatches(re, body);
  if (matches.length === 0) return undefined;
  const wanted = new Map<string, { login: string; add: boolean }>();
  for (const m of matches) {
    const add = (m[1] ?? '').toLowerCase() !== 'un';
    const logins = (m[2] ?? '') === '' ? [commenter] : parseLogins(m[2] ?? '');
    for (const login of logins) {
      const key = login.toLowerCase();
      wanted.delete(key); // keep insertion order of the last mention
      wanted.set(key, { login, add });
    }
  }
  const out: Targets = { add: [], remove: [] };
  for (const { login, add } of wanted.values()) (add ? out.add : out.remove).push(login);
  return out;
}

/**
 * On a first delivery the plugin writes directly, as upstream, and learns refused users from GitHub's
 * answer. On a redelivery (`redelivery`, default true) it first reads the issue or PR and writes only what
 * is still missing, so a redelivered command neither writes again nor replies twice.
 */
export async function handleAssign(gh: AssignGitHub, log: Logger, e: GenericCommentEvent, redelivery = true): Promise<void> {
  if (e.action !== 'created') return;
  // Both halves run even when one fails, as upstream.
  const errors: unknown[] = [];
  await handleAssignees(gh, log, e, redelivery).catch((err: unknown) => errors.push(err));
  if (e.isPR) await handleReviewers(gh, log, e, redelivery).catch((err: unknown) => errors.push(err));
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, 'assign: both assignees and review requests failed');
}

async function replyMissing(gh: AssignGitHub, e: GenericCommentEvent, text: string, redelivery: boolean): Promise<void> {
  await commentOnce(gh, e.org, e.repo, e.number, formatEventResponse(e, text), redelivery);
}

async function handleAssignees(gh: AssignGitHub, log: Logger, e: GenericCommentEvent, redelivery: boolean): Promise<void> {
  const targets = parseTargets(assignRe, e.body, e.user);
  if (targets === undefined) return;
  let { remove, add } = targets;
  if (redelivery) {
    const current = new Set((await gh.getIssue(e.org, e.repo, e.number)).assignees.map((a) => a.toLowerCase()));
    remove = remove.filter((l) => current.has(l.toLowerCase()));
    add = add.filter((l) => !current.has(l.toLowerCase()));
  }
  if (remove.length > 0) {
    log.info({ users: remove }, 'removing assignees');
    await gh.unassignIssue(e.org, e.repo, e.number, remove);
  }
  if (add.length === 0) return;
  log.info({ users: add }, 'adding assignees');
  try {
    await gh.assignIssue(e.org, e.repo, e.number, add);
  } catch (err) {
    if (!(err instanceof MissingUsersError)) throw err;
    log.info({ users: err.users }, 'github refused some assignees');
    await replyMissing(
      gh,
      e,
      `GitHub didn't allow me to assign the following users: ${err.users.join(', ')}.\n\n` +
        `Note that only [${e.org} members](https://github.com/orgs/${e.org}/people) with read permissions, repo collaborators and people who have commented on this issue/PR can be assigned. Additionally, issues/PRs can only have 10 assignees at the same time.\n` +
        'For more information please see [the contributor guide](https://git.k8s.io/community/contributors/guide/first-contribution.md#issue-assignment-in-github)',
      redelivery,
    );
  }
}

async function handleReviewers(gh: AssignGitHub, log: Logger, e: GenericCommentEvent, redelivery: boolean): Promise<void> {
  const targets = parseTargets(ccRe, e.body, e.user);
  if (targets === undefined) return;
  let { remove, add } = targets;
  if (redelivery) {
    const pr = await gh.getPullRequest(e.org, e.repo, e.number);
    const users = new Set(pr.requestedReviewers.map((r) => r.toLowerCase()));
    const teams = new Set(pr.requestedTeams.map((t) => t.toLowerCase()));
    const isRequested = (login: string): boolean => {
      const l = login.toLowerCase();
      const slash = l.indexOf('/');
      if (slash < 0) return users.has(l);
      return l.slice(0, slash) === e.org.toLowerCase() && teams.has(l.slice(slash + 1));
    };
    remove = remove.filter(isRequested);
    add = add.filter((l) => !isRequested(l));
  }
  if (remove.length > 0) {
    log.info({ users: remove }, 'removing review requests');
    await gh.unrequestReview(e.org, e.repo, e.number, remove);
  }
  if (add.length === 0) return;
  log.info({ users: add }, 'requesting reviews');
  try {
    await gh.requestReview(e.org, e.repo, e.number, add);
  } catch (err) {
    if (!(err instanceof MissingUsersError)) throw err;
    log.info({ users: err.users }, 'github refused some reviewers');
    await replyMissing(
      gh,
      e,
      `GitHub didn't allow me to request PR reviews from the following users: ${err.users.join(', ')}.\n\n` +
        `Note that only [${e.org} members](https://github.com/orgs/${e.org}/people) and repo collaborators can review this PR, and authors cannot review their own PRs.`,
      redelivery,
    );
  }
}
