// One job: its page, the job-URL landing page (/view/…), raw artifacts with byte ranges, and its build
// log by range, by job name and build id, and live as server-sent events.
import { Hono, type Context } from 'hono';
import { Gauge } from 'prom-client';
import type { ProwJob } from '../../api/prowjob.js';
import type { ArtifactEntry } from '../../artifacts/types.js';
import { parseBucket } from '../../api/storage-path.js';
import { BucketConfigError, type BucketOpener } from '../../artifacts/buckets.js';
import { buildDirOf, PROWJOB_FILE } from '../../podutils/paths.js';
import type { DeckContext } from '../app-context.js';
import type { DeckEnv } from '../deck-deps.js';
import { html } from '../html.js';
import { HttpError } from '../../observability/http.js';
import { FilterError, queryJobs } from '../jobs.js';
import { parseJUnit, type JUnitSummary } from '../junit.js';
import { authorize } from '../auth.js';
import { jobLog, logEventStream, logTail } from '../logs.js';
import { artifactPath, nodeToWeb, serveArtifact, serveLogSlice } from './serve.js';
import { jobPage } from '../pages/job.js';

const JUNIT_RE = /(^|\/)artifacts\/(.*\/)?junit[^/]*\.xml$/;
const JUNIT_MAX_BYTES = 20 * 1024 * 1024;

