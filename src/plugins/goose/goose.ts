// goose (upstream pkg/plugins/goose/goose.go): `/honk` posts a goose from Unsplash (its small image,
// size-checked, 3 tries), else "Unable to find goose. Have you checked the garden?". `goose.key_path`
// holds the Unsplash access key; `goose.url` (ours) points the plugin at another service.
import RE2 from 're2';
import { S } from '../../config/decode.js';
import type { PluginConfigSection } from '../../config/plugin-sections.js';
import type { GenericCommentEvent } from '../../github/event-types.js';
import type { GitHubClient } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';
import { commentOnce } from '../shared/comments.js';
import { apiKey, httpFor, ImageError, imageTooBig, queryEscape } from '../shared/images.js';
import { formatEventResponse } from '../shared/respond.js';
import type { Plugin } from '../types.js';

export const DEFAULT_GOOSE_URL = 'https://api.unsplash.com/photos/random?query=goose';
const honkRe = new RE2('(?mi)^/(honk)\\s*$');

export interface GooseConfig {
  key_path?: string;
  url?: string;
}

export const gooseConfigSection: PluginConfigSection<GooseConfig> = {
  section: 'goose',
  schema: S.obj('Goose', { key_path: S.str, url: S.str }),
  defaults: (raw) => (raw as GooseConfig | undefined) ?? {},
};

export const goosePlugin: Plugin = {
  name: 'goose',
  help: {
    description: 'The goose plugin adds a goose image to an issue or PR in response to the `/honk` command.',
    snippet: 'goose:\n  # Path to the file containing the unsplash.com API key\n  key_path: /etc/unsplash-api/honk.txt\n',
    commands: [{ usage: '/honk', description: 'Add a goose image to the issue or PR', featured: false, whoCanUse: 'Anyone', examples: ['/honk'] }],
  },
  config: gooseConfigSection,
  configHelp: (pc) => ({ '': `The goose plugin uses an api key for unsplash.com stored in ${(pc as { goose?: GooseConfig }).goose?.key_path ?? ''}.` }),
  handlers: {
    genericComment: (e, ctx) => handleGoose(ctx.github, httpFor('goose', ctx.http), ctx.log, e, (ctx.snapshot.plugins as { goose?: GooseConfig }).goose ?? {}, { redelivery: ctx.redelivery, now: ctx.clock.now() }),
  },
};

async function readGoose(http: typeof fetch, uri: string): Promise<string> {
  const res = await http(uri, { signal: AbortSignal.timeout(10_000) });
  if (res.status < 200 || res.status > 299) throw new ImageError(`failing ${res.status} response from ${uri}`);
  const small = ((await res.json()) as { urls?: { small?: string } }).urls?.small ?? '';
  if (small === '') throw new ImageError(`no image url in response from ${uri}`);
  if (await imageTooBig(http, small)) throw new ImageError(`long goose is too long: ${small}`);
  return `\n![goose image](${small})`;
}

export async function handleGoose(
  gh: Pick<GitHubClient, 'botUser' | 'listComments' | 'createComment'>,
  http: typeof fetch,
  log: Logger,
  e: GenericCommentEvent,
  cfg: GooseConfig,
  o: { redelivery?: boolean; now?: Date } = {},
): Promise<void> {
  if (e.action !== 'created' || !honkRe.test(e.body)) return;
  const key = apiKey(cfg.key_path, log, o.now ?? new Date());
  const uri = (cfg.url ?? DEFAULT_GOOSE_URL) + (key !== '' ? `&client_id=${queryEscape(key)}` : '');
  const reply = (text: string) => commentOnce(gh, e.org, e.repo, e.number, formatEventResponse(e, text), o.redelivery ?? true);
  for (let i = 0; i < 3; i++) {
    try {
      await reply(await readGoose(http, uri));
      return;
    } catch (err) {
      log.warn({ err }, 'failed to get goose img');
    }
  }
  await reply('Unable to find goose. Have you checked the garden?');
  throw new ImageError('could not find a valid goose image');
}
