// HTML building for deck's server-rendered pages. Every interpolated value is escaped unless it is
// already SafeHtml, so a job name or a log line can never inject markup.

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** Marks trusted markup (built by this module or by a converter that escapes its input). */
export function raw(s: string): SafeHtml {
  return new SafeHtml(s);
}

function render(value: unknown): string {
  if (value === undefined || value === null || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** Tagged template: `html\`<td>${name}</td>\`` escapes name; arrays are joined; null/undefined/false render nothing. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return new SafeHtml(out);
}

export interface PageOptions {
  title: string;
  body: SafeHtml;
  /** Signed-in GitHub login, if any. */
  user?: string | undefined;
  csrf: string;
  /** Browser bundle name under /static/ (without .js). */
  script?: string;
  /** The current path, for the sign-in link's return address. */
  path?: string;
  headerColor?: string | undefined;
}

export function page(o: PageOptions): string {
  const back = encodeURIComponent(o.path ?? '/');
  const who = o.user
    ? html`<span class="user">Signed in as <strong>${o.user}</strong></span>
<form method="post" action="/logout" class="inline"><input type="hidden" name="csrf" value="${o.csrf}"><input type="hidden" name="dest" value="${o.path ?? '/'}"><button type="submit" class="link" id="sign-out">Sign out</button></form>`
    : html`<a href="/login?dest=${back}">Sign in</a>`;
  const style = o.headerColor && /^#[0-9a-fA-F]{3,8}$/.test(o.headerColor) ? html` style="background:${o.headerColor}"` : '';
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="${o.csrf}">
<title>${o.title} · Prow</title>
<link rel="stylesheet" href="/static/deck.css">
${o.script ? html`<script src="/static/${o.script}.js" defer></script>` : ''}
</head><body>
<header${style}><a class="brand" href="/">Prow</a><nav><a href="/">Jobs</a><a href="/tide">Tide</a><a href="/command-help">Command help</a></nav><div class="who">${who}</div></header>
<main>
${o.body}
</main></body></html>`.value;
}
