// dog (upstream pkg/plugins/dog/dog.go): `/woof` or `/bark` posts a random dog image (jpg, gif or png
// only, size-checked) from random.dog's API; `/this-is-fine`, `/this-is-not-fine` and
// `/this-is-unbearable` post fixed images. The API and the fixed images' root are configurable
// (`dog.url`, `dog.fine_images_root`: ours) so tests and air-gapped installs can point elsewhere.
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

export const DEFAULT_DOG_URL = 'https://random.dog/woof.json';
export const DEFAULT_FINE_IMAGES_ROOT = 'https://storage.googleapis.com/this-is-fine-images/';
const woofRe = new RE2('(?mi)^/(woof|bark)\\s*$');
const fineRe = new RE2('(?mi)^/this-is-fine\\s*$');
const notFineRe = new RE2('(?mi)^/this-is-not-fine\\s*$');
const unbearableRe = new RE2('(?mi)^/this-is-unbearable\\s*$');
const fileTypesRe = new RE2('(?i)\\.(jpg|gif|png)$');

export interface DogConfig {
  url?: string;
  fine_images_root?: string;
}

export const dogConfigSection: PluginConfigSection<DogConfig> = {
  section: 'dog',
  schema: S.obj('Dog', { url: S.str, fine_images_root: S.str }),
  defaults: (raw) => (raw as DogConfig | undefined) ?? {},
};

export const dogPlugin: Plugin = {
  name: 'dog',
  help: {
    description: 'The dog plugin adds a dog image to an issue or PR in response to the `/woof` command.',
    commands: [{ usage: '/(woof|bark|this-is-{fine|not-fine|unbearable})', description: 'Add a dog image to the issue or PR', featured: false, whoCanUse: 'Anyone', examples: ['/woof', '/bark', '/this-is-{fine|not-fine|unbearable}'] }],
  },
  config: dogConfigSection,
  handlers: {
    genericComment: (e, ctx) => handleDog(ctx.github, httpFor('dog', ctx.http), ctx.log, e, (ctx.snapshot.plugins as { dog?: DogConfig }).dog ?? {}, ctx.redelivery),
  },
};

/** `[![dog image](url)](url)` for an absolute URL. */
export function formatDogURL(url: string): string {
  if (url === '') throw new ImageError('empty url');
  if (!URL.canParse(url)) throw new ImageError(`invalid url ${url}`);
  return `[![dog image](${url})](${url})`;
}

async function readDog(http: typeof fetch, api: string, fixed: string): Promise<string> {
  let url = fixed;
  if (url === '') {
    const res = await http(api, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(10_000) });
    url = ((await res.json()) as { url?: string }).url ?? '';
  }
  if (!fileTypesRe.test(url)) throw new ImageError(`unsupported doggo :( unknown filetype: ${url}`);
  if (await imageTooBig(http, url)) throw new ImageError(`unsupported doggo :( size too big: ${url}`);
  return formatDogURL(url);
}

export async function handleDog(gh: Pick<GitHubClient, 'botUser' | 'listComments' | 'createComment'>, http: typeof fetch, log: Logger, e: GenericCommentEvent, cfg: DogConfig, redelivery = true): Promise<void> {
  if (e.action !== 'created') return;
  const root = cfg.fine_images_root ?? DEFAULT_FINE_IMAGES_ROOT;
  let fixed = '';
  if (!woofRe.test(e.body)) {
    if (fineRe.test(e.body)) fixed = `${root}this_is_fine.png`;
    else if (notFineRe.test(e.body)) fixed = `${root}this_is_not_fine.png`;
    else if (unbearableRe.test(e.body)) fixed = `${root}this_is_unbearable.jpg`;
    if (fixed === '') return;
  }
  for (let i = 0; i < 5; i++) {
    let image: string;
    try {
      image = await readDog(http, cfg.url ?? DEFAULT_DOG_URL, fixed);
    } catch (err) {
      log.warn({ err }, 'failed to get dog img');
      continue;
    }
    await commentOnce(gh, e.org, e.repo, e.number, formatEventResponse(e, image), redelivery);
    return;
  }
  throw new ImageError('could not find a valid dog image');
}
