// pony (upstream pkg/plugins/pony/pony.go): `/pony [name]` (up to 5 per comment) posts a pony image from
// theponyapi.com (size-checked), or says it could not find one. The API is configurable (`pony.url`: ours).
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

export const DEFAULT_PONY_URL = 'https://theponyapi.com/api/v1/pony/random';
const MAX_PONIES = 5;
const ponyRe = new RE2('(?mi)^/(?:pony)(?: +(.+?))?\\s*$', 'g');

export interface PonyConfig {
  url?: string;
}

export const ponyConfigSection: PluginConfigSection<PonyConfig> = {
  section: 'pony',
  schema: S.obj('Pony', { url: S.str }),
  defaults: (raw) => (raw as PonyConfig | undefined) ?? {},
};

export const ponyPlugin: Plugin = {
  name: 'pony',
  help: {
    description: 'The pony plugin adds a pony image to an issue or PR in response to the `/pony` command.',
    commands: [{ usage: '/(pony) [pony]', description: 'Add a little pony image to the issue or PR. A particular pony can optionally be named for a picture of that specific pony.', featured: false, whoCanUse: 'Anyone', examples: ['/pony', '/pony Twilight Sparkle'] }],
  },
  config: ponyConfigSection,
  handlers: {
    genericComment: (e, ctx) => handlePony(ctx.github, httpFor('pony', ctx.http), ctx.log, e, (ctx.snapshot.plugins as { pony?: PonyConfig }).pony ?? {}, ctx.redelivery),
  },
};

async function readPony(http: typeof fetch, api: string, tags: string): Promise<string> {
  const res = await http(`${api}?q=${encodeURIComponent(tags)}`, { signal: AbortSignal.timeout(10_000) });
  if (res.status !== 200) throw new ImageError('no pony found');
  const body = (await res.json()) as { pony?: { representations?: { full?: string; small?: string } } };
  const small = body.pony?.representations?.small ?? '';
  const full = body.pony?.representations?.full ?? '';
  if (await imageTooBig(http, small)) throw new ImageError('the pony is too big');
  return `[![pony image](${small})](${full})`;
}

export async function handlePony(gh: Pick<GitHubClient, 'botUser' | 'listComments' | 'createComment'>, http: typeof fetch, log: Logger, e: GenericCommentEvent, cfg: PonyConfig, redelivery = true): Promise<void> {
  if (e.action !== 'created') return;
  const matches = [...e.body.matchAll(ponyRe)].slice(0, MAX_PONIES);
  if (matches.length === 0) return;
  const api = cfg.url ?? DEFAULT_PONY_URL;
  let reply = '';
  let tagged = false;
  for (const m of matches) {
    const tags = m[1] ?? '';
    if (tags !== '') tagged = true;
    for (let i = 0; i < 5; i++) {
      try {
        reply += `${await readPony(http, api, tags)}\n`;
        break;
      } catch (err) {
        log.warn({ err }, 'failed to get a pony');
      }
    }
  }
  if (reply !== '') {
    await commentOnce(gh, e.org, e.repo, e.number, formatEventResponse(e, reply), redelivery);
    return;
  }
  const msg = tagged ? "Couldn't find a pony matching given tag(s)." : `${new URL(api).origin} appears to be down`;
  await commentOnce(gh, e.org, e.repo, e.number, formatEventResponse(e, msg), redelivery);
  throw new ImageError('could not find a valid pony image');
}
