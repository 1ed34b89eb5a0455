// A tide under test: the fake GitHub (real HTTP, real git), the real Octokit client, a SQLite store with
// its informer, a git batch merger over the fake's bare repositories, and a CI stand-in that finishes
// the ProwJobs tide created (and posts their statuses as crier does) by a rule the test gives.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProwJob } from '../../src/api/prowjob.js';
import { contextDescriptionWithBaseSha } from '../../src/api/status-description.js';
import type { Config } from '../../src/config/types.js';
import { createMergedTreeReader } from '../../src/git/merged-tree.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/github/fake/server.js';
import type { FakeSeed } from '../../src/github/fake/state.js';
import type { GitHubClient } from '../../src/github/types.js';
import { createLogger } from '../../src/observability/logger.js';
import { createProwJobInformer, type ProwJobInformer } from '../../src/store/informer.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/store.js';
import { createGitBatchMerger } from '../../src/tide/batch-merge.js';
import { TideHistory } from '../../src/tide/history.js';
import { createTideMetrics, type TideMetrics } from '../../src/tide/metrics.js';
import { createTide, type TideController } from '../../src/tide/tide.js';
import { Registry } from 'prom-client';
import { configFrom } from '../support/config.js';
import { testGitHubClient } from '../support/world.js';
import { waitFor } from '../support/wait.js';

export const REPO = 'org/repo';

export const JOBS = `presubmits:
  org/repo:
  - name: unit
    always_run: true
    spec:
      containers:
      - image: alpine
`;

export function tideConfig(extra = ''): string {
  return `tide:
  sync_period: 1m
  status_update_period: 1ms
  queries:
  - repos: [org/repo]
    labels: [lgtm, approved]
    missingLabels: [do-not-merge/hold]
${extra}`;
}

export interface TideHarness {
  gh: FakeGitHub;
  client: GitHubClient;
  store: SqliteStore;
  informer: ProwJobInformer;
  tide: TideController;
  history: TideHistory;
  metrics: TideMetrics;
  registry: Registry;
  /** Finishes every running ProwJob (or those `only` picks): success when `passes(pj)`; posts presubmit statuses. */
  runCI(passes: (pj: ProwJob) => boolean, only?: (pj: ProwJob) => boolean): Promise<ProwJob[]>;
  /** Posts a status on a PR's head as crier would for a job at the current base. */
  passUnit(number: number): Promise<void>;
  jobs(): Promise<ProwJob[]>;
  close(): Promise<void>;
}

export function pullNumbers(pj: ProwJob): number[] {
  return (pj.spec.refs?.pulls ?? []).map((p) => p.number);
}

export interface TideHarnessOptions {
  /** Give tide a reader of `.prow.yaml` (bare mirrors of the fake's repositories), as `prow tide` has. */
  inRepoConfig?: boolean;
}

export async function startTideHarness(seed: FakeSeed, configYaml: string, jobsYaml = JOBS, options: TideHarnessOptions = {}): Promise<TideHarness> {
  const gh = await startFakeGitHub();
  await gh.reset(seed);
  await gh.ready();
  const dir = mkdtempSync(join(tmpdir(), 'prow-tide-'));
  const store = openSqliteStore(join(dir, 'prow.db'));
  const client = testGitHubClient(gh);
  const log = createLogger({ level: 'silent' });
  const informer = createProwJobInformer(store, { log });
  await informer.start();
  const config: Config = configFrom(configYaml, jobsYaml);
  const history = new TideHistory(1000, join(dir, 'history.json'), log);
  const registry = new Registry();
  const metrics = createTideMetrics(registry);
  // The merger fetches from the fake's bare repository, as it would from GitHub.
  const repoDir = await gh.repoDir(REPO);
  const tide = createTide({
    store, informer, github: client, config: () => config, log, history, metrics,
    batchMerger: createGitBatchMerger({ cacheDir: join(dir, 'git'), remoteFor: () => repoDir }),
    betweenMergesMs: 0, mergeRetryBaseMs: 0,
    ...(options.inRepoConfig ? { trees: createMergedTreeReader({ cacheDir: join(dir, 'inrepoconfig'), remoteFor: () => repoDir }) } : {}),
  });
  const jobs = async (): Promise<ProwJob[]> => (await store.listProwJobs()).items;
  return {
    gh, client, store, informer, tide, history, metrics, registry, jobs,
    async runCI(passes, only = () => true) {
      const done: ProwJob[] = [];
      for (const pj of await jobs()) {
        if (pj.status.state !== 'triggered' && pj.status.state !== 'pending') continue;
        if (!only(pj)) continue;
        const ok = passes(pj);
        const next = { ...pj, status: { ...pj.status, state: ok ? 'success' : 'failure', completionTime: new Date().toISOString() } } as ProwJob;
        done.push(await store.updateProwJob(next));
        if (pj.spec.type === 'presubmit') {
          const pull = pj.spec.refs!.pulls![0]!;
          await client.createStatus('org', 'repo', pull.sha, {
            context: pj.spec.context ?? '', state: ok ? 'success' : 'failure',
            description: contextDescriptionWithBaseSha(ok ? 'Job succeeded.' : 'Job failed.', pj.spec.refs!.base_sha ?? ''),
          });
        }
      }
      // The informer sees the writes before the next sync reads it.
      await waitFor(() => done.every((d) => informer.get(d.metadata.name)?.status.state === d.status.state), { message: 'informer to catch up' });
      return done;
    },
    async passUnit(number) {
      const sha = await gh.headSha(REPO, number);
      const base = (await gh.branchSha(REPO, 'main')) ?? '';
      await client.createStatus('org', 'repo', sha, { context: 'unit', state: 'success', description: contextDescriptionWithBaseSha('Job succeeded.', base) });
    },
    async close() {
      informer.close();
      await store.close();
      await gh.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A repo with PRs, each changing its own file, all labelled lgtm + approved unless said otherwise. */
export function seedWith(pulls: { number: number; labels?: string[]; files?: Record<string, string> }[], extra: Partial<FakeSeed> = {}): FakeSeed {
  return {
    repos: [{ repo: REPO, labels: ['lgtm', 'approved', 'do-not-merge/hold'], files: { 'README.md': '# repo\n', 'shared.txt': 'base\n' } }],
    pulls: pulls.map((p) => ({
      repo: REPO, number: p.number, author: 'bob', title: `Change ${p.number}`,
      labels: p.labels ?? ['lgtm', 'approved'], files: p.files ?? { [`file-${p.number}.txt`]: `change ${p.number}\n` },
    })),
    ...extra,
  };
}
