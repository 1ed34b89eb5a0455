// A small checker for the facts of upstream's ProwJob CRD (upstream config/prow/cluster/prowjob-crd/) that a ProwJob we
// print must satisfy for `kubectl apply`: envelope, required fields, enums and the completionTime rule.
// Written from the spec digest; upstream's CRD file is not vendored.

const TYPES = ['presubmit', 'postsubmit', 'periodic', 'batch'];
const STATES = ['scheduling', 'triggered', 'pending', 'success', 'failure', 'aborted', 'error'];
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function validateProwJobCrd(obj: unknown): string[] {
  const errs: string[] = [];
  if (!isObj(obj)) return ['not an object'];
  if (obj['apiVersion'] !== 'prow.k8s.io/v1') errs.push(`apiVersion: want prow.k8s.io/v1, got ${String(obj['apiVersion'])}`);
  if (obj['kind'] !== 'ProwJob') errs.push(`kind: want ProwJob, got ${String(obj['kind'])}`);
  const meta = obj['metadata'];
  if (!isObj(meta)) errs.push('metadata: missing');
  else {
    const name = meta['name'];
    if (typeof name !== 'string' || name.length > 253 || !DNS_SUBDOMAIN.test(name)) errs.push(`metadata.name: not a DNS subdomain: ${String(name)}`);
    for (const key of ['labels', 'annotations']) {
      const m = meta[key];
      if (m === undefined) continue;
      if (!isObj(m)) { errs.push(`metadata.${key}: not a map`); continue; }
      for (const [k, v] of Object.entries(m)) if (typeof v !== 'string') errs.push(`metadata.${key}[${k}]: not a string`);
    }
    if (isObj(meta['labels'])) {
      for (const [k, v] of Object.entries(meta['labels'])) {
        if (typeof v === 'string' && (v.length > 63 || !/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v))) errs.push(`metadata.labels[${k}]: invalid label value ${JSON.stringify(v)}`);
      }
    }
  }
  const spec = obj['spec'];
  if (!isObj(spec)) errs.push('spec: missing');
  else {
    if (typeof spec['job'] !== 'string' || spec['job'] === '') errs.push('spec.job: required');
    if (!TYPES.includes(spec['type'] as string)) errs.push(`spec.type: must be one of ${TYPES.join(', ')}`);
    for (const b of ['report', 'hidden', 'error_on_eviction']) if (spec[b] !== undefined && typeof spec[b] !== 'boolean') errs.push(`spec.${b}: not a boolean`);
    if (spec['max_concurrency'] !== undefined && (!Number.isInteger(spec['max_concurrency']) || (spec['max_concurrency'] as number) < 0)) errs.push('spec.max_concurrency: must be an integer >= 0');
    const refsList = [spec['refs'], ...(Array.isArray(spec['extra_refs']) ? spec['extra_refs'] : [])].filter((r) => r !== undefined);
    refsList.forEach((r, i) => {
      if (!isObj(r)) { errs.push(`refs[${i}]: not an object`); return; }
      if (typeof r['org'] !== 'string') errs.push(`refs[${i}].org: required`);
      if (typeof r['repo'] !== 'string') errs.push(`refs[${i}].repo: required`);
      const pulls = r['pulls'];
      if (pulls !== undefined) {
        if (!Array.isArray(pulls)) errs.push(`refs[${i}].pulls: not a list`);
        else pulls.forEach((p, j) => {
          if (!isObj(p) || !Number.isInteger(p['number']) || typeof p['author'] !== 'string' || typeof p['sha'] !== 'string') errs.push(`refs[${i}].pulls[${j}]: number, author and sha are required`);
        });
      }
    });
  }
  const status = obj['status'];
  if (!isObj(status)) errs.push('status: missing');
  else {
    if (!STATES.includes(status['state'] as string)) errs.push(`status.state: must be one of ${STATES.join(', ')}`);
    if (['success', 'failure', 'error'].includes(status['state'] as string) && !status['completionTime']) errs.push('status: completionTime is required for a final state');
    for (const t of ['startTime', 'pendingTime', 'completionTime']) {
      if (status[t] !== undefined && !(typeof status[t] === 'string' && RFC3339.test(status[t] as string))) errs.push(`status.${t}: not RFC 3339`);
    }
  }
  return errs;
}
