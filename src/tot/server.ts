// tot vends increasing build numbers per job (lifecycle-spec §6). The counters live in the Store, so
// they survive restarts and are shared by every process on the same data directory.
import { readFile } from 'node:fs/promises';
import { Hono } from 'hono';
import { Counter, Registry } from 'prom-client';
import { listen, onHttpError } from '../observability/http.js';
import type { Logger } from '../observability/logger.js';
import type { BuildNumberStore } from '../store/types.js';

/** Header on HEAD /vend/<job> answers: a HEAD response has no body, so the current number travels here. */
export const TOT_NUMBER_HEADER = 'X-Tot-Number';

export interface TotDeps {
  store: BuildNumberStore;
  log: Logger;
  /** For a job with no counter yet (0): the number to continue from, e.g. Jenkins' latest build. */
  fallback?: (job: string) => Promise<number>;
}

export interface TotServerOptions extends TotDeps {
  port: number;
  hostname?: string;
}

export interface TotServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

const DECIMAL_RE = /^\s*(\d{1,15})\s*$/;

function jobFromPath(path: string): string {
  let job: string;
  try {
    job = decodeURIComponent(path.slice('/vend/'.length));
  } catch {
    job = '';
  }
  return job;
}

export function createTotApp(deps: TotDeps): Hono {
  const { store, log, fallback } = deps;
  const registry = new Registry();
  const vended = new Counter({
    name: 'tot_vended_total',
    help: 'Build numbers vended by tot.',
    registers: [registry],
  });
  // One vend at a time, as upstream's single mutex: a fallback lookup and the increment must not interleave.
  let queue: Promise<unknown> = Promise.resolve();
  const serialized = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };

  const vend = (job: string) =>
    serialized(async () => {
      if (fallback && (await store.currentBuildNumber(job)) === 0) {
        const seed = await fallback(job);
        if (seed > 0) {
          await store.setBuildNumber(job, seed);
          log.info({ job, seed }, 'seeded build number from fallback');
        }
      }
      return store.nextBuildNumber(job);
    });

  const app = new Hono();
  app.get('/healthz', (c) => c.text('OK'));
  app.get('/metrics', async (c) => c.text(await registry.metrics(), 200, { 'Content-Type': registry.contentType }));

  // Hono answers HEAD through the GET route; the method tells peeking from vending.
  app.get('/vend/*', async (c) => {
    const job = jobFromPath(c.req.path);
    if (!job) return c.text('missing job name: use /vend/<job>\n', 400);
    if (c.req.method === 'HEAD') {
      const n = await store.currentBuildNumber(job);
      log.debug({ job, build_id: n }, 'peeking build number');
      return c.body(null, 200, { [TOT_NUMBER_HEADER]: String(n), 'Content-Type': 'text/plain; charset=utf-8' });
    }
    const n = await vend(job);
    vended.inc();
    log.info({ job, build_id: n }, 'vending build number');
    return c.text(String(n));
  });

  app.post('/vend/*', async (c) => {
    const job = jobFromPath(c.req.path);
    if (!job) return c.text('missing job name: use /vend/<job>\n', 400);
    const body = await c.req.text();
    const match = DECIMAL_RE.exec(body);
    if (!match) {
      log.warn({ job, body: body.slice(0, 64) }, 'refusing to set build number: body is not a non-negative integer');
      return c.text(`body must be a non-negative decimal integer, got ${JSON.stringify(body.slice(0, 64))}\n`, 400);
    }
    const n = Number(match[1]);
    await serialized(() => store.setBuildNumber(job, n));
    log.info({ job, build_id: n }, 'setting build number');
    return c.text(String(n));
  });

  app.onError(onHttpError({ log, message: 'tot request failed' }));
  return app;
}

export async function startTotServer(options: TotServerOptions): Promise<TotServer> {
  const app = createTotApp(options);
  const server = await listen(app, { port: options.port, host: options.hostname ?? '0.0.0.0', log: options.log, name: 'tot' });
  return { port: server.port, url: server.url, close: () => server.close() };
}

export interface UrlFallbackOptions {
  /** `%s` is replaced by the job name (upstream's --fallback-url-template). */
  template: string;
  log: Logger;
  attempts?: number;
  delayMs?: number;
  fetch?: typeof fetch;
}

/**
 * Reads the latest build number of a job from a URL (upstream: GCS `latest-build.txt`). A 404 or an
 * unparseable body counts as 0; other failures are retried `attempts` times, `delayMs` apart.
 */
export function createUrlFallback(options: UrlFallbackOptions): (job: string) => Promise<number> {
  const { template, log, attempts = 10, delayMs = 2000 } = options;
  const doFetch = options.fetch ?? fetch;
  if (!template.includes('%s')) throw new Error(`--fallback-url-template ${JSON.stringify(template)} must contain %s`);
  return async (job) => {
    const url = template.replace('%s', job);
    for (let i = 1; i <= attempts; i++) {
      try {
        const res = await doFetch(url);
        if (res.status === 404) return 0;
        if (res.ok) {
          const text = (await res.text()).trim();
          return /^\d+$/.test(text) ? Number(text) : 0;
        }
        log.warn({ job, url, status: res.status, attempt: i }, 'fallback lookup failed');
      } catch (err) {
        log.warn({ err, job, url, attempt: i }, 'fallback lookup failed');
      }
      if (i < attempts) await new Promise((r) => setTimeout(r, delayMs));
    }
    return 0;
  };
}

/**
 * Imports upstream's tot.json (`{"Number": {"<job>": n}}`): a counter is raised to the file's value,
 * never lowered. Returns how many counters changed.
 */
export async function importTotJson(store: BuildNumberStore, path: string): Promise<number> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path}: cannot read tot storage: ${(err as Error).message}`, { cause: err });
  }
  const numbers = (data as { Number?: unknown } | null)?.Number;
  if (numbers === null || numbers === undefined) return 0;
  if (typeof numbers !== 'object' || Array.isArray(numbers)) throw new Error(`${path}: "Number" must be an object of job → number`);
  let changed = 0;
  for (const [job, value] of Object.entries(numbers)) {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new Error(`${path}: Number[${JSON.stringify(job)}] must be a non-negative integer, got ${JSON.stringify(value)}`);
    }
    if ((await store.currentBuildNumber(job)) < value) {
      await store.setBuildNumber(job, value);
      changed++;
    }
  }
  return changed;
}
