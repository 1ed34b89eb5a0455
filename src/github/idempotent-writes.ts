// Writes that GitHub does not make idempotent (a comment, a commit status, a label) are sent with the
// request hook's retries (retry.ts) turned off for that one request. A 5xx or a lost connection does not say whether
// the write landed, so before sending again we look: the comment is there, the context's latest status
// already says this, the labels are on. Only when it did not land is it sent again, so a flaky GitHub
// never produces a duplicate comment. Retries follow the client's retry settings (count, base delay).
import type { GitHubCall, Params } from './call.js';
import { GitHubError } from './errors.js';

/** The request hook reads this per request (as @octokit/plugin-retry did): 0 turns its retries off for a write retried here. */
export const NO_OCTOKIT_RETRY: Params = { request: { retries: 0 } };

/** A failure that may have happened after GitHub acted: a 5xx, or no answer at all (status 0). */
function mayHaveLanded(err: unknown): boolean {
  if (!(err instanceof GitHubError)) return false;
  return err.status === 0 || err.status >= 500;
}

export interface WriteOnce<T> {
  /** What is written, for the log: `comment on o/r#1`. */
  what: string;
  /** One attempt, with NO_OCTOKIT_RETRY among its params. */
  send: () => Promise<T>;
  /** After an ambiguous failure: the write's effect if it is already there, else undefined. */
  landed: () => Promise<T | undefined>;
}

export async function writeOnce<T>(call: GitHubCall, w: WriteOnce<T>): Promise<T> {
  const { retry, log } = call.connection;
  const retries = retry.enabled === false ? 0 : retry.retries ?? 3;
  const baseMs = retry.retryAfterBaseValue ?? 1000;
  for (let attempt = 0; ; attempt++) {
    try {
      return await w.send();
    } catch (err) {
      if (!mayHaveLanded(err)) throw err;
      let found: T | undefined;
      try {
        found = await w.landed();
      } catch (checkErr) {
        // Cannot tell whether it landed: sending again could duplicate it, so the caller hears the first failure.
        log.warn({ err: checkErr, write: w.what, plugin: call.plugin }, 'could not check whether a failed github write landed');
        throw err;
      }
      if (found !== undefined) {
        log.info({ write: w.what, status: (err as GitHubError).status, plugin: call.plugin }, 'github write answered with an error had landed: not sent again');
        return found;
      }
      if (attempt >= retries) throw err;
      log.debug({ write: w.what, status: (err as GitHubError).status, attempt: attempt + 1 }, 'github write did not land: sending again');
      // retry.ts's schedule: (n + 1)² × the base delay.
      await new Promise((r) => setTimeout(r, (attempt + 1) ** 2 * baseMs));
    }
  }
}

/**
 * A comment we just tried to post is there when a comment with exactly its body is the newest,
 * or was created since the attempt began (allowing for clock skew between us and GitHub).
 */
export function findLandedComment<C extends { body: string; createdAt: string }>(comments: C[], body: string, since: Date, skewMs = 120_000): C | undefined {
  const last = comments.at(-1);
  if (last && last.body === body) return last;
  const after = since.getTime() - skewMs;
  return comments.findLast((c) => c.body === body && Date.parse(c.createdAt) >= after);
}
