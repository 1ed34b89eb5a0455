// issue-management (upstream pkg/plugins/issue-management/{issue_management,link-issue,pin-issue,
// transfer-issue}.go; it absorbed the old transfer-issue plugin): `/link-issue` and `/unlink-issue` rewrite
// a PR's `Fixes` line, `/pin-issue` and `/unpin-issue` pin an issue to its repository, and
// `/transfer[-issue] <repo>` moves an issue to another repository of the same org. The first command found
// (in that order) handles the comment.
import RE2 from 're2';
import { isNotFound } from '../../github/errors.js';
import type { GenericCommentEvent } from '../../github/event-types.js';
import type { GitHubClient } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';
import type { OwnersClient } from '../../owners/types.js';
import { hasBotComment } from '../shared/comments.js';
import { formatEventResponse } from '../shared/respond.js';
import type { Plugin } from '../types.js';
import { handleLinkIssue } from './link-issue.js';

const linkIssueRe = new RE2('(?mi)^/link-issue\\s+(.+)$', 'g');
const unlinkIssueRe = new RE2('(?mi)^/unlink-issue\\s+(.+)$', 'g');
const pinRe = new RE2('(?mi)^/pin-issue\\s*$');
const unpinRe = new RE2('(?mi)^/unpin-issue\\s*$');
const transferRe = new RE2('(?mi)^/transfer(?:-issue)?(?: +(.*))?$', 'g');

export type IssueManagementGitHub = Pick<
  GitHubClient,
  'botUser' | 'listComments' | 'createComment' | 'getIssue' | 'getPullRequest' | 'getRepo' | 'isMember' | 'patchPullRequest' | 'graphql'
>;

export const issueManagementPlugin: Plugin = {
  name: 'issue-management',
  help: {
    description: 'The issue management plugin provides commands for managing issues in a repository.',
    commands: [
      { usage: '/link-issue <issue(s)>', description: 'Links issue(s) to a PR in the same or different repo.', whoCanUse: 'Org members', examples: ['/link-issue 1234', '/link-issue org/repo#789'] },
      { usage: '/unlink-issue <issue(s)>', description: 'Unlinks issue(s) from a PR in the same or different repo.', whoCanUse: 'Org members', examples: ['/unlink-issue 1234', '/unlink-issue org/repo#789'] },
      { usage: '/pin-issue', description: 'Pins an issue to the repository', whoCanUse: 'Approvers from the top-level OWNERS file', examples: ['/pin-issue'] },
      { usage: '/unpin-issue', description: 'Unpins an issue from the repository', whoCanUse: 'Approvers from the top-level OWNERS file', examples: ['/unpin-issue'] },
      {
        usage: '/transfer[-issue] <destination repo in same org>', description: 'Transfers an issue to a different repo in the same org.', featured: true,
        whoCanUse: 'Org members.', examples: ['/transfer-issue kubectl', '/transfer test-infra'],
      },
    ],
  },
  handlers: {
    genericComment: (e, ctx) => handleIssueManagement(ctx.github, ctx.owners, ctx.log, e, ctx.redelivery),
  },
};

function matchesOf(re: InstanceType<typeof RE2>, body: string): string[][] {
  re.lastIndex = 0;
  const out: string[][] = [];
  for (let m = re.exec(body); m !== null; m = re.exec(body)) {
    out.push([...m].map((x) => x ?? ''));
    if (m[0] === '') re.lastIndex++;
  }
  return out;
}

