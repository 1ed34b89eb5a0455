// heart (upstream pkg/plugins/heart/heart.go): reacts to new PR comments by `heart.adorees` that match
// `heart.commentregexp`, and to PRs that add to OWNERS or OWNERS_ALIASES files.
import RE2 from 're2';
import { ownersFilenamesFor } from '../../config/plugins.js';
import type { PluginsConfig } from '../../config/types.js';
import type { GitHubClient, ReactionContent } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';
import type { Plugin } from '../types.js';
import type { IssueCommentEvent, PullRequestEvent } from '../../github/event-types.js';
import { heartConfigSection } from './heart-config.js';

export const HEART_REACTIONS: readonly ReactionContent[] = ['+1', 'heart', 'hooray'];

export type HeartGitHub = Pick<GitHubClient, 'createCommentReaction' | 'createIssueReaction' | 'listPullRequestFiles'>;

export const heartPlugin: Plugin = {
  name: 'heart',
  config: heartConfigSection,
  help: {
    description:
      'The heart plugin celebrates certain GitHub actions with the reaction emojis. Emojis are added to pull requests that make additions to OWNERS or OWNERS_ALIASES files and to comments left by specified "adorees".',
    snippet: 'heart:\n  adorees:\n    - alice\n    - bob\n  commentregexp: .*\n',
  },
  configHelp: (pc) => ({
    '': `The heart plugin is configured to react to comments,  satisfying the regular expression ${pc.heart?.commentregexp ?? ''}, left by the following GitHub users: ${(pc.heart?.adorees ?? []).join(', ')}.`,
  }),
  handlers: {
    issueComment: (e, ctx) => handleHeartComment(ctx.github, ctx.log, ctx.snapshot.plugins, e),
    pullRequest: (e, ctx) => handleHeartPR(ctx.github, ctx.log, ctx.snapshot.plugins, e),
  },
};

// plugins.yaml is reloaded at run time, so the pattern is compiled on first use and kept per source text.
const compiled = new Map<string, InstanceType<typeof RE2>>();
function commentPattern(source: string): InstanceType<typeof RE2> {
  let re = compiled.get(source);
  if (re === undefined) {
    re = new RE2(source);
    if (compiled.size > 32) compiled.clear();
    compiled.set(source, re);
  }
  return re;
}

/**
 * One of the reactions, picked from `seed` so that a redelivery adds the same one (GitHub keeps one
 * reaction per user and content, so repeating it changes nothing). Upstream picks at random.
 */
export function pickReaction(seed: number): ReactionContent {
  return HEART_REACTIONS[Math.abs(seed) % HEART_REACTIONS.length] as ReactionContent;
}

export async function handleHeartComment(gh: HeartGitHub, log: Logger, pc: PluginsConfig, e: IssueCommentEvent): Promise<void> {
  const adorees = pc.heart?.adorees ?? [];
  const source = pc.heart?.commentregexp ?? '';
  if (adorees.length === 0 || source === '') return;
  if (!e.isPR || e.action !== 'created') return;
  const author = e.comment.user?.login ?? '';
  if (!adorees.includes(author)) return;
  if (!commentPattern(source).test(e.comment.body ?? '')) return;
  log.info({ user: author }, 'this is a wonderful thing');
  await gh.createCommentReaction(e.org, e.repo, e.comment.id, pickReaction(e.comment.id));
}

export async function handleHeartPR(gh: HeartGitHub, log: Logger, pc: PluginsConfig, e: PullRequestEvent): Promise<void> {
  if (e.action !== 'opened') return;
  const names = ownersFilenamesFor(pc, e.org, e.repo);
  for (const f of await gh.listPullRequestFiles(e.org, e.repo, e.number)) {
    const base = f.filename.slice(f.filename.lastIndexOf('/') + 1);
    if ((base === names.owners || base === names.owners_aliases) && f.additions > 0) {
      log.info({ file: f.filename }, 'new owners make me happy');
      await gh.createIssueReaction(e.org, e.repo, e.number, pickReaction(e.number));
      return;
    }
  }
}
