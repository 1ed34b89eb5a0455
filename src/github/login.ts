// Login comparisons are case-insensitive and ignore a leading "@" (upstream github.NormLogin).

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

/**
 * True when `login` is the bot whose login is `botLogin`: case-insensitive, a leading "@" ignored, and a
 * GitHub App's `name[bot]` equal to `name` on either side (upstream BotUserChecker).
 */
export function isBotLogin(login: string, botLogin: string): boolean {
  const strip = (l: string): string => normLogin(l).replace(/\[bot\]$/, '');
  return login !== '' && strip(login) === strip(botLogin);
}
