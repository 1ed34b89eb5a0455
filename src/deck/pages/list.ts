// The job list: newest first, filtered and paged on the server (docs/deck.md).
import type { ProwJob } from '../../api/prowjob.js';
import { PROWJOB_STATES, PROWJOB_TYPES } from '../../api/prowjob.js';
import { html, type SafeHtml } from '../html.js';
import { filterParams, type JobPage, type JobQuery } from '../jobs.js';
import { duration, jobLink, refsCell, stateBadge, time } from './common.js';
import { jobHistogram } from './histogram.js';

function row(pj: ProwJob, now: number): SafeHtml {
  return html`<tr data-name="${pj.metadata.name}">
<td class="c-state">${stateBadge(pj.status.state)}</td>
<td class="job"><a href="${jobLink(pj)}">${pj.spec.job}</a>${pj.status.url ? html` <a class="ext" href="${pj.status.url}" title="job URL">↗</a>` : ''}</td>
<td class="c-type">${pj.spec.type}</td>
<td class="c-refs">${refsCell(pj.spec.refs)}</td>
<td class="c-started">${time(pj.status.startTime)}</td>
<td class="c-duration${pj.status.completionTime ? '' : ' running'}">${duration(pj, now)}</td>
</tr>`;
}

function select(name: string, label: string, options: readonly string[], value: string | undefined): SafeHtml {
  return html`<label>${label} <select name="${name}"><option value="">all</option>${options.map(
    (o) => html`<option${o === value ? html` selected` : ''}>${o}</option>`,
  )}</select></label>`;
}

function input(name: string, label: string, value: string | number | undefined, placeholder: string): SafeHtml {
  return html`<label>${label} <input name="${name}" value="${value ?? ''}" placeholder="${placeholder}" size="14"></label>`;
}

export function listPage(q: JobQuery, result: JobPage, now = Date.now()): SafeHtml {
  const params = filterParams(q);
  if (q.limit !== 100) params.set('limit', String(q.limit));
  const nextParams = new URLSearchParams(params);
  if (result.next) nextParams.set('before', result.next);
  const filtered = [...filterParams(q).keys()].length > 0;
  return html`<h1>Jobs</h1>
<form class="filters" method="get" action="/" id="filters">
${input('repo', 'Repo', q.repo, 'org/repo')}
${select('type', 'Type', PROWJOB_TYPES, q.type)}
${select('state', 'State', PROWJOB_STATES, q.state)}
${input('job', 'Job', q.job, 'name or pull-*')}
${input('author', 'Author', q.author, 'login')}
${input('pull', 'PR', q.pull, 'number')}
<button type="submit">Filter</button>${filtered ? html` <a href="/">clear</a>` : ''}
</form>
<div id="job-list-live"${result.prowjobs.some((pj) => !pj.status.completionTime) ? html` data-running="1"` : ''}>
${jobHistogram(result.prowjobs, now)}
<p class="count">${result.prowjobs.length} job${result.prowjobs.length === 1 ? '' : 's'} on this page${q.before ? html` · <a href="/?${filterParams(q).toString()}">newest</a>` : ''}</p>
<table class="jobs" id="jobs">
<thead><tr><th>State</th><th>Job</th><th>Type</th><th>Repository / PR</th><th>Started</th><th>Duration</th></tr></thead>
<tbody>
${result.prowjobs.length ? result.prowjobs.map((pj) => row(pj, now)) : html`<tr><td colspan="6" class="empty">No jobs match.</td></tr>`}
</tbody></table>
</div>
${result.next ? html`<p class="pager"><a rel="next" href="/?${nextParams.toString()}">Older jobs →</a></p>` : ''}`;
}
