// The job list, its JSON API (/prowjobs.js, upstream's), a ProwJob as YAML, and the PR history page.
import { Hono } from 'hono';
import { stringify } from 'yaml';
import type { ProwJob } from '../../api/prowjob.js';
import type { ProwJobDocumentBatch } from '../../store/types.js';
import type { DeckContext } from '../app-context.js';
import type { DeckEnv } from '../deck-deps.js';
import { FilterError, isShown, parseFilters, queryJobs, storeQueryOf, withCursorCheck } from '../jobs.js';
import { listPage } from '../pages/list.js';
import { prPage } from '../pages/pr.js';

const PR_PAGE_LIMIT = 1000;

export function jobListRoutes(deck: DeckContext): Hono<DeckEnv> {
  const app = new Hono<DeckEnv>();
  const store = deck.deps.store;

  app.get('/', async (c) => {
    const q = parseFilters(new URL(c.req.url).searchParams);
    const result = await queryJobs(store, q, deck.deckConfig()?.hidden_repos);
    return deck.render(c, 'Jobs', deck.githubLinks(listPage(q, result)), 'list');
  });

  app.get('/prowjobs.js', async (c) => {
    const params = new URL(c.req.url).searchParams;
    const q = parseFilters(params, { defaultLimit: 500, maxLimit: 10_000 });
    const omit = new Set((params.get('omit') ?? '').split(',').map((s) => s.trim()).filter(Boolean));
    const v = params.get('var');
    if (v && !/^[A-Za-z_$][\w$]{0,63}$/.test(v)) throw new FilterError(`var: ${JSON.stringify(v)} is not a JavaScript identifier`);
    const headers = { 'content-type': v ? 'application/javascript; charset=utf-8' : 'application/json; charset=utf-8' };
    const [prefix, suffix] = v ? [`var ${v} = `, ';'] : ['', ''];
    if (omit.size === 0 && store.streamProwJobDocuments) {
      // The stored documents as they are, streamed as they are read: no parse and stringify per job.
      const batches = store.streamProwJobDocuments(storeQueryOf(q));
      const body = await documentStream(batches, deck.deckConfig()?.hidden_repos ?? [], prefix, suffix);
      return c.body(body, 200, headers);
    }
    const result = await queryJobs(store, q, deck.deckConfig()?.hidden_repos);
    const items = omit.size ? result.prowjobs.map((pj) => omitFields(pj, omit)) : result.prowjobs;
    return c.body(`${prefix}${JSON.stringify(result.next ? { items, next: result.next } : { items })}${suffix}`, 200, headers);
  });

  app.get('/prowjob', async (c) => {
    const pj = await deck.mustGet(c.req.query('prowjob'));
    return c.text(stringify(pj));
  });

  app.get('/pr-history', async (c) => {
    const org = c.req.query('org') ?? '';
    const repo = c.req.query('repo') ?? '';
    const pr = c.req.query('pr') ?? '';
    if (!/^[\w.-]{1,100}$/.test(org) || !/^[\w.-]{1,100}$/.test(repo) || !/^\d{1,9}$/.test(pr)) {
      throw new FilterError('org, repo and pr (a number) are required');
    }
    const result = await queryJobs(store, { repo: `${org}/${repo}`, pull: Number(pr), limit: PR_PAGE_LIMIT }, deck.deckConfig()?.hidden_repos);
    return deck.render(c, `${org}/${repo}#${pr}`, deck.githubLinks(prPage(org, repo, Number(pr), result.prowjobs.filter((pj) => pj.spec.type === 'presubmit'), !!result.next)));
  });

  return app;
}

/**
 * `{"items":[…],"next":…}` written one store batch at a time, as the client takes it (the HTTP response's
 * backpressure pulls the next batch), so a 10,000-job answer never sits in memory whole. The first batch is
 * read before the response starts: a bad cursor is still a 400.
 */
async function documentStream(batches: AsyncIterable<ProwJobDocumentBatch>, hiddenRepos: readonly string[], prefix: string, suffix: string): Promise<ReadableStream<Uint8Array>> {
  const it = batches[Symbol.asyncIterator]();
  let read: IteratorResult<ProwJobDocumentBatch> | undefined = await withCursorCheck(() => it.next());
  let started = false;
  let written = 0;
  let next: string | undefined;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const result = read ?? await it.next();
      read = undefined;
      let text = started ? '' : `${prefix}{"items":[`;
      started = true;
      if (!result.done) {
        const shown = result.value.documents.filter((d) => isShown(d.hidden, d.org, d.repo, hiddenRepos)).map((d) => d.json);
        if (shown.length) text += (written ? ',' : '') + shown.join(',');
        written += shown.length;
        next = result.value.next ?? next;
      } else {
        text += `]${next ? `,"next":${JSON.stringify(next)}` : ''}}${suffix}`;
      }
      if (text) controller.enqueue(Buffer.from(text));
      if (result.done) controller.close();
    },
    async cancel() {
      await it.return?.(undefined);
    },
  }, { highWaterMark: 0 });
}

function omitFields(pj: ProwJob, omit: Set<string>): ProwJob {
  // Shallow copies: only the keys we drop differ from the stored object.
  const metadata = { ...pj.metadata };
  const spec = { ...pj.spec };
  if (omit.has('annotations')) delete metadata.annotations;
  if (omit.has('labels')) delete metadata.labels;
  if (omit.has('decoration_config')) delete spec.decoration_config;
  if (omit.has('pod_spec') && spec.pod_spec) {
    // Upstream keeps the container count so clients can still tell how many there were.
    spec.pod_spec = { containers: spec.pod_spec.containers.map(() => ({})) };
  }
  return { ...pj, metadata, spec };
}
