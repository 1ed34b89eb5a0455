// Rerun and abort (upstream cmd/deck/rerun.go, abort.go): authorised by rerun_auth_configs, answered as JSON
// for the page's script and as a redirect or a page for a form POST without JavaScript.
import { requestAbort } from '../../api/abort.js';
import { Hono, type Context } from 'hono';
import { stringify } from 'yaml';
import { newProwJob } from '../../api/pjutil.js';
import type { ProwJob } from '../../api/prowjob.js';
import { HttpError } from '../../observability/http.js';
import { prowJobFields } from '../../observability/prowjob-fields.js';
import { ConflictError } from '../../store/types.js';
import { safeDest, type DeckContext } from '../app-context.js';
import { authorize } from '../auth.js';
import type { DeckEnv } from '../deck-deps.js';
import { html } from '../html.js';

export function actionRoutes(deck: DeckContext): Hono<DeckEnv> {
  const app = new Hono<DeckEnv>();
  const { deps } = deck;
  const log = deps.log;

  const reply = (c: Context<DeckEnv>, status: 200 | 403 | 409, message: string, url?: string): Response => {
    if (wantsJson(c)) return c.json({ message, ...(url ? { url } : {}) }, status);
    if (status === 200 && url) return c.redirect(url, 303);
    // A form POST without JavaScript: a page with the reason and a way back.
    let back = '/';
    try {
      back = safeDest(new URL(c.req.header('referer') ?? '/', 'http://deck').pathname);
    } catch {
      // an unparsable Referer: go back to the list
    }
    const title = status === 403 ? 'Refused' : 'Not done';
    return deck.render(c, title, html`<h1>${title}</h1><p class="problem" id="reason">${message}</p><p><a href="${back}">Back</a></p>`, undefined, status);
  };

  // Upstream's mode=latest rebuilds the job from the static config (so never an in-repo job); ours always copies.
  const refuseMode = (c: Context<DeckEnv>): void => {
    const mode = c.req.query('mode');
    if (mode) throw new HttpError(400, `400 Bad Request: mode=${mode} is not supported: a rerun copies the ProwJob's spec (docs/compatibility.md)`);
  };

  app.get('/rerun', async (c) => {
    refuseMode(c);
    const pj = await deck.mustGet(c.req.query('prowjob'));
    return c.text(stringify(rerunJob(pj, c.get('session').login)));
  });

  app.post('/rerun', async (c) => {
    refuseMode(c);
    const pj = await deck.mustGet(c.req.query('prowjob'));
    const login = c.get('session').login;
    const decision = await authorize('rerun', deck.deckConfig(), pj, login, deps.github);
    if (!decision.allowed) {
      log.info({ ...prowJobFields(pj), user: login, reason: decision.reason }, 'rerun refused');
      return reply(c, 403, `403 Forbidden: ${decision.reason}`);
    }
    const created = await deps.store.createProwJob(rerunJob(pj, login));
    log.info({ ...prowJobFields(pj), rerun: created.metadata.name, user: login, why: decision.reason }, 'rerun');
    return reply(c, 200, `Job successfully triggered as ${created.metadata.name}.`, `/job/${encodeURIComponent(created.metadata.name)}`);
  });

  app.post('/abort', async (c) => {
    const name = c.req.query('prowjob');
    const login = c.get('session').login;
    for (let attempt = 0; ; attempt++) {
      const pj = await deck.mustGet(name);
      if (pj.status.state !== 'triggered' && pj.status.state !== 'pending') {
        return reply(c, 409, `Cannot abort ${pj.metadata.name}: it is ${pj.status.state}, not triggered or pending.`);
      }
      const decision = await authorize('abort', deck.deckConfig(), pj, login, deps.github);
      if (!decision.allowed) {
        log.info({ ...prowJobFields(pj), user: login, reason: decision.reason }, 'abort refused');
        return reply(c, 403, `403 Forbidden: ${decision.reason}`);
      }
      // Request the abort; the controller stops the run and completes the job.
      const aborting = requestAbort(pj, { description: `${login ?? 'anyone'} successfully aborted ${pj.metadata.name}.` });
      try {
        if (aborting) await deps.store.updateProwJob(aborting);
      } catch (err) {
        if (err instanceof ConflictError && attempt < 5) continue;
        throw err;
      }
      log.info({ ...prowJobFields(pj), user: login }, 'abort requested');
      return reply(c, 200, `Aborting ${pj.metadata.name}.`, `/job/${encodeURIComponent(pj.metadata.name)}`);
    }
  });

  return app;
}

function rerunJob(pj: ProwJob, login: string | undefined): ProwJob {
  // As upstream: the spec, labels and annotations are copied; the name, start time and status are new.
  const next = newProwJob(structuredClone(pj.spec), { ...(pj.metadata.labels ?? {}) }, { ...(pj.metadata.annotations ?? {}) });
  next.status.description = `${login ?? 'anyone'} successfully reran ${pj.metadata.name}.`;
  return next;
}

function wantsJson(c: Context): boolean {
  return (c.req.header('accept') ?? '').includes('application/json');
}
