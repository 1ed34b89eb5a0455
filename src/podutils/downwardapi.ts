// What a pod utility learns from its environment (upstream pkg/pod-utils/downwardapi/jobspec.go): the
// JobSpec in JOB_SPEC, and the "main" refs and revision derived from it. The JobSpec type, its env
// contract and its byte-exact marshalling live in src/api/jobspec.ts, where plank and mkpj use them too.
import type { JobSpec } from '../api/jobspec.js';
import type { Refs } from '../api/prowjob.js';

const JOB_SPEC_ENV = 'JOB_SPEC';

/** ResolveSpecFromEnv: the JobSpec a pod utility runs for; throws when JOB_SPEC is missing or malformed. */
export function resolveSpecFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): JobSpec {
  const raw = env[JOB_SPEC_ENV];
  if (!raw) throw new Error(`$${JOB_SPEC_ENV} unset`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new Error(`malformed $${JOB_SPEC_ENV}: ${(err as Error).message}`, { cause: err });
  }
  const spec = parsed as Partial<JobSpec> | null;
  if (!spec || typeof spec !== 'object' || typeof spec.type !== 'string' || typeof spec.job !== 'string') {
    throw new Error(`malformed $${JOB_SPEC_ENV}: want an object with type and job`);
  }
  return { ...spec, buildid: spec.buildid ?? '', prowjobid: spec.prowjobid ?? '' } as JobSpec;
}

/**
 * The refs a build is "about" (started.json's repo-commit): refs, else the first extra refs that is not
 * `auxiliary` (reference/prow-spec.md §1.3: auxiliary refs are ignored when choosing the main repo version).
 */
export function mainRefs(refs: Refs | undefined, extraRefs: readonly Refs[] | undefined): Refs | undefined {
  return refs ?? extraRefs?.find((r) => !r.auxiliary);
}

/** GetRevisionFromRefs: refs (else extra_refs[0])' first pull SHA, else base_sha, else base_ref; '' without refs. */
export function revisionFromRefs(refs: Refs | undefined, extraRefs: readonly Refs[] | undefined): string {
  const main = refs ?? extraRefs?.[0];
  return main ? revisionOf(main) : '';
}

/** One refs' revision: its first pull SHA, else base_sha, else base_ref. */
export function revisionOf(refs: Refs): string {
  if (refs.pulls?.length) return refs.pulls[0]!.sha;
  return refs.base_sha || refs.base_ref || '';
}
