// The bot's own comments, one home for two policies every commenting plugin follows:
// - reply once: a handler may run twice for one delivery (docs/plugins-core.md "Idempotence"), so a
//   plugin that comments looks for its own earlier comment first (on a redelivery only: a delivery
//   handled for the first time cannot have replied yet, and skips that read);
// - prune old bot comments (upstream pkg/commentpruner, docs/plugins-core.md): delete only the bot's own.
// Bot identity is compared through isBotLogin / isBot (src/github/login.ts: case-insensitive, `name[bot]`
// accepted).
import type { GitHubClient, IssueComment } from '../../github/types.js';
import { isBotLogin } from '../../github/login.js';

/** The bot's login without a GitHub App's `[bot]` suffix, lower-cased. */
export async function botLogin(gh: Pick<GitHubClient, 'botUser'>): Promise<string> {
  return (await gh.botUser()).login.replace(/\[bot\]$/i, '').toLowerCase();
}

/** The bot's own comments on org/repo#number. */
export async function listBotComments(
  gh: Pick<GitHubClient, 'botUser' | 'listComments'>,
  org: string,
  repo: string,
  number: number,
): Promise<IssueComment[]> {
  const bot = (await gh.botUser()).login;
  return (await gh.listComments(org, repo, number)).filter((c) => isBotLogin(c.user.login, bot));
}

/** True when the bot has a comment on the issue for which `match` holds. */
export async function hasBotComment(
  gh: Pick<GitHubClient, 'botUser' | 'listComments'>,
  org: string,
  repo: string,
  number: number,
  match: (c: IssueComment) => boolean,
): Promise<boolean> {
  return (await listBotComments(gh, org, repo, number)).some(match);
}

/**
 * Reply once: posts `body` unless the bot already posted exactly that text on the issue. Returns true
 * when it wrote. On a redelivery (PluginContext.redelivery) it costs botUser (cached) + listComments
 * before the write; on a first delivery there can be no earlier reply, so it writes directly.
 * `redelivery` defaults to true (always check) for callers that cannot tell.
 */
export async function commentOnce(
  gh: Pick<GitHubClient, 'botUser' | 'listComments' | 'createComment'>,
  org: string,
  repo: string,
  number: number,
  body: string,
  redelivery = true,
): Promise<boolean> {
  if (redelivery && (await hasBotComment(gh, org, repo, number, (c) => c.body === body))) return false;
  await gh.createComment(org, repo, number, body);
  return true;
}

/** Reply once, when the issue's comments are in hand already: no second listComments. */
export async function commentOnceAmong(
  gh: Pick<GitHubClient, 'botUser' | 'createComment'>,
  org: string,
  repo: string,
  number: number,
  body: string,
  comments: readonly IssueComment[],
): Promise<boolean> {
  const bot = (await gh.botUser()).login;
  if (comments.some((c) => isBotLogin(c.user.login, bot) && c.body === body)) return false;
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
