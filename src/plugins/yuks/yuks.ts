// yuks (upstream pkg/plugins/yuks/yuks.go): `/joke` answers with a joke. Upstream fetches one from
// icanhazdadjoke.com; we tell one from our own list (jokes.ts), so hook never calls an outside service.
import RE2 from 're2';
import type { GitHubClient } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';
import type { Plugin } from '../types.js';
import type { GenericCommentEvent } from '../../github/event-types.js';
import { commentOnce } from '../shared/comments.js';
import { formatEventResponse } from '../shared/respond.js';
import { JOKES } from './jokes.js';

const jokeRe = new RE2('(?mi)^/joke\\s*$');
const simpleCharRe = new RE2("^[\\w?'!., ]$");

export type YuksGitHub = Pick<GitHubClient, 'botUser' | 'listComments' | 'createComment'>;

export const yuksPlugin: Plugin = {
  name: 'yuks',
  help: {
    description: 'The yuks plugin comments with jokes in response to the `/joke` command.',
    commands: [{ usage: '/joke', description: 'Tells a joke.', featured: false, whoCanUse: 'Anyone can use the `/joke` command.', examples: ['/joke'] }],
  },
  handlers: { genericComment: (e, ctx) => handleYuks(ctx.github, ctx.log, e, JOKES, ctx.redelivery) },
};

/** Writes every character outside `[\w?'!., ]` as an HTML numeric entity, so a joke cannot carry markdown. */
export function escapeMarkdown(s: string): string {
  let out = '';
  for (const ch of s) out += simpleCharRe.test(ch) ? ch : `&#${ch.codePointAt(0) ?? 0};`;
  return out;
}

/** The joke for a comment: chosen from its id, so a redelivery picks the same one (and posts nothing new). */
export function pickJoke(seed: string, jokes: readonly string[] = JOKES): string {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619) >>> 0;
  return jokes[h % jokes.length] ?? '';
}

/** `redelivery` (default true): check the bot's comments before replying (PluginContext.redelivery). */
export async function handleYuks(
  gh: YuksGitHub, log: Logger, e: GenericCommentEvent, jokes: readonly string[] = JOKES, redelivery = true,
): Promise<void> {
  if (e.action !== 'created' || !jokeRe.test(e.body)) return;
  if (jokes.length === 0) return;
  const joke = escapeMarkdown(pickJoke(`${e.org}/${e.repo}#${e.number}:${e.nodeId || e.id}`, jokes));
  log.info({ joke }, 'telling a joke');
  await commentOnce(gh, e.org, e.repo, e.number, formatEventResponse(e, joke), redelivery);
}
