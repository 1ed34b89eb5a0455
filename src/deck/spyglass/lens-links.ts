// The links lens (upstream pkg/spyglass/lenses/links): `*.link.txt` files hold one URL each (the name,
// "foo-bar.link.txt", becomes "Foo bar"); `*.json` files hold {title, links: [{name, url}]}. gs:// URLs go
// through the GCS browser prefix; http(s) URLs are linked directly with no referrer.
import { html, type SafeHtml } from '../html.js';
import { gcsBrowserPrefix, readSmall, type Lens, type LensInput } from './lenses.js';

const BYTES_LIMIT = 20 * 1024;

interface Link {
  name: string;
  url: string;
}

interface LinkGroup {
  title: string;
  links: Link[];
}

function humanName(file: string): string {
  const words = file.replace(/\.link\.txt$/, '').replace(/\.txt$/, '').split('-');
  if (words[0]) words[0] = words[0].charAt(0).toUpperCase() + words[0].slice(1);
  return words.join(' ');
}

function parseLinkFile(name: string, text: string): LinkGroup {
  if (name.endsWith('.json')) {
    const group = JSON.parse(text) as Partial<LinkGroup>;
    const links = Array.isArray(group.links) ? group.links.filter((l) => l && typeof l.url === 'string').map((l) => ({ name: String(l.name ?? l.url), url: l.url })) : [];
    return { title: String(group.title ?? humanName(name.split('/').pop()!)), links };
  }
  const link = { name: humanName(name.split('/').pop()!), url: text.trim() };
  return { title: link.name, links: [link] };
}

function clickable(url: string, input: LensInput): string | undefined {
  if (url.startsWith('gs://')) {
    const prefix = gcsBrowserPrefix(input.spyglass, input.bucket);
    return prefix ? prefix + url.slice('gs://'.length) : undefined;
  }
  return /^https?:\/\//.test(url) ? url : undefined;
}

export const linksLens: Lens = {
  name: 'links',
  title: 'Debugging links',
  priority: 20,
  async body(input): Promise<SafeHtml> {
    const groups: (LinkGroup | { error: string })[] = [];
    for (const f of input.files) {
      const read = await readSmall(input.store, f, BYTES_LIMIT);
      try {
        groups.push('error' in read ? read : parseLinkFile(f.name, read.text));
      } catch (err) {
        groups.push({ error: `${f.name}: ${(err as Error).message}` });
      }
    }
    return html`<ul class="links">${groups.map((g) => {
      if ('error' in g) return html`<li class="problem">${g.error}</li>`;
      return html`<li>${g.title}<ul>${g.links.map((l) => {
        const href = clickable(l.url, input);
        return html`<li>${href ? html`<a href="${href}" rel="noreferrer noopener">${l.name}</a>` : html`${l.name}: <code>${l.url}</code>`}</li>`;
      })}</ul></li>`;
    })}</ul>`;
  },
};
