// A job run in a bucket (upstream's spyglass page, /view/<provider>/<bucket>/<build dir>): the run's
// links, then one section per lens that has its files, then every file of the build directory.
import type { SafeHtml } from '../html.js';
import { html } from '../html.js';

export interface SpyglassLinks {
  /** /job-history/… of this job. */
  history?: string | undefined;
  /** /pr-history?… of the pull request this run tested. */
  prHistory?: string | undefined;
  /** The live job page (/job/<name>) when the ProwJob is still in the store. */
  jobPage?: string | undefined;
  /** The bucket browser (deck.spyglass.gcs_browser_prefixes). */
  browser?: string | undefined;
}

export interface SpyglassPageData {
  job: string;
  buildId: string;
  /** `gs://bucket/dir`, as people paste it. */
  location: string;
  links: SpyglassLinks;
  /** Set while the ProwJob in the store is not complete. */
  running?: boolean;
  lenses: { name: string; title: string; body: SafeHtml; ownHeading?: boolean | undefined }[];
  /** Lens names in deck.spyglass.lenses that deck does not have. */
  unknownLenses: string[];
  files: { name: string; href: string; size: number }[];
  /** More files than listed. */
  moreFiles: number;
}

function size(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export function spyglassPage(d: SpyglassPageData): SafeHtml {
  const l = d.links;
  const links = [
    l.jobPage ? html`<a href="${l.jobPage}" id="job-page-link">${d.running ? 'live log, rerun and abort' : 'job page, rerun'}</a>` : '',
    l.history ? html`<a href="${l.history}" id="job-history-link">job history</a>` : '',
    l.prHistory ? html`<a href="${l.prHistory}" id="pr-history-link">PR history</a>` : '',
    l.browser ? html`<a href="${l.browser}" id="artifacts-browser-link">artifacts in the bucket browser</a>` : '',
  ].filter((x) => x !== '');
  return html`<h1>${d.job} <span class="muted">#${d.buildId}</span></h1>
<p class="muted" id="spyglass-location"><code>${d.location}</code></p>
${links.length ? html`<p class="spyglass-links">${links.map((a, i) => html`${i ? ' · ' : ''}${a}`)}</p>` : ''}
${d.running ? html`<p class="muted" id="running-note">This job is still running: what it uploaded so far is shown; its job page follows the log live.</p>` : ''}
${d.unknownLenses.length ? html`<p class="muted" id="unknown-lenses">Configured lenses deck does not have (not shown): ${d.unknownLenses.join(', ')}.</p>` : ''}
${d.lenses.map((lens) => html`<section class="lens" id="lens-${lens.name}">${lens.ownHeading ? '' : html`<h2>${lens.title}</h2>`}${lens.body}</section>`)}
${d.lenses.length === 0 ? html`<p class="muted" id="no-lenses">No lens has the files it needs here.</p>` : ''}
<section id="artifacts"><h2>Artifacts</h2>
<ul class="artifacts">${d.files.map((f) => html`<li><a href="${f.href}">${f.name}</a> <span class="muted">${size(f.size)}</span></li>`)}</ul>
${d.moreFiles > 0 ? html`<p class="muted">and ${d.moreFiles} more files${l.browser ? html` (see the <a href="${l.browser}">bucket browser</a>)` : ''}.</p>` : ''}
</section>`;
}
