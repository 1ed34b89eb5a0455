// The buildlog lens (upstream pkg/spyglass/lenses/buildlog): the job page's log viewer over a log in a
// bucket. The tail is read by byte range and earlier lines load on demand, so a large log never enters
// memory; rows carry #L<n> permalinks, error lines are marked and the search box works (web/job.ts).
import { html, raw, type SafeHtml } from '../html.js';
import { isErrorLine, renderLines } from '../log-lines.js';
import { logTail, objectLog, type LogTail } from '../logs.js';
import type { Lens, LensFile } from './lenses.js';

function plural(n: number, what: string): string {
  return `${n.toLocaleString('en-US')} ${what}${n === 1 ? '' : 's'}`;
}

function firstErrorLine(log: LogTail): number | undefined {
  const i = log.text.split('\n').findIndex(isErrorLine);
  return i === -1 ? undefined : log.firstLine + i;
}

/** The top-level build-log.txt first, then the others by name. */
function mainLogFirst(files: LensFile[]): LensFile[] {
  return [...files].sort((a, b) => Number(b.name === 'build-log.txt') - Number(a.name === 'build-log.txt') || a.name.localeCompare(b.name));
}

export const buildLogLens: Lens = {
  name: 'buildlog',
  title: 'Build Log',
  priority: 10,
  async body({ store, files, links }): Promise<SafeHtml> {
    const [main, ...others] = mainLogFirst(files);
    if (!main) return html``;
    const log = await logTail(objectLog(store, main.path));
    if (!log) return html`<p class="muted">${main.name} is gone.</p>`;
    const first = firstErrorLine(log);
    const last = log.firstLine + log.text.replace(/\n$/, '').split('\n').length - 1;
    return html`<h3 class="lens-file">${main.name} <a class="muted" href="${links.raw(main.path)}">raw</a></h3>
${log.size > 0 ? html`<div class="log-tools"><input type="search" id="log-search" placeholder="Search the log" aria-label="Search the log" hidden> <span id="log-search-count" class="muted" role="status"></span>
${log.text !== '' ? html`<a href="#L${first ?? last}" id="jump-error"${first === undefined ? html` hidden` : ''}>first error line</a>` : ''}</div>` : ''}
${log.start > 0 ? html`<p class="earlier" id="earlier"><a href="${links.logSlice(main.path)}?before=${log.start}" data-before="${log.start}">${plural(log.firstLine - 1, 'earlier line')}</a> not shown</p>` : ''}
<pre class="log" id="build-log" data-offset="${log.end}" data-first-line="${log.firstLine}" data-live="0">${raw(renderLines(log.text, log.firstLine).html)}</pre>
${others.length ? html`<p>Other logs: ${others.map((f, i) => html`${i ? ', ' : ''}<a href="${links.raw(f.path)}">${f.name}</a>`)}</p>` : ''}`;
  },
};
