// The fields every log line about a ProwJob carries: upstream's ProwJobFields (pkg/pjutil/pjutil.go: job,
// type, org, repo, pr) with `prowjob` for metadata.name (upstream's `name`), plus state and build_id.
import type { ProwJob } from '../api/prowjob.js';

interface ProwJobLogFields {
  prowjob: string;
  job: string;
  type: string;
  state: string;
  build_id?: string;
  org?: string;
  repo?: string;
  pr?: number;
}

/** The ProwJob's identifying fields for a log line or a child logger; absent parts are left out. */
export function prowJobFields(pj: ProwJob): ProwJobLogFields {
  const fields: ProwJobLogFields = { prowjob: pj.metadata.name, job: pj.spec.job, type: pj.spec.type, state: pj.status.state };
  if (pj.status.build_id) fields.build_id = pj.status.build_id;
  const refs = pj.spec.refs;
  if (refs) {
    fields.org = refs.org;
    fields.repo = refs.repo;
    // A batch has several pulls: no single pr.
    if (refs.pulls?.length === 1) fields.pr = refs.pulls[0]!.number;
  }
  return fields;
}
