// The /tide and /tide-history pages: each pool with what is batched, what is blocked and why, and every
// recorded action with its time, PRs, base SHA and reason.
import type { TideHistoryRecordJSON, TidePoolJSON, TidePullJSON } from '../../api/tide-json.js';
import { html, type SafeHtml } from '../html.js';
import { time } from './common.js';

function prLink(p: Pick<TidePullJSON, 'Number' | 'Title'>, org: string, repo: string): SafeHtml {
  return html`<a href="https://github.com/${org}/${repo}/pull/${p.Number}" title="${p.Title}">#${p.Number}</a>`;
}

function prList(list: readonly TidePullJSON[], org: string, repo: string): SafeHtml {
  return list.length === 0 ? html`<span class="muted">none</span>` : html`${list.map((p, i) => html`${i > 0 ? ', ' : ''}${prLink(p, org, repo)}`)}`;
}

export function tidePage(queries: readonly string[], pools: readonly TidePoolJSON[]): SafeHtml {
  return html`<h1>Tide</h1>
<p>Pull requests merge when they match one of these queries and their required jobs pass. <a href="/tide-history">History</a></p>
<ul class="queries">${queries.map((q) => html`<li><code>${q}</code></li>`)}</ul>
${pools.length === 0 ? html`<p class="empty">No pull request is in a merge pool.</p>` : ''}
${pools.map((p) => html`<section class="pool"><h2>${p.Org}/${p.Repo} <span class="muted">${p.Branch}</span></h2>
<table class="pool"><tbody>
<tr><th>Action</th><td><strong>${p.Action}</strong>${p.Target.length > 0 ? html` ${prList(p.Target, p.Org, p.Repo)}` : ''}${p.Reason ? html` <span class="muted">(${p.Reason})</span>` : ''}</td></tr>
<tr><th>Batch pending</th><td>${prList(p.BatchPending, p.Org, p.Repo)}</td></tr>
<tr><th>Passing</th><td>${prList(p.SuccessPRs, p.Org, p.Repo)}</td></tr>
<tr><th>Pending</th><td>${prList(p.PendingPRs, p.Org, p.Repo)}</td></tr>
<tr><th>Missing or failed jobs</th><td>${p.MissingPRs.length === 0 ? html`<span class="muted">none</span>` : html`${p.MissingPRs.map((pr) => html`<div>${prLink(pr, p.Org, p.Repo)}: ${(p.MissingTests?.[String(pr.Number)] ?? []).join(', ') || 'retesting'}</div>`)}`}</td></tr>
${p.Blockers.length > 0 ? html`<tr><th>Blocked by</th><td>${p.Blockers.map((b) => html`<div><a href="${b.URL}">#${b.Number}</a> ${b.Title}</div>`)}</td></tr>` : ''}
${(p.Evicted ?? []).length > 0 ? html`<tr><th>Left the pool</th><td>${(p.Evicted ?? []).map((e) => html`<div>#${e.Number}: ${e.Reason}</div>`)}</td></tr>` : ''}
${p.Error ? html`<tr><th>Error</th><td>${p.Error}</td></tr>` : ''}
</tbody></table></section>`)}`;
}

export function tideHistoryPage(history: Record<string, readonly TideHistoryRecordJSON[]>): SafeHtml {
  const rows = Object.entries(history).flatMap(([pool, recs]) => recs.map((r) => ({ pool, r })));
  rows.sort((a, b) => (a.r.time < b.r.time ? 1 : a.r.time > b.r.time ? -1 : 0));
  return html`<h1>Tide history</h1>
${rows.length === 0 ? html`<p class="empty">Tide has not merged or triggered anything yet.</p>` : ''}
<table class="jobs"><thead><tr><th>Time</th><th>Pool</th><th>Action</th><th>PRs</th><th>Base SHA</th><th>Reason</th><th>Error</th></tr></thead><tbody>
${rows.map(({ pool, r }) => html`<tr><td>${time(r.time)}</td><td>${pool}</td><td>${r.action}</td><td>${(r.target ?? []).map((t) => html`#${t.number} <span class="sha">${t.sha.slice(0, 8)}</span> `)}</td><td class="sha">${(r.baseSHA ?? '').slice(0, 12)}</td><td>${r.reason ?? ''}</td><td>${r.err ?? ''}</td></tr>`)}
</tbody></table>`;
}
