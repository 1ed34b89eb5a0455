// One job's runs from its bucket (upstream's job history page): newest first, 20 a page.
import { html, type SafeHtml } from '../html.js';
import { formatDuration } from '../jobs.js';
import type { JobHistory } from '../spyglass/job-history.js';
import { refsCell, time } from './common.js';

const STATE_OF: Record<string, string> = { SUCCESS: 'success', FAILURE: 'failure', ABORTED: 'aborted', Pending: 'pending' };

export function jobHistoryPage(h: JobHistory, title: string, pageLink: (buildId: string) => string, now = Date.now()): SafeHtml {
  const nav = html`<p class="pager">${h.showLatest ? html`<a href="${pageLink('')}" id="history-latest">latest</a> · ` : ''}${h.newer !== undefined ? html`<a href="${pageLink(h.newer)}" id="history-newer">← newer runs</a>` : html`<span class="muted">← newer runs</span>`} · ${h.older !== undefined ? html`<a href="${pageLink(h.older)}" id="history-older">older runs →</a>` : html`<span class="muted">older runs →</span>`}</p>`;
  return html`<h1>${title}</h1>
<p class="muted">Showing ${h.builds.length} of ${h.total} runs.</p>
${nav}
<table class="jobs" id="history"><thead><tr><th>Result</th><th>Build</th><th>Refs</th><th>Started</th><th>Duration</th></tr></thead><tbody>
${h.builds.map((b) => html`<tr data-build="${b.id}"><td><span class="state state-${STATE_OF[b.result] ?? 'aborted'}">${b.result}</span></td>
<td>${b.link ? html`<a href="${b.link}">${b.id}</a>` : b.id}</td><td>${refsCell(b.refs)}</td><td>${time(b.started, now)}</td>
<td>${b.durationMs !== undefined ? formatDuration(b.durationMs) : ''}</td></tr>`)}
</tbody></table>
${nav}`;
}
