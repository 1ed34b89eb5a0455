// Job runs read from buckets (upstream cmd/deck/main.go): /view/<gs|s3>/<bucket>/<build dir> (spyglass),
// /job-history/[<provider>/]<bucket>/<logs/<job> | pr-logs/directory/<job>>, raw objects and log slices
// for those pages (/spyglass/raw/…, /spyglass/log/…), and /badge.svg.
import { Hono, type Context } from 'hono';
import type { ProwJob } from '../../api/prowjob.js';
import type { Spyglass } from '../../config/types.js';
import { BucketConfigError, type BucketOpener } from '../../artifacts/buckets.js';
import { HttpError } from '../../observability/http.js';
import type { DeckContext } from '../app-context.js';
import { globToRegExp, pickLatestJobs, renderBadge } from '../badge.js';
import type { DeckEnv } from '../deck-deps.js';
import { html, type SafeHtml } from '../html.js';
import { FilterError, queryJobs } from '../jobs.js';
import { objectLog } from '../logs.js';
import { jobHistoryPage } from '../pages/job-history.js';
import { spyglassPage } from '../pages/spyglass.js';
import { LENSES } from '../spyglass/all-lenses.js';
import { checkObjectPath, isBucketProvider, openBucket, type OpenedBucket } from '../spyglass/bucket.js';
import { jobHistory } from '../spyglass/job-history.js';
import { chooseLenses, gcsBrowserPrefix, type LensFile, type ViewLinks } from '../spyglass/lenses.js';
import { spyglassWarnings } from '../spyglass/warnings.js';
import { artifactPath, serveArtifact, serveLogSlice } from './serve.js';

/** The files a view lists (lenses still see every file). */
const MAX_LISTED = 500;
const PROWJOB_JSON_LIMIT = 4 * 1024 * 1024;
/** What a /view/ of a `pr-logs/directory/<job>/<id>.txt` link may hold. */
const LINK_LIMIT = 4096;

const encodePath = (p: string): string => p.split('/').map(encodeURIComponent).join('/');

