// Plugins write their help (descriptions, who can use a command, config notes) as small HTML fragments,
// as upstream's do (e.g. pkg/plugins/lgtm/lgtm.go links to the docs). Deck shows them as HTML through an
// allow-list: a few inline and block tags, `href` on links only when it is http(s) or relative; every
// other tag, attribute and character is escaped, so help from an external plugin cannot run script.
import { escapeHtml, raw, type SafeHtml } from './html.js';

const ALLOWED_TAGS = new Set(['a', 'code', 'b', 'i', 'em', 'strong', 'br', 'p', 'ul', 'li', 'pre']);
const VOID_TAGS = new Set(['br']);
const TAG_RE = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*(\/?)>/g;
const HREF_RE = /(?:^|\s)href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))/i;
const ENTITY_RE = /&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});/y;

/** Text with its character references kept (`&amp;` stays one ampersand) and everything else escaped. */
function escapeText(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '&') {
      ENTITY_RE.lastIndex = i;
      const m = ENTITY_RE.exec(s);
      if (m) {
        out += m[0];
        i += m[0].length - 1;
        continue;
      }
    }
    out += escapeHtml(s[i]!);
  }
  return out;
}

/** An attribute value as the browser reads it (numeric and the common named references), so the scheme check sees what would be followed. */
function decodeAttribute(s: string): string {
  return s.replace(/&(?:#(\d{1,7})|#x([0-9a-fA-F]{1,6})|(amp|quot|apos|lt|gt|colon|tab|newline));?/g, (_, dec?: string, hex?: string, name?: string) => {
    if (dec || hex) return String.fromCodePoint(Math.min(0x10ffff, Number.parseInt(dec ?? hex ?? '0', dec ? 10 : 16)));
    return { amp: '&', quot: '"', apos: "'", lt: '<', gt: '>', colon: ':', tab: '\t', newline: '\n' }[name ?? ''] ?? '';
  });
}

/** An href that can only navigate: http(s) or same-site relative. Anything else (javascript:, data:, //host) is dropped. */
export function isSafeHref(href: string): boolean {
  const h = href.trim();
  if (/^https?:\/\//i.test(h)) return true;
  // A scheme is letters before a colon that comes before any / ? #; a relative URL has none.
  return !/^[^/?#]*:/.test(h) && !h.startsWith('//') && !/[\u0000-\u001f]/.test(h);
}

function openTag(name: string, attrs: string): string {
  if (name !== 'a') return `<${name}>`;
  const m = HREF_RE.exec(attrs);
  const href = m ? decodeAttribute(m[1] ?? m[2] ?? m[3] ?? '') : undefined;
  return href !== undefined && isSafeHref(href) ? `<a href="${escapeHtml(href)}" rel="noopener nofollow">` : '<a>';
}

/** A help fragment as safe HTML: allowed tags kept (and closed), the rest shown as text. */
export function sanitizeHelpHtml(fragment: string): SafeHtml {
  let out = '';
  const open: string[] = [];
  let last = 0;
  for (const m of fragment.matchAll(TAG_RE)) {
    const [whole, slash, rawName, attrs = '', selfClose] = m;
    const name = rawName!.toLowerCase();
    out += escapeText(fragment.slice(last, m.index));
    last = m.index + whole.length;
    if (!ALLOWED_TAGS.has(name)) {
      out += escapeHtml(whole);
    } else if (VOID_TAGS.has(name)) {
      if (!slash) out += `<${name}>`;
    } else if (slash) {
      const at = open.lastIndexOf(name);
      if (at === -1) continue; // a stray closing tag closes nothing
      while (open.length > at) out += `</${open.pop()}>`;
    } else if (!selfClose) {
      out += openTag(name, attrs);
      open.push(name);
    }
  }
  out += escapeText(fragment.slice(last));
  while (open.length) out += `</${open.pop()}>`;
  return raw(out);
}
