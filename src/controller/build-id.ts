// Build ids (upstream pkg/pjutil/tot.go; docs/jobs.md): numeric and increasing per job, because deck pages job
// history by parsing them as integers. Three sources: tot over HTTP, the Store's own counters, snowflake.
import { createBuildIdGenerator } from '../api/build-id.js';
import type { BuildNumberStore } from '../store/types.js';

export interface BuildIdSource {
  next(job: string): Promise<string>;
}

export class BuildIdError extends Error {
  override readonly name = 'BuildIdError';
  constructor(readonly job: string, detail: string, options?: ErrorOptions) {
    super(`build id for ${job}: ${detail}`, options);
  }
}

export interface TotOptions {
  /** Base URL of tot, e.g. http://tot:8888 */
  url: string;
  /** Upstream: at most 10 attempts, backoff from 100 ms doubling. */
  attempts?: number;
  firstDelayMs?: number;
  fetch?: typeof fetch;
}

/** `GET <tot>/vend/<job>`; a non-200 answer or a bad body is retried. */
export function createTotBuildIdSource(options: TotOptions): BuildIdSource {
  const attempts = options.attempts ?? 10;
  const doFetch = options.fetch ?? fetch;
  const base = options.url.replace(/\/+$/, '');
  return {
    async next(job) {
      let delay = options.firstDelayMs ?? 100;
      let last = '';
      for (let i = 0; i < attempts; i++) {
        if (i > 0) {
          await new Promise((r) => setTimeout(r, delay));
          delay *= 2;
        }
        try {
          const res = await doFetch(`${base}/vend/${encodeURIComponent(job)}`);
          const body = (await res.text()).trim();
          if (res.status === 200 && /^\d+$/.test(body)) return body;
          last = `tot answered ${res.status} ${JSON.stringify(body.slice(0, 100))}`;
        } catch (err) {
          last = (err as Error).message;
        }
      }
      throw new BuildIdError(job, `${attempts} attempts failed: ${last}`);
    },
  };
}

/** Per-job counters persisted in the Store (the same counters `prow tot` vends from). */
export function createStoreBuildIdSource(store: BuildNumberStore): BuildIdSource {
  return { next: async (job) => String(await store.nextBuildNumber(job)) };
}

/** Upstream's default without tot: a 64-bit snowflake (ms since the Twitter epoch, node 1, 12-bit sequence). */
export function createSnowflakeBuildIdSource(now: () => number = Date.now): BuildIdSource {
  const next = createBuildIdGenerator({ now });
  return { next: async () => next() };
}
