// `prow mkpj`: a ProwJob for a configured job name, printed as YAML for `kubectl apply -f -`
// (upstream cmd/mkpj). We never ask GitHub for missing SHAs or authors: every value comes from flags.
import { stringify } from 'yaml';
import type { ProwJob, Pull, Refs } from './prowjob.js';
import { goOrder } from '../go/json.js';
import { PROWJOB_SPEC } from './prowjob-json.js';
import type { NewProwJobOptions, PeriodicLike, PostsubmitLike, PresubmitLike } from './pjutil.js';
import { newProwJob, periodicSpec, postsubmitSpec, presubmitSpec } from './pjutil.js';

/** The parts of the loaded config mkpj reads (the config helper's Config satisfies it). */
export interface MkpjConfig {
  presubmits: Record<string, PresubmitLike[]>;
  postsubmits: Record<string, PostsubmitLike[]>;
  periodics: PeriodicLike[];
  prowjob_namespace?: string;
  scheduler?: { enabled?: boolean };
}

export interface MkpjInput {
  job: string;
  baseRef?: string;
  baseSha?: string;
  pullNumber?: number;
  pullSha?: string;
  pullAuthor?: string;
  pullHeadRef?: string;
  /** GitHub's web URL (e.g. https://github.com): when given, repo/base/pull links are filled in as trigger does. */
  githubUrl?: string;
}

export class MkpjError extends Error {
  override readonly name = 'MkpjError';
}

type Found =
  | { kind: 'presubmit'; org: string; repo: string; job: PresubmitLike }
  | { kind: 'postsubmit'; org: string; repo: string; job: PostsubmitLike }
  | { kind: 'periodic'; job: PeriodicLike };

function splitRepo(full: string): { org: string; repo: string } | undefined {
  const i = full.indexOf('/');
  if (i <= 0 || i === full.length - 1) return undefined;
  return { org: full.slice(0, i), repo: full.slice(i + 1) };
}

function walkAll<T extends { name: string }>(jobs: T[], visit: (j: T) => boolean): boolean {
  for (const j of jobs) {
    if (visit(j)) return true;
    const children = (j as { run_after_success?: T[] }).run_after_success;
    if (children && walkAll(children, visit)) return true;
  }
  return false;
}

/** Upstream genJobSpec order: presubmits, then postsubmits, then periodics; the first name match wins. */
export function findJob(config: MkpjConfig, name: string): Found | undefined {
  let found: Found | undefined;
  for (const [full, jobs] of Object.entries(config.presubmits ?? {})) {
    const or = splitRepo(full);
    if (or && walkAll(jobs ?? [], (j) => (j.name === name ? ((found = { kind: 'presubmit', ...or, job: j }), true) : false))) return found;
  }
  for (const [full, jobs] of Object.entries(config.postsubmits ?? {})) {
    const or = splitRepo(full);
    if (or && walkAll(jobs ?? [], (j) => (j.name === name ? ((found = { kind: 'postsubmit', ...or, job: j }), true) : false))) return found;
  }
  walkAll(config.periodics ?? [], (j) => (j.name === name ? ((found = { kind: 'periodic', job: j }), true) : false));
  return found;
}

function requireFlags(kind: string, name: string, wanted: [string, unknown][]): void {
  const missing = wanted.filter(([, v]) => v === undefined || v === '').map(([flag]) => `${flag} is required for ${kind} job ${JSON.stringify(name)}`);
  if (missing.length > 0) throw new MkpjError(missing.join('\n'));
}

export function mkpj(config: MkpjConfig, input: MkpjInput, options: NewProwJobOptions = {}): ProwJob {
  const found = findJob(config, input.job);
  if (!found) throw new MkpjError(`job ${JSON.stringify(input.job)} not found in presubmits, postsubmits or periodics`);
  const opts: NewProwJobOptions = {
    ...(config.prowjob_namespace ? { namespace: config.prowjob_namespace } : {}),
    ...(config.scheduler?.enabled ? { state: 'scheduling' as const } : {}),
    ...options,
  };
  const { job } = found;
  const labels = { ...job.labels };
  const annotations = { ...job.annotations };
  if (found.kind === 'periodic') return newProwJob(periodicSpec(job), labels, annotations, opts);

  const links = input.githubUrl ? input.githubUrl.replace(/\/+$/, '') : undefined;
  const repoLink = links ? `${links}/${found.org}/${found.repo}` : undefined;
  const refs: Refs = { org: found.org, repo: found.repo };
  if (repoLink) refs.repo_link = repoLink;
  if (found.kind === 'presubmit') {
    requireFlags('presubmit', job.name, [
      ['--base-ref', input.baseRef], ['--base-sha', input.baseSha], ['--pull-number', input.pullNumber],
      ['--pull-sha', input.pullSha], ['--pull-author', input.pullAuthor],
    ]);
  } else {
    requireFlags('postsubmit', job.name, [['--base-ref', input.baseRef], ['--base-sha', input.baseSha]]);
  }
  refs.base_ref = input.baseRef!;
  refs.base_sha = input.baseSha!;
  if (repoLink) refs.base_link = `${repoLink}/commit/${input.baseSha}`;
  if (found.kind === 'postsubmit') return newProwJob(postsubmitSpec(found.job, refs), labels, annotations, opts);

  const n = input.pullNumber!;
  if (!Number.isInteger(n) || n <= 0) throw new MkpjError(`--pull-number must be a positive integer, got ${n}`);
  const pull: Pull = { number: n, author: input.pullAuthor!, sha: input.pullSha! };
  if (input.pullHeadRef) pull.head_ref = input.pullHeadRef;
  if (repoLink && links) {
    pull.link = `${repoLink}/pull/${n}`;
    pull.commit_link = `${repoLink}/pull/${n}/commits/${pull.sha}`;
    pull.author_link = `${links}/${pull.author}`;
  }
  refs.pulls = [pull];
  return newProwJob(presubmitSpec(found.job, refs), labels, annotations, opts);
}

/** YAML as upstream prints a ProwJob (sigs.k8s.io/yaml: Go omitempty, keys sorted, durations as Go strings). */
export function prowJobToYaml(pj: ProwJob): string {
  return stringify(goOrder(pj, PROWJOB_SPEC), { sortMapEntries: true, lineWidth: 0 });
}
