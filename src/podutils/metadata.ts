// started.json and finished.json: testgrid's metadata.Started and metadata.Finished as upstream's pod
// utilities fill them (pkg/pod-utils/downwardapi/jobspec.go refsToStarted, pkg/initupload/run.go,
// pkg/sidecar/run.go; docs/jobs.md). The marshal functions write Go's bytes: keys in
// struct order, omitempty as the struct tags say.
import type { Refs } from '../api/prowjob.js';
import { refsString } from '../api/prowjob.js';
import type { CloneRecord } from './clone-record.js';
import { sameRefs } from './clone-record.js';
import { mainRefs, revisionOf } from './downwardapi.js';
import { goJsonMarshal, sortedKeys } from '../go/json.js';

/** Free-form values a job reports (finished.json `metadata`, from artifacts/metadata.json). */
export type Metadata = Record<string, unknown>;

/** started.json. `repo-version` is the deprecated twin of `repo-commit`; upstream still writes both. */
export interface Started {
  /** Unix seconds. */
  timestamp: number;
  node?: string;
  /** The PR number of refs.pulls[0]. */
  pull?: string;
  /** org/repo → Refs.String(). */
  repos?: Record<string, string>;
  'repo-commit'?: string;
  metadata?: Metadata;
  'job-version'?: string;
  'repo-version'?: string;
}

/** finished.json. `revision` and `result` are deprecated upstream and still written by the sidecar. */
export interface Finished {
  /** Unix seconds. */
  timestamp?: number;
  passed: boolean;
  metadata?: Metadata;
  result?: FinishedResult;
  'job-version'?: string;
  revision?: string;
  'repo-version'?: string;
}

type FinishedResult = 'SUCCESS' | 'FAILURE' | 'ABORTED';

/** The started.json of a build from its refs and (when refs were cloned) the clone records. */
export function newStarted(refs: Refs | undefined, extraRefs: readonly Refs[] | undefined, records: readonly CloneRecord[] | undefined, at: Date): Started {
  const started: Started = { timestamp: Math.floor(at.getTime() / 1000) };
  const main = mainRefs(refs, extraRefs);
  let version = main ? shaForRefs(main, records ?? []) : '';
  if (!version && main) version = revisionOf(main);
  started['repo-version'] = version;
  started['repo-commit'] = version;
  const pull = refs?.pulls?.[0];
  if (pull) started.pull = String(pull.number);
  const repos: Record<string, string> = {};
  if (refs) repos[`${refs.org}/${refs.repo}`] = refsString(refs);
  for (const r of extraRefs ?? []) repos[`${r.org}/${r.repo}`] = refsString(r);
  started.repos = repos;
  return started;
}

/** The sidecar's finished.json: the result from passed/aborted, the revision from the main refs. */
export function newFinished(o: { passed: boolean; aborted: boolean; metadata?: Metadata; revision?: string; at: Date }): Finished {
  const finished: Finished = {
    timestamp: Math.floor(o.at.getTime() / 1000),
    passed: o.passed,
    result: o.passed ? 'SUCCESS' : o.aborted ? 'ABORTED' : 'FAILURE',
  };
  if (o.metadata) finished.metadata = o.metadata;
  if (o.revision) finished.revision = o.revision;
  return finished;
}

/** initupload's finished.json when cloning failed: the test never ran (no revision, no metadata). */
export function cloneFailedFinished(at: Date): Finished {
  return { timestamp: Math.floor(at.getTime() / 1000), passed: false, result: 'FAILURE' };
}

export function marshalStarted(s: Started): string {
  return goJsonMarshal({
    timestamp: s.timestamp,
    node: s.node || undefined,
    pull: s.pull || undefined,
    repos: isEmpty(s.repos) ? undefined : sortedKeys(s.repos),
    'repo-commit': s['repo-commit'] || undefined,
    metadata: isEmpty(s.metadata) ? undefined : sortedKeys(s.metadata),
    'job-version': s['job-version'] || undefined,
    'repo-version': s['repo-version'] || undefined,
  });
}

export function marshalFinished(f: Finished): string {
  return goJsonMarshal({
    timestamp: f.timestamp,
    passed: f.passed,
    metadata: isEmpty(f.metadata) ? undefined : sortedKeys(f.metadata),
    result: f.result || undefined,
    'job-version': f['job-version'] || undefined,
    revision: f.revision || undefined,
    'repo-version': f['repo-version'] || undefined,
  });
}

/** The SHA clonerefs ended at for these refs (after merging the pulls), or ''. */
function shaForRefs(refs: Refs, records: readonly CloneRecord[]): string {
  return records.find((r) => sameRefs(r.refs, refs))?.final_sha ?? '';
}

function isEmpty(v: Record<string, unknown> | undefined): boolean {
  return v === undefined || Object.keys(v).length === 0;
}
