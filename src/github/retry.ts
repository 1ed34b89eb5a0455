// Retrying what may succeed next time: a 5xx, a request that got no answer, and GraphQL's "Something went
// wrong while executing your query" (a 200 with errors). The same policy as @octokit/plugin-retry (waits of
// retryAfterBaseValue × (n+1)² ms, 3 retries, never 400/401/403/404/410/422/451), done in our request hook
// without the plugin's per-request limiter, which cost several event-loop turns per call. 429 and rate-limit
// 403s are the scheduler's (request-hook.ts).

export interface RetryOptions {
  enabled?: boolean;
  retries?: number;
  /** Milliseconds; a retry waits this × (attempt)². Default 1000. */
  retryAfterBaseValue?: number;
}

const DO_NOT_RETRY = new Set([400, 401, 403, 404, 410, 422, 429, 451]);
const graphqlHiccupRe = /Something went wrong while executing your query/;

interface Answer {
  data?: unknown;
}

/** Calls `send` until it succeeds, fails for good, or the retries are spent. */
export async function withRetries<T extends Answer>(options: RetryOptions, send: () => Promise<T>): Promise<T> {
  if (options.enabled === false) return send();
  const retries = options.retries ?? 3;
  const base = options.retryAfterBaseValue ?? 1000;
  for (let attempt = 0; ; attempt++) {
    try {
      const answer = await send();
      const errors = (answer.data as { errors?: { message?: unknown }[] } | null | undefined)?.errors;
      if (!(Array.isArray(errors) && errors.length > 0 && graphqlHiccupRe.test(String(errors[0]?.message ?? ''))) || attempt >= retries) return answer;
    } catch (err) {
      const status = (err as { status?: unknown }).status;
      // No status: the request never got an answer (a reset connection); a number: GitHub's answer.
      const retriable = typeof status !== 'number' || status === 0 || (status >= 400 && !DO_NOT_RETRY.has(status)) || status >= 500;
      if (!retriable || attempt >= retries || (err as { name?: unknown }).name === 'AbortError') throw err;
    }
    await new Promise((r) => setTimeout(r, base * (attempt + 1) ** 2));
  }
}