export function bucketViewRoutes(deck: DeckContext): Hono<DeckEnv> {
  const app = new Hono<DeckEnv>();
  const { deps } = deck;
  const opener: BucketOpener = deps.openBucket ?? ((ref) => {
    throw new BucketConfigError(`this deck was started without access to ${ref.provider}:// buckets`);
  });
  const warned = new WeakSet<object>();

  /** `<provider>/<bucket>/<path>` after `prefix`; `local` is deck's own artifact store (embedded mode). */
  function locate(c: Context, prefix: string, defaultProvider?: string): OpenedBucket & { path: string } {
    let rest = artifactPath(c, prefix);
    if (defaultProvider && !isBucketProvider(rest.split('/')[0]!) && !rest.startsWith('local/')) rest = `${defaultProvider}/${rest}`;
    const [provider = '', bucket = '', ...path] = rest.split('/');
    const objectPath = checkObjectPath(path.join('/'));
    if (provider === 'local') return { provider, bucket, store: deps.artifacts, path: objectPath };
    return { ...openBucket(deps.config(), opener, provider, bucket), path: objectPath };
  }

  const linksFor = (b: OpenedBucket): ViewLinks => ({
    raw: (p) => `/spyglass/raw/${b.provider}/${encodeURIComponent(b.bucket)}/${encodePath(p)}`,
    logSlice: (p) => `/spyglass/log/${b.provider}/${encodeURIComponent(b.bucket)}/${encodePath(p)}`,
  });

  const notFound = (c: Context<DeckEnv>, message: string): Response =>
    deck.render(c, 'Not found', html`<h1>Not found</h1><p class="problem" id="error-message">${message}</p><p><a href="/">All jobs</a></p>`, undefined, 404);

  app.get('/view/:provider/:bucket/*', async (c, next) => {
    if (c.req.param('provider') === 'local') return next(); // the embedded store's job pages (job-pages.ts)
    const b = locate(c, '/view/');
    let dir = b.path;
    if (dir === '') return notFound(c, "Name a job run's directory in the bucket.");
    if (dir.endsWith('.txt')) {
      // pr-logs/directory/<job>/<id>.txt points at the run's directory (upstream ResolveSymlink).
      const st = await b.store.stat(dir);
      const target = st && st.size <= LINK_LIMIT ? (await b.store.get(dir))?.toString('utf8').trim() : undefined;
      if (target) dir = checkObjectPath(target.replace(/^[a-z0-9]+:\/\/[^/]*\/?/, '').replace(/\/+$/, ''));
    }
    // Only this directory's objects, whatever a store's prefix listing makes of logs/job/12 versus logs/job/125.
    const entries = (await b.store.list(dir)).filter((e) => e.path.startsWith(`${dir}/`));
    const where = `${b.provider}://${b.bucket}/${dir}`;
    if (entries.length === 0) return notFound(c, `No job artifacts at ${where}.`);
    const files: LensFile[] = entries.map((e) => ({ name: e.path.slice(dir.length + 1), path: e.path, size: e.size }));
    const spyglass: Partial<Spyglass> = deck.deckConfig()?.spyglass ?? {};
    if (!warned.has(spyglass)) {
      warned.add(spyglass);
      for (const w of spyglassWarnings(spyglass, LENSES)) deps.log.warn({ setting: w.setting }, w.message);
    }
    const stored = await readProwJob(b, files.find((f) => f.name === 'prowjob.json'));
    const live = stored ? await deps.store.getProwJob(stored.metadata.name) : undefined;
    const segs = dir.split('/');
    const buildId = stored?.status.build_id ?? segs.at(-1)!;
    const job = stored?.spec.job ?? segs.at(-2) ?? dir;
    const refs = stored?.spec.refs;
    const links = linksFor(b);
    const choice = chooseLenses(spyglass.lenses, files, LENSES);
    const lenses: { name: string; title: string; body: SafeHtml; ownHeading?: boolean | undefined }[] = [];
    for (const { lens, files: lensFiles, config } of choice.shown) {
      let body: SafeHtml;
      try {
        body = await lens.body({ store: b.store, dir, files: lensFiles, config, spyglass, links, bucket: b.bucket });
      } catch (err) {
        deps.log.warn({ err, lens: lens.name, path: where }, 'spyglass lens failed');
        body = html`<p class="problem">This lens could not read its files: ${(err as Error).message}</p>`;
      }
      lenses.push({ name: lens.name, title: lens.title, body, ownHeading: lens.ownHeading });
    }
    const browser = gcsBrowserPrefix(spyglass, b.bucket, refs?.org, refs?.repo);
    const pull = refs?.pulls?.[0];
    return deck.render(c, `${job} #${buildId}`, spyglassPage({
      job, buildId, location: where,
      links: {
        history: historyLink(b, dir, job),
        prHistory: pull && refs && !spyglass.hide_pr_history_link
          ? `/pr-history?org=${encodeURIComponent(refs.org)}&repo=${encodeURIComponent(refs.repo)}&pr=${pull.number}` : undefined,
        jobPage: live ? `/job/${encodeURIComponent(live.metadata.name)}` : undefined,
        browser: browser ? `${browser}${b.bucket}/${dir}/` : undefined,
      },
      running: live ? !live.status.completionTime : false,
      lenses, unknownLenses: choice.unknown,
      files: files.slice(0, MAX_LISTED).map((f) => ({ name: f.name, href: links.raw(f.path), size: f.size })),
      moreFiles: Math.max(0, files.length - MAX_LISTED),
    }), lenses.some((l) => l.name === 'buildlog') ? 'job' : undefined);
  });

  // One object of a bucket, as text or JSON, with byte ranges (the views' artifact links).
  app.get('/spyglass/raw/*', async (c) => {
    const b = locate(c, '/spyglass/raw/');
    return serveArtifact(c, b.store, b.path);
  });

  // Whole lines of a log object before a byte (`?before=`), or a byte range: the build log lens's "load earlier".
  app.get('/spyglass/log/*', async (c) => {
    const b = locate(c, '/spyglass/log/');
    return serveLogSlice(c, objectLog(b.store, b.path), `no log at ${b.provider}://${b.bucket}/${b.path}`);
  });

  app.get('/job-history/*', async (c) => {
    const b = locate(c, '/job-history/', 'gs');
    if (b.path === '') throw new HttpError(400, `400 Bad Request: ${c.req.path}: want /job-history/<provider>/<bucket>/logs/<job> or …/pr-logs/directory/<job>`);
    const raw = c.req.query('buildId');
    let top: bigint | undefined;
    if (raw !== undefined && raw !== '') {
      if (!/^\d{1,20}$/.test(raw) || BigInt(raw) < 1n) throw new FilterError(`buildId: ${JSON.stringify(raw)} is not a build id`);
      top = BigInt(raw);
    }
    const history = await jobHistory({ store: b.store, provider: b.provider, bucket: b.bucket, root: b.path, ...(top !== undefined ? { top } : {}) });
    const base = c.req.path;
    return deck.render(c, `${b.path.split('/').pop()} history`, jobHistoryPage(history, `Job history: ${b.provider}://${b.bucket}/${b.path}`, (id) => `${base}?buildId=${id}`));
  });

  // Upstream's badge: /badge.svg?jobs=<glob>[,<glob>…] over the newest run of each matching job.
  app.get('/badge.svg', async (c) => {
    const selector = c.req.query('jobs') ?? '';
    if (!selector) throw new FilterError('jobs: name one or more jobs or globs, comma-separated');
    const patterns = selector.split(',').filter(Boolean);
    let globs: RegExp[];
    try {
      globs = patterns.map(globToRegExp);
    } catch (err) {
      throw new FilterError(`jobs: ${(err as Error).message}`);
    }
    const hidden = deck.deckConfig()?.hidden_repos ?? [];
    const found: ProwJob[] = [];
    for (const p of patterns) {
      // The store matches `*` only: ask broadly, then match the glob exactly.
      const storePattern = p.replace(/[?[\\].*$/, '*');
      found.push(...(await queryJobs(deps.store, { job: storePattern, limit: 1000 }, hidden)).prowjobs);
    }
    const { svg } = renderBadge(pickLatestJobs(found, globs));
    return c.body(svg, 200, { 'content-type': 'image/svg+xml', 'cache-control': 'no-cache' });
  });

  return app;
}

async function readProwJob(b: OpenedBucket, file: LensFile | undefined): Promise<ProwJob | undefined> {
  if (!file || file.size > PROWJOB_JSON_LIMIT) return undefined;
  try {
    const pj = JSON.parse((await b.store.get(file.path))?.toString('utf8') ?? '') as ProwJob;
    return pj?.metadata?.name && pj.spec?.job && pj.status ? pj : undefined;
  } catch {
    return undefined;
  }
}

/** Upstream's jobHistoryLink: logs/<job> for periodics and postsubmits, pr-logs/directory/<job> for presubmits and batches. */
function historyLink(b: OpenedBucket, dir: string, job: string): string | undefined {
  const m = /^((?:[^/]+\/)*?)(pr-logs|logs)\//.exec(dir);
  if (!m) return undefined;
  const root = m[2] === 'logs' ? `${m[1]}logs/${job}` : `${m[1]}pr-logs/directory/${job}`;
  return `/job-history/${b.provider}/${encodeURIComponent(b.bucket)}/${encodePath(root)}`;
}
