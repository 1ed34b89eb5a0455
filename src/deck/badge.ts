// /badge.svg?jobs=<glob>[,<glob>…] (upstream cmd/deck/badge.go): a shields-style SVG over the newest run of
// every job matching a glob: "passing", "failing <up to three jobs>, ...", or "no results".
import type { ProwJob } from '../api/prowjob.js';
import { html } from './html.js';

/** Go filepath.Match for one name: `*` (any run of non-/), `?` (one non-/), `[...]` and `[^...]` classes, `\` escapes. */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*') out += '[^/]*';
    else if (ch === '?') out += '[^/]';
    else if (ch === '\\' && i + 1 < glob.length) out += glob[++i]!.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    else if (ch === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close === -1) throw new Error(`bad pattern ${JSON.stringify(glob)}: unclosed [`);
      out += `[${glob.slice(i + 1, close)}]`; // Go's class syntax ([^a-z], ranges, \ escapes) reads the same in a RegExp
      i = close;
    } else out += ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/** Upstream pickLatestJobs: the newest run (by start time) of each job name some glob matches. */
export function pickLatestJobs(jobs: readonly ProwJob[], globs: readonly RegExp[]): ProwJob[] {
  const sorted = [...jobs].sort((a, b) => Date.parse(b.status.startTime) - Date.parse(a.status.startTime));
  const seen = new Set<string>();
  const out: ProwJob[] = [];
  for (const pj of sorted) {
    if (seen.has(pj.spec.job) || !globs.some((g) => g.test(pj.spec.job))) continue;
    seen.add(pj.spec.job);
    out.push(pj);
  }
  return out;
}

/** Upstream renderBadge: the status text and the SVG. */
export function renderBadge(latest: readonly ProwJob[]): { status: string; svg: string } {
  let color = '#4c1';
  let status = 'passing';
  if (latest.length === 0) {
    color = 'darkgrey';
    status = 'no results';
  } else {
    const failed = latest.filter((pj) => pj.status.state === 'failure').map((pj) => pj.spec.job).sort();
    if (failed.length > 0) {
      color = '#e05d44';
      status = `failing ${(failed.length > 3 ? [...failed.slice(0, 3), '...'] : failed).join(', ')}`;
    }
  }
  return { status, svg: shield('build', status, color) };
}

// Character widths estimated at 6px, as upstream does.
function shield(subject: string, status: string, color: string): string {
  const rightStart = 13 + 6 * subject.length;
  const rightWidth = 13 + 6 * status.length;
  const width = rightStart + rightWidth;
  const xLeft = rightStart * 0.5;
  const xRight = rightStart + (rightWidth - 2) * 0.5;
  return html`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20">
<linearGradient id="a" x2="0" y2="100%">
  <stop offset="0" stop-color="#bbb" stop-opacity=".1"/>
  <stop offset="1" stop-opacity=".1"/>
</linearGradient>
<rect rx="3" width="100%" height="20" fill="#555"/>
<g fill="${color}">
  <rect rx="3" x="${rightStart}" width="${rightWidth}" height="20"/>
  <path d="M${rightStart} 0h4v20h-4z"/>
</g>
<rect rx="3" width="100%" height="20" fill="url(#a)"/>
<g fill="#fff" text-anchor="middle" font-family="DejaVu Sans,Verdana,Geneva,sans-serif" font-size="11">
<g fill="#010101" opacity=".3">
<text x="${xLeft}" y="15">${subject}</text>
<text x="${xRight}" y="15">${status}</text>
</g>
<text x="${xLeft}" y="14">${subject}</text>
<text x="${xRight}" y="14">${status}</text>
</g>
</svg>`.value;
}
