// buildifier (upstream pkg/plugins/buildifier/buildifier.go): `/buildify` or `/buildifier` on an open PR
// checks the PR's changed Bazel files (BUILD*, WORKSPACE*, *.bzl; not removed, renamed or generated) and
// posts one review with a comment on each file that needs formatting. Upstream clones the PR; we read the
// files at the PR's head through the contents API, as golint does.
import RE2 from 're2';
import type { GenericCommentEvent } from '../../github/event-types.js';
import type { GitHubClient, ReviewInput } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';
import { formatEventResponse } from '../shared/respond.js';
import { loadGeneratedMatcher } from '../size/generated-files.js';
import type { Plugin } from '../types.js';
import { buildifierBinary, needsFormatting } from './run-buildifier.js';

const buildifyRe = new RE2('(?mi)^/buildif(y|ier)\\s*$');

export type BuildifierGitHub = Pick<GitHubClient, 'getPullRequest' | 'listPullRequestFiles' | 'getFile' | 'listReviews' | 'createReview'>;

export const buildifierPlugin: Plugin = {
  name: 'buildifier',
  help: {
    description: 'The buildifier plugin runs buildifier on changes made to Bazel files in a PR. It then creates a new review on the pull request and leaves warnings at the appropriate lines of code.',
    commands: [{ usage: '/buildif(y|ier)', featured: false, description: 'Runs buildifier on changes made to Bazel files in a PR', whoCanUse: 'Anyone can trigger this command on a PR.', examples: ['/buildify', '/buildifier'] }],
  },
  handlers: { genericComment: (e, ctx) => handleBuildifier(ctx.github, ctx.log, e, { redelivery: ctx.redelivery }) },
};

/** upstream modifiedBazelFiles' name rule ("BUILD" also matches BUILD.bazel) */
export function isBazelFile(name: string): boolean {
  if (name.includes('BUILD') || name.includes('WORKSPACE')) return true;
  const base = name.slice(name.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot >= 0 && base.slice(dot) === '.bzl';
}

/** Where GitHub's "position 1" of a patch is, as a line and side (the first line after the first hunk header). */
export function firstPatchLine(patch: string | undefined): { line: number; side: 'LEFT' | 'RIGHT' } | undefined {
  if (patch === undefined) return undefined;
  const lines = patch.split('\n');
  const m = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(lines[0] ?? '');
  if (!m || lines.length < 2) return undefined;
  return lines[1]!.startsWith('-') ? { line: Number(m[1]), side: 'LEFT' } : { line: Number(m[2]), side: 'RIGHT' };
}

export async function handleBuildifier(
  gh: BuildifierGitHub,
  log: Logger,
  e: GenericCommentEvent,
  o: { redelivery?: boolean; binary?: string } = {},
): Promise<void> {
  if (e.issueState !== 'open' || !e.isPR || e.action !== 'created' || !buildifyRe.test(e.body)) return;
  // A redelivered command that was answered already: the review quotes the comment's URL.
  if ((o.redelivery ?? true) && (await gh.listReviews(e.org, e.repo, e.number)).some((r) => r.body.includes(`(${e.htmlURL})`))) return;
  const pr = await gh.getPullRequest(e.org, e.repo, e.number);
  const changes = await gh.listPullRequestFiles(e.org, e.repo, e.number);
  const candidates = changes.filter((c) => c.status !== 'removed' && c.status !== 'renamed' && isBazelFile(c.filename));
  if (candidates.length === 0) return;
  const generated = await loadGeneratedMatcher(gh, e.org, e.repo, pr.head.sha, { linguist: false }); // upstream genfiles.NewGroup
  const files = candidates.filter((c) => !generated.isGenerated(c.filename));
  if (files.length === 0) return;
  log.info({ files: files.length }, 'buildifying modified bazel files');

  const bin = o.binary ?? buildifierBinary();
  const comments: NonNullable<ReviewInput['comments']> = [];
  for (const f of files) {
    const src = await gh.getFile(e.org, e.repo, f.filename, pr.head.sha);
    if (src === undefined || !(await needsFormatting(bin, f.filename, src))) continue;
    const at = firstPatchLine(f.patch);
    comments.push({
      path: f.filename,
      body: ['This Bazel file needs formatting, run:', '```shell', `buildifier -mode=fix ${JSON.stringify(f.filename)}`, '```'].join('\n'),
      ...(at ?? {}),
    });
  }
  const s = comments.length === 1 ? '' : 's';
  await gh.createReview(e.org, e.repo, e.number, { body: formatEventResponse(e, `${comments.length} warning${s}.`), event: 'COMMENT', comments });
}
