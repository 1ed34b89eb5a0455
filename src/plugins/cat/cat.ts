// cat (upstream pkg/plugins/cat/cat.go): `/meow [category]` posts a cat from thecatapi.com, `/meowvie` a
// GIF; `/meow grumpy` (or `no`) the grumpy cat. `cat.key_path` holds the API key (re-read at most once a
// minute). The API and the grumpy image's root are configurable (`cat.url`, `cat.grumpy_root`: ours).
import { readFileSync } from 'node:fs';
import RE2 from 're2';
import { S } from '../../config/decode.js';
import type { PluginConfigSection } from '../../config/plugin-sections.js';
import type { GenericCommentEvent } from '../../github/event-types.js';
import type { GitHubClient } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';
import { commentOnce } from '../shared/comments.js';
import { httpFor, ImageError, imageTooBig } from '../shared/images.js';
import { formatEventResponse } from '../shared/respond.js';
import type { Plugin } from '../types.js';

export const DEFAULT_CAT_URL = 'https://api.thecatapi.com/v1/images/search?format=json&results_per_page=1';
export const DEFAULT_GRUMPY_ROOT = 'https://upload.wikimedia.org/wikipedia/commons/e/ee/';
const GRUMPY_IMG = 'Grumpy_Cat_by_Gage_Skidmore.jpg';
const meowRe = new RE2('(?mi)^/meow(vie)?(?: (.+))?\\s*$');
const grumpyRe = new RE2('(?mi)^(no|grumpy)\\s*$');

export interface CatConfig {
  key_path?: string;
  url?: string;
  grumpy_root?: string;
}

export const catConfigSection: PluginConfigSection<CatConfig> = {
  section: 'cat',
  schema: S.obj('Cat', { key_path: S.str, url: S.str, grumpy_root: S.str }),
  defaults: (raw) => (raw as CatConfig | undefined) ?? {},
};

export const catPlugin: Plugin = {
  name: 'cat',
  help: {
    description: 'The cat plugin adds a cat image to an issue or PR in response to the `/meow` command.',
    snippet: 'cat:\n  # Path to the file containing the thecatapi.com API key\n  key_path: /etc/cat-api/api-key\n',
    commands: [{ usage: '/meow(vie) [CATegory]', description: 'Add a cat image to the issue or PR', featured: false, whoCanUse: 'Anyone', examples: ['/meow', '/meow caturday', '/meowvie clothes'] }],
  },
  config: catConfigSection,
  configHelp: (pc) => ({ '': `The cat plugin uses an api key for thecatapi.com stored in ${(pc as { cat?: CatConfig }).cat?.key_path ?? ''}.` }),
  handlers: {
    genericComment: (e, ctx) => handleCat(ctx.github, httpFor('cat', ctx.http), ctx.log, e, (ctx.snapshot.plugins as { cat?: CatConfig }).cat ?? {}, { redelivery: ctx.redelivery, now: ctx.clock.now() }),
  },
};

const keys = new Map<string, { key: string; until: number }>();
function apiKey(path: string | undefined, log: Logger, now: Date): string {
  if (path === undefined || path === '') return '';
  const cached = keys.get(path);
  if (cached !== undefined && now.getTime() < cached.until) return cached.key;
  let key = '';
  try {
    key = readFileSync(path, 'utf8').trim();
  } catch (err) {
    log.error({ err, key_path: path }, 'failed to read the cat api key');
  }
  keys.set(path, { key, until: now.getTime() + 60_000 });
  return key;
}

/** The search URL upstream builds: category, api_key and (for /meowvie) GIFs only. */
/** Go's url.QueryEscape: spaces as +. */
const queryEscape = (s: string): string => encodeURIComponent(s).replace(/%20/g, '+').replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export function catURL(base: string, category: string, movie: boolean, key: string): string {
  let uri = base;
  if (category !== '') uri += `&category=${queryEscape(category)}`;
  if (key !== '') uri += `&api_key=${queryEscape(key)}`;
  if (movie) uri += '&mime_types=gif';
  return uri;
}

async function readCat(http: typeof fetch, uri: string, category: string, grumpyRoot: string): Promise<string> {
  let image: string;
  if (grumpyRe.test(category)) image = grumpyRoot + GRUMPY_IMG;
  else {
    const res = await http(uri, { signal: AbortSignal.timeout(10_000) });
    if (res.status < 200 || res.status > 299) throw new ImageError(`failing ${res.status} response from ${uri}`);
    const cats = (await res.json()) as { url?: string }[];
    if (!Array.isArray(cats) || cats.length < 1) throw new ImageError(`no cats in response from ${uri}`);
    image = cats[0]?.url ?? '';
    if (image === '') throw new ImageError(`no image url in response from ${uri}`);
  }
  if (await imageTooBig(http, image)) throw new ImageError(`longcat is too long: ${image}`);
  return `![cat image](${image})`;
}

export async function handleCat(
  gh: Pick<GitHubClient, 'botUser' | 'listComments' | 'createComment'>,
  http: typeof fetch,
  log: Logger,
  e: GenericCommentEvent,
  cfg: CatConfig,
  o: { redelivery?: boolean; now?: Date } = {},
): Promise<void> {
  if (e.action !== 'created') return;
  const m = meowRe.exec(e.body);
  if (m === null) return;
  const category = (m[2] ?? '').trim();
  const movie = (m[1] ?? '') !== '';
  const uri = catURL(cfg.url ?? DEFAULT_CAT_URL, category, movie, apiKey(cfg.key_path, log, o.now ?? new Date()));
  const reply = (text: string) => commentOnce(gh, e.org, e.repo, e.number, formatEventResponse(e, text), o.redelivery ?? true);
  for (let i = 0; i < 3; i++) {
    try {
      const image = await readCat(http, uri, category, cfg.grumpy_root ?? DEFAULT_GRUMPY_ROOT);
      await reply(image);
      return;
    } catch (err) {
      log.warn({ err }, 'failed to get cat img');
    }
  }
  await reply(category !== '' ? 'Bad category. Please see https://api.thecatapi.com/api/categories/list' : 'https://thecatapi.com appears to be down');
  throw new ImageError('could not find a valid cat image');
}
