// One job: metadata, refs, build log (tail, live), artifacts, JUnit summary, the ProwJob as YAML, rerun/abort.
import { stringify } from 'yaml';
import type { ProwJob } from '../../api/prowjob.js';
import { isComplete } from '../../api/prowjob.js';
import type { ArtifactEntry } from '../../artifacts/types.js';
import { isErrorLine, renderLines } from '../log-lines.js';
import { html, raw, type SafeHtml } from '../html.js';
import type { JUnitSummary } from '../junit.js';
import type { LogTail } from '../logs.js';
import { duration, refsCell, stateBadge, time } from './common.js';

export interface JobPageData {
  pj: ProwJob;
  dir?: string | undefined;
  log?: LogTail | undefined;
  artifacts: ArtifactEntry[];
  junit: (JUnitSummary | { file: string; error: string })[];
  csrf: string;
  /** The run in its gs:// or s3:// bucket (/view/…), for jobs whose gcs_configuration names one. */
  bucketView?: string | undefined;
  /** Set when the visitor is not signed in and rerun needs a user: the sign-in link that returns here. */
  signInTo?: string | undefined;
}

function size(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

function plural(n: number, what: string): string {
  return `${n.toLocaleString('en-US')} ${what}${n === 1 ? '' : 's'}`;
}

function firstErrorLine(log: LogTail): number | undefined {
  const i = log.text.split('\n').findIndex(isErrorLine);
  return i === -1 ? undefined : log.firstLine + i;
}

function lastLine(log: LogTail): number {
  return log.firstLine + log.text.replace(/\n$/, '').split('\n').length - 1;
}

function artifactHref(path: string): string {
  return `/artifacts/${path.split('/').map(encodeURIComponent).join('/')}`;
}

export function junitSection(junit: JobPageData['junit']): SafeHtml {
  if (junit.length === 0) return html``;
  return html`<section id="junit"><h2>Tests</h2>${junit.map((j) => {
    if ('error' in j) return html`<p class="problem">${j.file}: ${j.error}</p>`;
    const failed = j.tests.filter((t) => t.outcome === 'failed');
    const rest = j.tests.filter((t) => t.outcome !== 'failed');
    return html`<h3>${j.file.split('/').pop()} <span class="counts"><span class="fail">${j.failed} failed</span> · ${j.passed} passed · ${j.skipped} skipped</span></h3>
${failed.length ? html`<ul class="tests failed">${failed.map((t) => html`<li><details open><summary><span class="state state-failure">failed</span> ${t.className ? `${t.className}.` : ''}${t.name}${t.time !== undefined ? html` <span class="t">${t.time.toFixed(2)}s</span>` : ''}</summary><pre>${t.message ?? ''}</pre></details></li>`)}</ul>` : ''}
${rest.length ? html`<details><summary>${rest.length} other test${rest.length === 1 ? '' : 's'}</summary><ul class="tests">${rest.map((t) => html`<li><span class="state state-${t.outcome === 'passed' ? 'success' : 'aborted'}">${t.outcome}</span> ${t.className ? `${t.className}.` : ''}${t.name}</li>`)}</ul></details>` : ''}`;
  })}</section>`;
}

export function jobPage(d: JobPageData, now = Date.now()): SafeHtml {
  const { pj } = d;
  const s = pj.status;
  const live = !isComplete(pj);
  const name = pj.metadata.name;
  const canAbort = s.state === 'triggered' || s.state === 'pending';
  const where = [pj.spec.agent ?? 'kubernetes', pj.spec.cluster || 'default', pj.spec.namespace, s.pod_name].filter(Boolean).join(' / ');
  const log = d.log;
  return html`<h1>${pj.spec.job} <span id="job-state">${stateBadge(s.state)}</span></h1>
<p class="description" id="job-description">${s.description ?? ''}</p>
<div class="actions">
<form method="post" action="/rerun?prowjob=${encodeURIComponent(name)}" class="inline" data-action="rerun"><input type="hidden" name="csrf" value="${d.csrf}"><button type="submit" id="rerun"${d.signInTo ? html` disabled title="sign in to rerun"` : ''}>Rerun</button></form>
<form method="post" action="/abort?prowjob=${encodeURIComponent(name)}" class="inline" data-action="abort"><input type="hidden" name="csrf" value="${d.csrf}"><button type="submit" id="abort"${canAbort && !d.signInTo ? '' : html` disabled`}>Abort</button></form>
${d.signInTo ? html`<a id="sign-in-to-rerun" href="${d.signInTo}">sign in to rerun</a>` : ''}
<span id="action-result" role="status"></span>
</div>
<table class="meta">
<tr><th>Type</th><td>${pj.spec.type}</td></tr>
${pj.spec.refs || pj.spec.extra_refs?.length ? html`<tr><th>Refs</th><td>${refsCell(pj.spec.refs, { withSha: true })}${(pj.spec.extra_refs ?? []).map((r) => html`<br>${refsCell(r, { withSha: true })}`)}</td></tr>` : ''}
<tr><th>Started</th><td>${time(s.startTime)}</td></tr>
${s.pendingTime ? html`<tr><th>Running since</th><td>${time(s.pendingTime)}</td></tr>` : ''}
${s.completionTime ? html`<tr><th>Finished</th><td>${time(s.completionTime)}</td></tr>` : ''}
<tr><th>Duration</th><td>${duration(pj, now)}${live ? ' (running)' : ''}</td></tr>
${s.build_id ? html`<tr><th>Build ID</th><td>${s.build_id}</td></tr>` : ''}
<tr><th>ProwJob</th><td><a href="/prowjob?prowjob=${encodeURIComponent(name)}">${name}</a></td></tr>
<tr><th>Ran on</th><td>${where}</td></tr>
${d.bucketView ? html`<tr><th>Bucket</th><td><a href="${d.bucketView}" id="bucket-view">build log and artifacts in the bucket</a></td></tr>` : ''}
${pj.spec.refs?.pulls?.[0] ? html`<tr><th>History</th><td><a href="/pr-history?org=${encodeURIComponent(pj.spec.refs.org)}&amp;repo=${encodeURIComponent(pj.spec.refs.repo)}&amp;pr=${pj.spec.refs.pulls[0].number}">all jobs of this pull request</a></td></tr>` : ''}
</table>
<section id="build-log-section"><h2>Build log</h2>
${log && log.size > 0 ? html`<div class="log-tools"><input type="search" id="log-search" placeholder="Search the log" aria-label="Search the log" hidden> <span id="log-search-count" class="muted" role="status"></span>
${log.text !== '' ? html`<a href="#L${firstErrorLine(log) ?? lastLine(log)}" id="jump-error"${firstErrorLine(log) === undefined ? html` hidden` : ''}>first error line</a>` : ''}</div>` : ''}
${log && log.start > 0 ? html`<p class="earlier" id="earlier"><a href="/log/${encodeURIComponent(name)}?before=${log.start}" data-before="${log.start}">${plural(log.firstLine - 1, 'earlier line')}</a> not shown</p>` : ''}
<pre class="log" id="build-log" data-name="${name}" data-offset="${log?.end ?? 0}" data-first-line="${log?.firstLine ?? 1}"${log && log.text !== '' && !log.text.endsWith('\n') ? html` data-partial="1"` : ''} data-live="${live ? '1' : '0'}">${log ? raw(renderLines(log.text, log.firstLine).html) : ''}</pre>
${log ? '' : html`<p class="muted" id="no-log">${live ? 'No log yet; it appears here once the job starts.' : 'This job has no build log.'}</p>`}
${live ? html`<p class="muted" id="live-note">This job is running: the log follows live with JavaScript on, or reload the page.</p>` : ''}
</section>
${junitSection(d.junit)}
<section id="artifacts"><h2>Artifacts</h2>
${d.artifacts.length ? html`<ul class="artifacts">${d.artifacts.map((a) => html`<li><a href="${artifactHref(a.path)}">${d.dir ? a.path.slice(d.dir.length + 1) : a.path}</a> <span class="muted">${size(a.size)}</span></li>`)}</ul>` : html`<p class="muted">None yet.</p>`}
</section>
<section id="yaml"><details><summary>ProwJob YAML</summary><pre>${stringify(pj)}</pre></details></section>`;
}
