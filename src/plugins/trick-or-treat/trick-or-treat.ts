// trick-or-treat (upstream pkg/plugins/trick-or-treat/trick-or-treat.go): `/trick-or-treat` (or
// `/trickortreat`) answers with a random candy image that GitHub can embed (size-checked with a HEAD, as the
// other image plugins do). The image list is configurable (`trick_or_treat.images`: ours).
import RE2 from 're2';
import { S } from '../../config/decode.js';
import { strList, type PluginConfigSection } from '../../config/plugin-sections.js';
import type { GenericCommentEvent } from '../../github/event-types.js';
import type { GitHubClient } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';
import { hasBotComment } from '../shared/comments.js';
import { httpFor, ImageError, imageTooBig } from '../shared/images.js';
import { formatEventResponse } from '../shared/respond.js';
import type { Plugin } from '../types.js';
import { DEFAULT_CANDY_IMAGES } from './candies.js';

const trickOrTreatRe = new RE2('(?mi)^/trick(\\-)?or(\\-)?treat(?: (.+))?\\s*$');
const ATTEMPTS = 3;

export interface TrickOrTreatConfig {
  images?: string[];
}

export const trickOrTreatConfigSection: PluginConfigSection<TrickOrTreatConfig> = {
  section: 'trick_or_treat',
  schema: S.obj('TrickOrTreat', { images: strList }),
  defaults: (raw) => (raw as TrickOrTreatConfig | undefined) ?? {},
};

export type TrickOrTreatGitHub = Pick<GitHubClient, 'botUser' | 'listComments' | 'createComment'>;

export const trickOrTreatPlugin: Plugin = {
  name: 'trick-or-treat',
  help: {
    description: 'The trick-or-treat plugin adds a candy image to an issue or PR in response to the `/trick-or-treat` command.',
    commands: [{ usage: '/trick(-)or(-)treat', description: 'Add a candy image to the issue or PR', featured: false, whoCanUse: 'Anyone', examples: ['/trick-or-treat', '/trickortreat'] }],
  },
  config: trickOrTreatConfigSection,
  handlers: {
    genericComment: (e, ctx) => handleTrickOrTreat(ctx.github, httpFor('trick-or-treat', ctx.http), ctx.log, e, {
      images: (ctx.snapshot.plugins as { trick_or_treat?: TrickOrTreatConfig }).trick_or_treat?.images ?? DEFAULT_CANDY_IMAGES,
      redelivery: ctx.redelivery,
    }),
  },
};

/** Upstream readImage: up to three random picks, skipping images GitHub would not embed. */
async function pickCandy(http: typeof fetch, images: readonly string[], random: () => number, log: Logger): Promise<string> {
  let last: unknown;
  for (let i = 0; i < ATTEMPTS; i++) {
    const url = images[Math.floor(random() * images.length)]!;
    try {
      if (!(await imageTooBig(http, url))) return `![candy image](${url})`;
      last = new ImageError(`image too big: ${url}`);
    } catch (err) {
      last = err;
    }
  }
  log.debug({ err: last }, 'failed to read an image');
  throw last instanceof Error ? last : new ImageError('no candy image');
}

export async function handleTrickOrTreat(
  gh: TrickOrTreatGitHub, http: typeof fetch, log: Logger, e: GenericCommentEvent,
  o: { images: readonly string[]; redelivery?: boolean; random?: () => number },
): Promise<void> {
  if (e.action !== 'created' || !trickOrTreatRe.test(e.body)) return;
  if (o.images.length === 0) throw new ImageError('trick-or-treat: trick_or_treat.images is empty');
  // The picture is random, so a redelivery looks for any candy answer to this very comment.
  if (o.redelivery !== false && (await hasBotComment(gh, e.org, e.repo, e.number, (c) => c.body.includes(`In response to [this](${e.htmlURL})`) && c.body.includes('![candy image]')))) return;
  for (let i = 0; i < ATTEMPTS; i++) {
    try {
      const img = await pickCandy(http, o.images, o.random ?? Math.random, log);
      await gh.createComment(e.org, e.repo, e.number, formatEventResponse(e, img));
      return;
    } catch (err) {
      if (!(err instanceof ImageError) && !(err instanceof TypeError)) throw err;
      log.error({ err }, 'failed to get an image');
    }
  }
  throw new ImageError('could not find a valid candy image');
}
