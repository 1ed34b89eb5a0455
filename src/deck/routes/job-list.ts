// The job list, its JSON API (/prowjobs.js, upstream's), a ProwJob as YAML, and the PR history page.
import { Hono } from 'hono';
import { stringify } from 'yaml';
import type { ProwJob } from '../../api/prowjob.js';
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
    let body: string;
    if (omit.size === 0 && store.queryProwJobDocuments) {
      // The stored documents as they are: no parse and stringify per job.
      const page = await withCursorCheck(() => store.queryProwJobDocuments!(storeQueryOf(q)));
      const hidden = deck.deckConfig()?.hidden_repos ?? [];
      const items = page.documents.filter((d) => isShown(d.hidden, d.org, d.repo, hidden)).map((d) => d.json);
      body = `{"items":[${items.join(',')}]${page.next ? `,"next":${JSON.stringify(page.next)}` : ''}}`;
    } else {
      const result = await queryJobs(store, q, deck.deckConfig()?.hidden_repos);
      const items = omit.size ? result.prowjobs.map((pj) => omitFields(pj, omit)) : result.prowjobs;
      body = JSON.stringify(result.next ? { items, next: result.next } : { items });
    }
    const v = params.get('var');
    if (v) {
      if (!/^[A-Za-z_$][\w$]{0,63}$/.test(v)) throw new FilterError(`var: ${JSON.stringify(v)} is not a JavaScript identifier`);
      return c.body(`var ${v} = ${body};`, 200, { 'content-type': 'application/javascript; charset=utf-8' });
    }
    return c.body(body, 200, { 'content-type': 'application/json; charset=utf-8' });
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
