// Bot comments that survive redelivery: a handler may run twice for one delivery (DESIGN.md "persist,
// then acknowledge"), so on a redelivery a reply is posted only if the bot has not already posted the
// same text (a first delivery cannot have replied yet, and skips that read), and
// pruning (upstream pkg/commentpruner, reference §1.12) deletes only the bot's own comments.
import type { GitHubClient, IssueComment } from '../../github/types.js';
import { sameLogin } from '../../github/login.js';

export type CommentGitHub = Pick<GitHubClient, 'botUser' | 'listComments' | 'createComment' | 'deleteComment'>;

/** The bot's login without a GitHub App's `[bot]` suffix, lower-cased. */
export async function botLogin(gh: Pick<GitHubClient, 'botUser'>): Promise<string> {
  return (await gh.botUser()).login.replace(/\[bot\]$/i, '').toLowerCase();
}

/** True when `login` is the bot (with or without the `[bot]` suffix). */
export function isBotLogin(bot: string, login: string): boolean {
  return sameLogin(login.replace(/\[bot\]$/i, ''), bot);
}

/** The bot's own comments on org/repo#number. */
export async function listBotComments(
  gh: Pick<GitHubClient, 'botUser' | 'listComments'>,
  org: string,
  repo: string,
  number: number,
): Promise<IssueComment[]> {
  const bot = await botLogin(gh);
  return (await gh.listComments(org, repo, number)).filter((c) => isBotLogin(bot, c.user.login));
}

/**
 * Posts `body` unless the bot already posted exactly that text on the issue. Returns true when it
 * wrote. On a redelivery (PluginContext.redelivery) it costs botUser (cached) + listComments before the
 * write; on a first delivery there can be no earlier reply, so it writes directly. `redelivery` defaults
 * to true (always check) for callers that cannot tell.
 */
export async function commentOnce(
  gh: Pick<GitHubClient, 'botUser' | 'listComments' | 'createComment'>,
  org: string,
  repo: string,
  number: number,
  body: string,
  redelivery = true,
): Promise<boolean> {
  if (redelivery && (await listBotComments(gh, org, repo, number)).some((c) => c.body === body)) return false;
  await gh.createComment(org, repo, number, body);
  return true;
}

/** Deletes the bot's comments on the issue for which `shouldPrune` is true; returns how many. */
export async function pruneBotComments(
  gh: Pick<GitHubClient, 'botUser' | 'listComments' | 'deleteComment'>,
  org: string,
  repo: string,
  number: number,
  shouldPrune: (c: IssueComment) => boolean,
): Promise<number> {
  const doomed = (await listBotComments(gh, org, repo, number)).filter(shouldPrune);
  for (const c of doomed) await gh.deleteComment(org, repo, c.id);
  return doomed.length;
}