export async function handleIssueManagement(
  gh: IssueManagementGitHub,
  owners: OwnersClient | undefined,
  log: Logger,
  e: GenericCommentEvent,
  redelivery = true,
): Promise<void> {
  const toLink = matchesOf(linkIssueRe, e.body).flatMap((m) => m[1]!.split(/\s+/).filter(Boolean));
  const toUnlink = matchesOf(unlinkIssueRe, e.body).flatMap((m) => m[1]!.split(/\s+/).filter(Boolean));
  const pin = pinRe.test(e.body);
  const unpin = unpinRe.test(e.body);
  const transfers = matchesOf(transferRe, e.body);
  if (toLink.length === 0 && toUnlink.length === 0 && !pin && !unpin && transfers.length === 0) return;
  // Every command here answers with a reply quoting the comment: one already there means an earlier
  // handling of this delivery got to the end.
  // A transferred issue is gone from this repository (GitHub answers 404 or a redirect): handled already.
  if (redelivery && (await answeredAlready(gh, e))) return;
  const reply = async (text: string): Promise<void> => {
    await gh.createComment(e.org, e.repo, e.number, formatEventResponse(e, text));
  };

  if (toLink.length > 0 || toUnlink.length > 0) return handleLinkIssue(gh, log, e, toLink, toUnlink, reply);
  if (pin || unpin) return handlePinIssue(gh, owners, log, e, pin, reply);

  if (e.isPR) return reply('The `/transfer-issue` command is only supported on issues, not pull requests.');
  if (e.action !== 'created') return;
  const dst = transfers.length === 1 ? (transfers[0]![1] ?? '').trim() : '';
  if (dst === '') return reply('`/transfer-issue` must only be used once and with a single destination repo.');
  return handleTransferIssue(gh, log, e, dst, reply);
}

async function answeredAlready(gh: IssueManagementGitHub, e: GenericCommentEvent): Promise<boolean> {
  try {
    return await hasBotComment(gh, e.org, e.repo, e.number, (c) => c.body.includes(`In response to [this](${e.htmlURL})`));
  } catch (err) {
    if (isNotFound(err)) return true;
    throw err;
  }
}

async function handleTransferIssue(gh: IssueManagementGitHub, log: Logger, e: GenericCommentEvent, dst: string, reply: (t: string) => Promise<void>): Promise<void> {
  let nodeId: string;
  try {
    nodeId = (await gh.getRepo(e.org, dst)).nodeId;
  } catch (err) {
    log.warn({ err, dst_repo: `${e.org}/${dst}` }, 'cannot fetch the destination repo');
    return reply(`Something went wrong or the destination repo **${e.org}/${dst}** does not exist.`);
  }
  if (!(await gh.isMember(e.org, e.user))) return reply('You must be an org member to transfer this issue.');
  const res = await gh.graphql<{ transferIssue: { issue: { url: string } } }>(
    'mutation($input: TransferIssueInput!) { transferIssue(input: $input) { issue { url } } }',
    { input: { issueId: e.nodeId, repositoryId: nodeId } },
    e.org,
  );
  log.info({ dst_repo: `${e.org}/${dst}`, url: res.transferIssue.issue.url }, 'transferred the issue');
}

async function handlePinIssue(
  gh: IssueManagementGitHub,
  owners: OwnersClient | undefined,
  log: Logger,
  e: GenericCommentEvent,
  pin: boolean,
  reply: (t: string) => Promise<void>,
): Promise<void> {
  if (e.isPR) return reply('`/pin-issue` and `/unpin-issue` can only be triggered on GitHub issues.');
  if (e.action !== 'created') return;
  const action = pin ? 'pin' : 'unpin';
  if (owners === undefined) {
    log.warn('no OWNERS client: cannot tell top-level approvers');
    return reply(`Unable to determine whether ${e.user} is an approver from the top-level OWNERS of ${e.org}/${e.repo}.`);
  }
  let approvers: Set<string>;
  try {
    approvers = (await owners.loadRepoOwners(e.org, e.repo, e.defaultBranch ?? (await gh.getRepo(e.org, e.repo)).defaultBranch)).topLevelApprovers();
  } catch (err) {
    log.warn({ err }, 'cannot load OWNERS');
    return reply(`Unable to determine whether ${e.user} is an approver from the top-level OWNERS of ${e.org}/${e.repo}.`);
  }
  if (!approvers.has(e.user.toLowerCase())) {
    return reply('You are not authorized to pin or unpin issues on this repository. Only approvers from the top-level OWNERS file can use this command.');
  }
  const issue = await gh.getIssue(e.org, e.repo, e.number);
  const mutation = pin ? 'pinIssue' : 'unpinIssue';
  try {
    await gh.graphql(`mutation($input: ${pin ? 'PinIssueInput' : 'UnpinIssueInput'}!) { ${mutation}(input: $input) { issue { id } } }`, { input: { issueId: issue.nodeId } }, e.org);
  } catch (err) {
    log.error({ err }, `cannot ${action} the issue`);
    return reply(`Unable to ${action} issue #${e.number}. Please try again later.`);
  }
  return reply(`Issue #${e.number} has been ${pin ? 'pinned to' : 'unpinned from'} the repository.`);
}
