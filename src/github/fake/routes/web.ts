// The fake's web pages, where github.com's would be: a repository, a pull request (title, author, state,
// labels, body, head commit and its statuses, comments), a commit and a user. Minimal HTML, enough for
// deck's links in demo mode (`prow up` points github.link_url here) to land somewhere real. Served under
// /_fake/web/ so that no page path can shadow a REST route (an org named "repos" or "users").
import { Hono, type Context } from 'hono';
import type { Env } from '../http.js';
import type { FakeModel } from '../model.js';
import type { FakeRepo, FakeStatus } from '../state.js';

export const FAKE_WEB_PREFIX = '/_fake/web';

const esc = (s: string | number): string =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

function page(c: Context<Env>, title: string, body: string, status: 200 | 404 = 200): Response {
  return c.html(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · fake GitHub</title>
<style>body{font:14px/1.5 system-ui,sans-serif;margin:0;color:#1f2328}header{background:#24292f;color:#fff;padding:.6rem 1rem}header a{color:#fff}
main{padding:1rem;max-width:980px}a{color:#0969da}code,.sha{font-family:ui-monospace,monospace}.label{border:1px solid #d0d7de;border-radius:1em;padding:0 .5em;margin-right:.3em}
.comment{border:1px solid #d0d7de;border-radius:6px;margin:.6rem 0}.comment h3{margin:0;padding:.3rem .6rem;background:#f6f8fa;font-size:.9rem;font-weight:500}
.comment pre{margin:0;padding:.6rem;white-space:pre-wrap;overflow-wrap:anywhere;font:inherit}ul.statuses{padding-left:1.2rem}</style></head>
<body><header><a href="${FAKE_WEB_PREFIX}/">fake GitHub</a> · demo pages of the fake GitHub that <code>prow up</code> runs</header><main>${body}</main></body></html>`, status);
}

export function fakeWebRoutes(model: FakeModel): Hono<Env> {
  const app = new Hono<Env>({ strict: false });
  const base = (c: Context<Env>): string => new URL(c.req.url).origin + FAKE_WEB_PREFIX;
  const repoOf = (c: Context<Env>): FakeRepo | undefined => model.world.repos.get(`${c.req.param('org')}/${c.req.param('repo')}`);
  const notFound = (c: Context<Env>): Response => page(c, 'Not found', '<h1>404: not in the fake GitHub</h1>', 404);
  const user = (c: Context<Env>, login: string): string => `<a href="${esc(base(c))}/${encodeURIComponent(login)}">${esc(login)}</a>`;
  const statuses = (list: FakeStatus[] | undefined): string => {
    // The newest status of each context, as GitHub's combined status shows.
    const latest = new Map<string, FakeStatus>();
    for (const s of list ?? []) latest.set(s.context, s);
    if (latest.size === 0) return '<p>No statuses.</p>';
    return `<ul class="statuses">${[...latest.values()].map((s) => `<li><strong>${esc(s.state)}</strong> ${esc(s.context)}: ${esc(s.description)}${
      /^https?:\/\//.test(s.targetUrl) ? ` <a href="${esc(s.targetUrl)}">Details</a>` : ''}</li>`).join('')}</ul>`;
  };

  app.get(`${FAKE_WEB_PREFIX}`, (c) => page(c, 'fake GitHub', `<h1>Repositories</h1><ul>${[...model.world.repos.values()]
    .map((r) => `<li><a href="${esc(base(c))}/${esc(r.fullName)}">${esc(r.fullName)}</a></li>`).join('')}</ul>`));

  app.get(`${FAKE_WEB_PREFIX}/:login`, (c) => {
    const u = model.world.users.get(c.req.param('login'));
    if (!u) return notFound(c);
    return page(c, u.login, `<h1>${esc(u.login)}</h1>${u.name ? `<p>${esc(u.name)}</p>` : ''}<p>${esc(u.type)}</p>`);
  });

  app.get(`${FAKE_WEB_PREFIX}/:org/:repo`, (c) => {
    const r = repoOf(c);
    if (!r) return notFound(c);
    const pulls = [...r.issues.values()].filter((i) => i.pull);
    return page(c, r.fullName, `<h1>${esc(r.fullName)}</h1><p>Default branch <code>${esc(r.defaultBranch)}</code></p>
<h2>Pull requests</h2><ul>${pulls.map((i) => `<li><a href="${esc(base(c))}/${esc(r.fullName)}/pull/${i.number}">#${i.number} ${esc(i.title)}</a> by ${esc(i.user)} (${esc(i.pull?.merged ? 'merged' : i.state)})</li>`).join('') || '<li>None.</li>'}</ul>`);
  });

  const pullPage = async (c: Context<Env>): Promise<Response> => {
    const r = repoOf(c);
    const issue = r?.issues.get(Number(c.req.param('number')));
    if (!r || !issue?.pull) return notFound(c);
    const head = await model.prHead(r, issue).catch(() => '');
    const comments = [...r.comments.values()].filter((x) => x.issue === issue.number);
    const shown = c.req.param('sha') ?? head;
    return page(c, `${issue.title} #${issue.number}`, `<h1>${esc(issue.title)} <span class="number">#${issue.number}</span></h1>
<p><strong class="pr-state">${esc(issue.pull.merged ? 'merged' : issue.state)}</strong> · ${user(c, issue.user)} wants to merge <code>${esc(issue.pull.headRef)}</code> into <code>${esc(issue.pull.baseRef)}</code> of <a href="${esc(base(c))}/${esc(r.fullName)}">${esc(r.fullName)}</a></p>
<p>Labels: ${issue.labels.map((l) => `<span class="label">${esc(l)}</span>`).join('') || 'none'}</p>
<div class="comment"><h3>${esc(issue.user)} wrote</h3><pre>${esc(issue.body)}</pre></div>
<h2>Commit <span class="sha">${esc(shown.slice(0, 12))}</span>${shown === head ? ' (head)' : ''}</h2>${statuses(r.statuses.get(shown))}
<h2>Comments</h2>${comments.map((x) => `<div class="comment"><h3>${user(c, x.user)} commented</h3><pre>${esc(x.body)}</pre></div>`).join('') || '<p>None yet.</p>'}`);
  };
  app.get(`${FAKE_WEB_PREFIX}/:org/:repo/pull/:number{[0-9]+}`, pullPage);
  app.get(`${FAKE_WEB_PREFIX}/:org/:repo/pull/:number{[0-9]+}/commits/:sha`, pullPage);

  app.get(`${FAKE_WEB_PREFIX}/:org/:repo/commit/:sha`, async (c) => {
    const r = repoOf(c);
    const sha = c.req.param('sha');
    if (!r || !/^[0-9a-f]{4,40}$/.test(sha)) return notFound(c);
    const heads = await model.pullHeads();
    const pulls = [...heads].filter(([issue, h]) => h === sha && r.issues.get(issue.number) === issue).map(([issue]) => issue);
    return page(c, sha.slice(0, 12), `<h1>Commit <span class="sha">${esc(sha)}</span></h1><p>in <a href="${esc(base(c))}/${esc(r.fullName)}">${esc(r.fullName)}</a></p>
${pulls.map((i) => `<p>Head of <a href="${esc(base(c))}/${esc(r.fullName)}/pull/${i.number}">#${i.number} ${esc(i.title)}</a></p>`).join('')}
<h2>Statuses</h2>${statuses(r.statuses.get(sha))}`);
  });

  return app;
}
