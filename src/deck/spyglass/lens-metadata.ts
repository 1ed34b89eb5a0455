// The metadata lens (upstream pkg/spyglass/lenses/metadata): the result, times and repositories from
// started.json and finished.json, the pod from prowjob.json, and every metadata key the job reported.
import type { ProwJob } from '../../api/prowjob.js';
import type { Finished, Started } from '../../podutils/metadata.js';
import { html, type SafeHtml } from '../html.js';
import { formatDuration } from '../jobs.js';
import { time } from '../pages/common.js';
import { readSmall, type Lens, type LensFile, type LensInput } from './lenses.js';

const JSON_LIMIT = 1024 * 1024;

async function readJson<T>(input: LensInput, file: LensFile | undefined): Promise<{ value?: T; error?: string }> {
  if (!file) return {};
  const read = await readSmall(input.store, file, JSON_LIMIT);
  if ('error' in read) return { error: read.error };
  try {
    return { value: JSON.parse(read.text) as T };
  } catch (err) {
    return { error: `${file.name}: not JSON (${(err as Error).message})` };
  }
}

/** finished.json's result: `result`, else from `passed`; Pending while there is no finished.json. */
export function resultOf(finished: Finished | undefined): string {
  if (!finished) return 'Pending';
  return finished.result ?? (finished.passed ? 'SUCCESS' : 'FAILURE');
}

const unixIso = (s: number | undefined): string | undefined => (typeof s === 'number' && s > 0 ? new Date(s * 1000).toISOString() : undefined);

function show(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export const metadataLens: Lens = {
  name: 'metadata',
  title: 'Metadata',
  priority: 0,
  async body(input): Promise<SafeHtml> {
    const named = (n: string): LensFile | undefined => input.files.find((f) => f.name === n);
    const [started, finished, pj] = await Promise.all([
      readJson<Started>(input, named('started.json')), readJson<Finished>(input, named('finished.json')), readJson<ProwJob>(input, named('prowjob.json')),
    ]);
    const s = started.value;
    const f = finished.value;
    const startedAt = unixIso(s?.timestamp);
    const finishedAt = unixIso(f?.timestamp);
    const result = resultOf(f);
    const state = result === 'SUCCESS' ? 'success' : result === 'FAILURE' ? 'failure' : result === 'ABORTED' ? 'aborted' : 'pending';
    const elapsed = s?.timestamp && f?.timestamp ? (f.timestamp - s.timestamp) * 1000 : undefined;
    const meta = { ...(s?.metadata ?? {}), ...(f?.metadata ?? {}) };
    const problems = [started.error, finished.error, pj.error].filter(Boolean);
    return html`<table class="meta" id="lens-metadata">
<tr><th>Result</th><td><span class="state state-${state}" id="spyglass-result">${result}</span></td></tr>
${startedAt ? html`<tr><th>Started</th><td>${time(startedAt)}</td></tr>` : ''}
${finishedAt ? html`<tr><th>Finished</th><td>${time(finishedAt)}</td></tr>` : ''}
${elapsed !== undefined ? html`<tr><th>Elapsed</th><td>${formatDuration(elapsed)}</td></tr>` : ''}
${Object.entries(s?.repos ?? {}).map(([repo, refs]) => html`<tr><th>${repo}</th><td><code>${refs}</code></td></tr>`)}
${f?.revision ?? s?.['repo-commit'] ? html`<tr><th>Revision</th><td><code>${f?.revision ?? s?.['repo-commit']}</code></td></tr>` : ''}
${pj.value?.status?.pod_name ? html`<tr><th>Pod</th><td>${pj.value.status.pod_name}</td></tr>` : ''}
${s?.node ? html`<tr><th>Node</th><td>${s.node}</td></tr>` : ''}
${Object.entries(meta).map(([k, v]) => html`<tr><th>${k}</th><td>${show(v)}</td></tr>`)}
</table>${problems.map((p) => html`<p class="problem">${p}</p>`)}`;
  },
};
