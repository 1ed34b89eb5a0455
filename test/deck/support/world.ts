// A deck over a real SQLite store and a real artifact directory, with a cookie-keeping client for app.request().
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newProwJob } from '../../../src/api/pjutil.js';
import type { ProwJob, ProwJobState, ProwJobType } from '../../../src/api/prowjob.js';
import { createLocalArtifactStore } from '../../../src/artifacts/local.js';
import type { ArtifactStore } from '../../../src/artifacts/types.js';
import type { DeckConfigView, DeckDeps } from '../../../src/deck/deck-deps.js';
import { createDeckApp } from '../../../src/deck/server.js';
import { createSilentLogger } from '../../../src/observability/logger.js';
import { queryProwJobsIn } from '../../../src/store/informer-query.js';
import { openSqliteStore, type SqliteStore } from '../../../src/store/sqlite/store.js';

export interface World {
  dir: string;
  store: SqliteStore;
  artifacts: ArtifactStore;
  config: DeckConfigView;
  app: ReturnType<typeof createDeckApp>;
  close(): Promise<void>;
}

/** With `scan`, deck's queries are answered by the informer query (store/informer-query.ts), as with a store without indexes. */
export function makeWorld(extra: Partial<DeckDeps> = {}, { scan = false } = {}): World {
  const dir = mkdtempSync(join(tmpdir(), 'deck-test-'));
  const store = openSqliteStore(join(dir, 'prow.db'));
  const artifacts = createLocalArtifactStore({ root: join(dir, 'artifacts') });
  const world: World = {
    dir, store, artifacts, config: {},
    app: undefined as unknown as ReturnType<typeof createDeckApp>,
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const seen: DeckDeps['store'] = scan
    ? {
        getProwJob: (n) => store.getProwJob(n), listProwJobs: (o) => store.listProwJobs(o), createProwJob: (pj) => store.createProwJob(pj),
        updateProwJob: (pj) => store.updateProwJob(pj), deleteProwJob: (n) => store.deleteProwJob(n), watchProwJobs: (o, cb) => store.watchProwJobs(o, cb),
        // What a store without indexes answers from its informer's cache; fed a fresh list so no test waits on a watch.
        queryProwJobs: async (q) => queryProwJobsIn((await store.listProwJobs()).items, q),
      }
    : store;
  world.app = createDeckApp({ store: seen, artifacts, config: () => world.config, log: createSilentLogger(), logPollMs: 20, ...extra });
  return world;
}

export interface JobOptions {
  job?: string;
  type?: ProwJobType;
  state?: ProwJobState;
  org?: string;
  repo?: string;
  pull?: number;
  author?: string;
  sha?: string;
  start?: string;
  buildId?: string;
  complete?: boolean;
}

export function job(o: JobOptions = {}): ProwJob {
  const type = o.type ?? 'presubmit';
  const refs = {
    org: o.org ?? 'demo', repo: o.repo ?? 'hello', base_ref: 'main', base_sha: 'b'.repeat(40),
    ...(type === 'presubmit' || type === 'batch' ? { pulls: [{ number: o.pull ?? 1, author: o.author ?? 'alice', sha: o.sha ?? 'a'.repeat(40) }] } : {}),
  };
  const pj = newProwJob({ type, job: o.job ?? 'pull-hello-test', refs, agent: 'kubernetes' });
  pj.status.state = o.state ?? 'success';
  if (o.start) pj.status.startTime = o.start;
  if (o.buildId) pj.status.build_id = o.buildId;
  if (o.complete ?? ['success', 'failure', 'error'].includes(pj.status.state)) pj.status.completionTime = pj.status.startTime;
  return pj;
}

/** Keeps the session cookie between requests, like a browser. */
export class Client {
  cookie = '';
  constructor(private readonly world: World) {}
  async req(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookie) headers.set('cookie', this.cookie);
    const res = await this.world.app.request(path, { ...init, headers });
    const set = res.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0]!;
    return res;
  }
  async csrf(): Promise<string> {
    const body = await (await this.req('/login')).text();
    return /name="csrf-token" content="([^"]+)"/.exec(body)![1]!;
  }
  async signIn(user: string): Promise<void> {
    const token = await this.csrf();
    const res = await this.req('/login/demo', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ csrf: token, user }).toString() });
    if (res.status !== 303) throw new Error(`sign-in as ${user}: ${res.status} ${await res.text()}`);
  }
  post(path: string, token: string | undefined): Promise<Response> {
    return this.req(path, { method: 'POST', headers: { accept: 'application/json', ...(token ? { 'x-csrf-token': token } : {}) } });
  }
}
