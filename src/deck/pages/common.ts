// Pieces shared by deck's pages: state badges, refs with GitHub links, times.
import type { ProwJob, Refs } from '../../api/prowjob.js';
import { escapeHtml, html, raw, type SafeHtml } from '../html.js';
import { durationMs, formatDuration } from '../jobs.js';

export function stateBadge(state: string): SafeHtml {
  return html`<span class="state state-${state}" data-state="${state}">${state}</span>`;
}

/** "3 min ago" (as of `now`), with the absolute UTC time on hover. */
export function time(iso: string | undefined, now = Date.now()): SafeHtml {
  if (!iso) return html``;
  const absolute = iso.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC');
  return html`<time datetime="${iso}" title="${absolute}">${relativeTime(Date.parse(iso), now) ?? absolute}</time>`;
}

/** A short relative phrase, or undefined for an unparsable time. */
export function relativeTime(at: number, now: number): string | undefined {
  if (!Number.isFinite(at)) return undefined;
  const s = Math.round((now - at) / 1000);
  if (s < 0) return 'just now';
  if (s < 45) return `${s} s ago`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 36) return `${h} h ago`;
  const d = Math.round(h / 24);
  return d < 60 ? `${d} days ago` : `${Math.round(d / 30)} months ago`;
}

function repoLink(refs: Refs): string {
  return refs.repo_link || `https://github.com/${refs.org}/${refs.repo}`;
}

/** org/repo, then each pull (#n by author, head SHA) or the base ref and SHA, all linked to GitHub. */
export function refsCell(refs: Refs | undefined, { withSha = false } = {}): SafeHtml {
  if (!refs) return html``;
  const repo = repoLink(refs);
  const pulls = refs.pulls ?? [];
  if (pulls.length > 0) {
    return html`<a href="${repo}">${refs.org}/${refs.repo}</a> ${pulls.map(
      (p) => html`<span class="pull"><a href="${p.link || `${repo}/pull/${p.number}`}">#${p.number}</a>
<span class="by">by <a href="${p.author_link || `https://github.com/${p.author}`}">${p.author}</a></span>${
        withSha && p.sha ? html` <a class="sha" href="${p.commit_link || `${repo}/pull/${p.number}/commits/${p.sha}`}">${p.sha.slice(0, 8)}</a>` : ''
      }</span>`,
    )}`;
  }
  return html`<a href="${repo}">${refs.org}/${refs.repo}</a> <span class="ref">${refs.base_ref ?? ''}</span>${
    refs.base_sha ? html` <a class="sha" href="${refs.base_link || `${repo}/commit/${refs.base_sha}`}">${refs.base_sha.slice(0, 8)}</a>` : ''
  }`;
}

export function jobLink(pj: ProwJob): string {
  return `/job/${encodeURIComponent(pj.metadata.name)}`;
}

/** How long the job ran; a running job's carries its start, so the page script counts it up (src/deck/web/live.ts). */
export function duration(pj: ProwJob, now = Date.now()): SafeHtml {
  const text = formatDuration(durationMs(pj, now));
  return pj.status.completionTime ? html`${text}` : html`<span class="duration" data-since="${pj.status.startTime}">${text}</span>`;
}

const GITHUB_HREF = 'href="https://github.com/';

/**
 * Pages link pull requests, commits and authors to https://github.com (or the links the refs carry,
 * which GitHub's payloads also point there). With config.yaml `github.link_url` set elsewhere (GitHub
 * Enterprise, or demo mode's fake GitHub) those links go there instead, as upstream's deck uses LinkURL.
 */
export function withGitHubLinks(body: SafeHtml, linkUrl: string | undefined): SafeHtml {
  if (!linkUrl || !/^https?:\/\/[^/]/.test(linkUrl)) return body;
  const base = linkUrl.replace(/\/+$/, '');
  if (base === 'https://github.com') return body;
  return raw(body.value.replaceAll(GITHUB_HREF, `href="${escapeHtml(base)}/`));
}
