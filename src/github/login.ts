// Login comparisons are case-insensitive and ignore a leading "@" (upstream github.NormLogin), and the
// one home of bot identity: whether a login is the account the client acts as.
import type { GitHubClient } from './types.js';

/** Lower-cases a login and strips one leading "@". */
export function normLogin(login: string): string {
  const lower = login.toLowerCase();
  return lower.startsWith('@') ? lower.slice(1) : lower;
}

/** True when two logins name the same account. */
export function sameLogin(a: string, b: string): boolean {
  return normLogin(a) === normLogin(b);
}

/** Normalised, de-duplicated logins in first-seen order, empty strings dropped. */
export function normLogins(logins: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const l of logins) {
    const n = normLogin(l.trim());
    if (n !== '') out.add(n);
  }
  return [...out];
}

/** A GitHub App's bot comments as `<slug>[bot]`; the slug alone names the same account. */
function withoutBotSuffix(login: string): string {
  return normLogin(login).replace(/\[bot\]$/, '');
}

/**
 * Whether `login` is the bot whose login is `botLogin` (the client's `botUser().login`): case-insensitive,
 * a leading "@" ignored, and `name` and `name[bot]` the same (upstream BotUserChecker in pkg/github/client.go).
 */
export function isBotLogin(login: string, botLogin: string): boolean {
  const who = withoutBotSuffix(login);
  return who !== '' && who === withoutBotSuffix(botLogin);
}

/** Whether `login` is the account `gh` acts as (its `botUser()`, asked once per client and cached). */
export async function isBot(gh: Pick<GitHubClient, 'botUser'>, login: string): Promise<boolean> {
  if (login.trim() === '') return false;
  return isBotLogin(login, (await gh.botUser()).login);
}

/**
 * Whether a login can name a user in a URL path. GitHub ignores a trailing slash, so an empty login turns
 * `/orgs/{org}/members/{login}` into the member list (200), and fetch resolves a `..` login away: either
 * would read as "is a member". Logins are letters, digits, `-` and `_` (and an App's `[bot]` suffix).
 */
export function isLoginLike(login: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9_.-]*(\[bot\])?$/.test(login);
}
