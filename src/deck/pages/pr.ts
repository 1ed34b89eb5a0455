// Every job of one pull request, grouped by the head SHA it tested (newest commit first).
import type { ProwJob } from '../../api/prowjob.js';
import { html, type SafeHtml } from '../html.js';
import { durationMs, formatDuration } from '../jobs.js';
import { jobLink, stateBadge, time } from './common.js';

export function prPage(org: string, repo: string, pr: number, jobs: ProwJob[], truncated: boolean, now = Date.now()): SafeHtml {
  const groups = new Map<string, ProwJob[]>();
  for (const pj of jobs) {
    const pull = pj.spec.refs?.pulls?.find((p) => p.number === pr) ?? pj.spec.refs?.pulls?.[0];
    const sha = pull?.sha ?? '';
    groups.set(sha, [...(groups.get(sha) ?? []), pj]);
  }
  const repoUrl = jobs[0]?.spec.refs?.repo_link || `https://github.com/${org}/${repo}`;
  const first = jobs[0]?.spec.refs?.pulls?.find((p) => p.number === pr);
  return html`<h1>${org}/${repo} <a href="${repoUrl}/pull/${pr}">#${pr}</a></h1>
${first ? html`<p>${first.title ?? ''} by <a href="https://github.com/${first.author}">${first.author}</a></p>` : ''}
${jobs.length === 0 ? html`<p class="empty">No jobs ran for this pull request.</p>` : ''}
${[...groups].map(([sha, list]) => html`<section class="commit"><h2>Commit <a class="sha" href="${repoUrl}/pull/${pr}/commits/${sha}">${sha.slice(0, 12) || '(unknown)'}</a> <span class="muted">${list.length} run${list.length === 1 ? '' : 's'}</span></h2>
<table class="jobs"><thead><tr><th>State</th><th>Job</th><th>Type</th><th>Started</th><th>Duration</th></tr></thead><tbody>
${list.map((pj) => html`<tr><td>${stateBadge(pj.status.state)}</td><td><a href="${jobLink(pj)}">${pj.spec.job}</a></td><td>${pj.spec.type}</td><td>${time(pj.status.startTime)}</td><td>${formatDuration(durationMs(pj, now))}</td></tr>`)}
</tbody></table></section>`)}
${truncated ? html`<p class="muted">Only the newest ${jobs.length} runs are shown.</p>` : ''}`;
}