export function jobPageRoutes(deck: DeckContext): Hono<DeckEnv> {
  const app = new Hono<DeckEnv>();
  const { deps, logs } = deck;
  const artifacts = deps.artifacts;
  const liveStreams = new Gauge({ name: 'deck_live_log_streams', help: 'Open live build-log streams.', registers: [deck.registry] });

  async function junitFor(entries: ArtifactEntry[]): Promise<(JUnitSummary | { file: string; error: string })[]> {
    const out: (JUnitSummary | { file: string; error: string })[] = [];
    for (const e of entries.filter((x) => JUNIT_RE.test(x.path)).slice(0, 20)) {
      if (e.size > JUNIT_MAX_BYTES) {
        out.push({ file: e.path, error: `too large to summarise (${e.size} bytes)` });
        continue;
      }
      try {
        out.push(parseJUnit(e.path, (await artifacts.get(e.path))?.toString('utf8') ?? ''));
      } catch (err) {
        out.push({ file: e.path, error: (err as Error).message });
      }
    }
    return out;
  }

  async function renderJob(c: Context<DeckEnv>, pj: ProwJob): Promise<Response> {
    const dir = buildDirOf(pj);
    const [tail, entries] = await Promise.all([logTail(jobLog(logs, pj)), dir ? artifacts.list(dir) : Promise.resolve([])]);
    const junit = await junitFor(entries);
    // Anonymous and rerun is not open to anyone: the button is off and a sign-in link returns to this page.
    const anonymous = c.get('session').login === undefined && !(await authorize('rerun', deck.deckConfig(), pj, undefined, undefined)).allowed;
    const here = c.req.path + (new URL(c.req.url).search || '');
    const signInTo = anonymous ? `/login?dest=${encodeURIComponent(here)}` : undefined;
    return deck.render(c, pj.spec.job, deck.githubLinks(jobPage({ pj, dir, log: tail, artifacts: entries, junit, csrf: deck.codec.csrfToken(c.get('session')), signInTo, bucketView: bucketViewOf(pj, dir, deps.openBucket) })), 'job');
  }

  app.get('/job/:name', async (c) => renderJob(c, await deck.mustGet(c.req.param('name'))));

  // Job URLs of the embedded system (plank.job_url_template) point here: /view/local/<bucket>/<build dir>/.
  // The build dir's prowjob.json names the job; the page then shows the live ProwJob from the store.
  // gs:// and s3:// buckets have their own view (bucket-views.ts).
  app.get('/view/local/:bucket/*', async (c) => {
    const prefix = `/view/local/${c.req.param('bucket')}/`;
    const dir = artifactPath(c, prefix);
    if (dir === '') return deck.render(c, 'Not found', html`<h1>Not found</h1><p>Name a job's artifact directory.</p>`, undefined, 404);
    const raw = await artifacts.get(`${dir}/${PROWJOB_FILE}`);
    let pj: ProwJob | undefined;
    if (raw) {
      try {
        const stored = JSON.parse(raw.toString('utf8')) as ProwJob;
        pj = (await deps.store.getProwJob(stored.metadata.name)) ?? stored;
      } catch {
        pj = undefined;
      }
    }
    if (pj) return renderJob(c, pj);
    const entries = await artifacts.list(dir);
    if (entries.length === 0) return deck.render(c, 'Not found', html`<h1>Not found</h1><p>No job artifacts at ${dir}.</p>`, undefined, 404);
    return deck.render(c, dir, html`<h1>${dir}</h1><ul class="artifacts">${entries.map((e) => html`<li><a href="/artifacts/${e.path}">${e.path.slice(dir.length + 1)}</a></li>`)}</ul>`);
  });

  // Raw artifacts, with HTTP byte ranges. Always served as plain text or JSON, never as HTML.
  app.get('/artifacts/*', async (c) => serveArtifact(c, artifacts, artifactPath(c, '/artifacts/')));

  // A slice of the build log (at most LOG_WINDOW bytes, ending at `end`): the "earlier" link of the job page.
  app.get('/log/:name', async (c) => {
    const pj = await deck.mustGet(c.req.param('name'));
    return serveLogSlice(c, jobLog(logs, pj), 'this job has no build log yet');
  });

  // Upstream's /log?job=&id=: the build log of a job found by name and build id (the newest 1000 runs are searched).
  app.get('/log', async (c) => {
    const jobName = c.req.query('job');
    const id = c.req.query('id');
    if (!jobName || !id) throw new FilterError('job and id are required');
    const { prowjobs } = await queryJobs(deps.store, { job: jobName, limit: 1000 });
    const pj = prowjobs.find((p) => p.status.build_id === id);
    const size = pj ? await logs.size(pj) : undefined;
    if (!pj || size === undefined) return c.text(`404 Not Found: no build log for ${jobName} build ${id}`, 404, { 'access-control-allow-origin': '*' });
    const headers = { 'content-type': 'text/plain; charset=utf-8', 'access-control-allow-origin': '*' };
    const stream = size === 0 ? undefined : await logs.stream(pj);
    if (!stream) return c.body('', 200, headers);
    return new Response(nodeToWeb(stream), { headers });
  });

  app.get('/log-stream/:name', async (c) => {
    const name = c.req.param('name');
    if (!(await deps.store.getProwJob(name))) return c.text(`404 Not Found: no ProwJob named ${name}`, 404);
    const from = c.req.header('last-event-id') ?? c.req.query('offset') ?? '0';
    if (!/^\d{1,15}$/.test(from)) throw new FilterError('offset: not a byte offset');
    const stream = logEventStream({
      store: deps.store, logs, name, offset: Number(from), pollMs: deps.logPollMs ?? 250, signal: c.req.raw.signal,
      onClose: () => liveStreams.dec(),
    });
    liveStreams.inc();
    return new Response(stream, {
      headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' },
    });
  });

  return app;
}

/**
 * /view/<gs|s3>/<bucket>/<build dir> for a job uploading to a gs:// or s3:// bucket this deck can open
 * (where job_url_prefix_config links lead). The embedded executor keeps artifacts in the local store whatever
 * the bucket says, and a deck without that bucket's credentials could not show the view.
 */
function bucketViewOf(pj: ProwJob, dir: string | undefined, openBucket: BucketOpener | undefined): string | undefined {
  const bucket = pj.spec.decoration_config?.gcs_configuration?.bucket;
  if (!bucket || !dir || !openBucket) return undefined;
  const { provider, bucket: name, fullPath } = parseBucket(bucket);
  if (provider !== 'gs' && provider !== 's3') return undefined;
  try {
    openBucket({ provider, bucket: name });
  } catch (err) {
    if (err instanceof BucketConfigError) return undefined;
    throw err;
  }
  return `/view/${provider}/${fullPath}/${dir}`;
}
