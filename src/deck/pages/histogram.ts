// The job list's chart of recent runs, after upstream's (cmd/deck/static/prow/histogram.ts and
// drawJobHistogram in prow.ts): finished runs (success, failure, error) placed by start time across and
// by duration up, coloured by state, each a link to its job; a summary line with counts and durations.
// Drawn on the server as SVG, so it needs no script and no chart library.
import type { ProwJob } from '../../api/prowjob.js';
import { html, type SafeHtml } from '../html.js';
import { formatDuration } from '../jobs.js';
import { jobLink } from './common.js';

const CHART_STATES = ['success', 'failure', 'error'] as const;
type ChartState = (typeof CHART_STATES)[number];
const WIDTH = 1000;
const HEIGHT = 120;
const PAD = 6;
/** Upstream draws the last 12 hours. */
const WINDOW_MS = 12 * 3600 * 1000;

interface Sample {
  pj: ProwJob;
  start: number;
  duration: number;
  state: ChartState;
}

function samplesOf(jobs: ProwJob[]): Sample[] {
  const out: Sample[] = [];
  for (const pj of jobs) {
    const state = pj.status.state as ChartState;
    if (!CHART_STATES.includes(state)) continue;
    const start = Date.parse(pj.status.startTime);
    const end = Date.parse(pj.status.completionTime ?? '');
    if (Number.isNaN(start) || Number.isNaN(end)) continue;
    out.push({ pj, start, duration: Math.max(0, end - start), state });
  }
  return out;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

/** Empty when no finished run is on the page. */
export function jobHistogram(jobs: ProwJob[], now = Date.now()): SafeHtml {
  const all = samplesOf(jobs);
  if (all.length === 0) return html``;
  // The last 12 hours when they hold runs; otherwise (an older page) the span of the page's runs.
  const recent = all.filter((s) => s.start >= now - WINDOW_MS);
  const samples = recent.length > 0 ? recent : all;
  const from = recent.length > 0 ? now - WINDOW_MS : Math.min(...samples.map((s) => s.start));
  const to = recent.length > 0 ? now : Math.max(...samples.map((s) => s.start));
  const span = Math.max(1, to - from);
  const durations = samples.map((s) => s.duration).sort((a, b) => a - b);
  const max = Math.max(1000, durations.at(-1) ?? 0);
  const count = (state: ChartState): number => samples.filter((s) => s.state === state).length;
  const x = (s: Sample): number => PAD + ((s.start - from) / span) * (WIDTH - 2 * PAD);
  const y = (s: Sample): number => HEIGHT - PAD - (s.duration / max) * (HEIGHT - 2 * PAD);
  const success = count('success');
  return html`<section class="histogram" id="histogram" aria-label="recent runs by start time and duration">
<p class="histogram-summary" id="histogram-summary">${samples.length} finished run${samples.length === 1 ? '' : 's'}${recent.length > 0 ? ' in the last 12 h' : ''}:
<span class="h-success">${success} success (${Math.round((100 * success) / samples.length)}%)</span>,
<span class="h-failure">${count('failure')} failure</span>, <span class="h-error">${count('error')} error</span>
· duration median ${formatDuration(quantile(durations, 0.5))}, 90th percentile ${formatDuration(quantile(durations, 0.9))}, longest ${formatDuration(durations.at(-1))}</p>
<div class="histogram-chart"><span class="axis-y muted">${formatDuration(max)}</span>
<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" preserveAspectRatio="none" role="img" aria-label="${samples.length} runs">
<line class="axis" x1="0" y1="${HEIGHT - PAD}" x2="${WIDTH}" y2="${HEIGHT - PAD}"/>
${samples.map((s) => html`<a href="${jobLink(s.pj)}"><rect class="run run-${s.state}" data-state="${s.state}" x="${(x(s) - 3).toFixed(1)}" y="${Math.min(y(s), HEIGHT - PAD - 2).toFixed(1)}" width="6" height="${Math.max(2, HEIGHT - PAD - y(s)).toFixed(1)}"><title>${s.pj.spec.job} · ${s.state} · ${formatDuration(s.duration)} · started ${new Date(s.start).toISOString()}</title></rect></a>`)}
</svg>
<span class="axis-x muted"><span>${new Date(from).toISOString().slice(0, 16).replace('T', ' ')} UTC</span><span>${new Date(to).toISOString().slice(0, 16).replace('T', ' ')} UTC</span></span></div>
</section>`;
}
