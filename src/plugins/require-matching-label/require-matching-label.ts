// require-matching-label (upstream pkg/plugins/require-matching-label/require-matching-label.go): issues
// and PRs (per entry: org, repo, PR base branch) with no label matching an entry's regexp get its
// missing_label (and missing_comment); once a matching label arrives, both go. Opened/reopened events
// wait the entry's grace_period first, so labels added at creation by other plugins count.
// `/check-required-labels` re-checks on demand.
import RE2 from 're2';
import type { RequireMatchingLabel } from '../../config/types.js';
import type { GenericCommentEvent } from '../../github/event-types.js';
import type { GitHubClient } from '../../github/types.js';
import { compileRegex } from '../../go/regex.js';
import { parseDuration } from '../../go/duration.js';
import type { Logger } from '../../observability/logger.js';
import { commentOnce, pruneBotComments } from '../shared/comments.js';
import { formatSimpleResponse } from '../shared/respond.js';
import type { Plugin, PluginContext } from '../types.js';

const checkRe = new RE2('(?mi)^/check-required-labels\\s*$');
const PR_ACTIONS = new Set(['opened', 'reopened', 'labeled', 'unlabeled']);

export type RequireMatchingLabelGitHub = Pick<GitHubClient, 'listIssueLabels' | 'getPullRequest' | 'addLabel' | 'removeLabel' | 'botUser' | 'listComments' | 'createComment' | 'deleteComment'>;

export interface LabelEvent {
  org: string;
  repo: string;
  number: number;
  /** The PR's base branch; "" for issues. */
  branch: string;
  /** The label of a labeled/unlabeled event, "" otherwise. */
  label: string;
}

/** Upstream RequireMatchingLabel.Describe (pkg/plugins/config.go). */
export function describeRule(c: RequireMatchingLabel): string {
  let out = `Applies the '${c.missing_label}' label ${c.missing_comment ? 'and comments on ' : 'to '}`;
  if (c.issues) out += c.prs ? 'Issues and ' : 'Issues ';
  if (c.prs) out += `${c.branch ? `'${c.branch}' branch ` : ''}PRs `;
  out += c.repo ? `in the '${c.org}/${c.repo}' GitHub repo ` : `in the '${c.org}' GitHub org `;
  return `${out}that have no labels matching the regular expression '${c.regexp}'.`;
}

export const requireMatchingLabelPlugin: Plugin = {
  name: 'require-matching-label',
  help: {
    description: "The require-matching-label plugin is a configurable plugin that applies a label to issues and/or PRs that do not have any labels matching a regular expression. An example of this is applying a 'needs-sig' label to all issues that do not have a 'sig/*' label. This plugin can have multiple configurations to provide this kind of behavior for multiple different label sets. The configuration allows issue type, PR branch, and an optional explanation comment to be specified.",
    snippet: 'require_matching_label:\n- org: org\n  repo: repo\n  branch: master\n  prs: true\n  issues: true\n  regexp: ^kind/\n  missing_label: needs-kind\n  missing_comment: Please add a label referencing the kind.\n  grace_period: 5s\n',
    commands: [{ usage: '/check-required-labels', description: 'Checks for required labels.', featured: true, whoCanUse: 'Anyone', examples: ['/check-required-labels'] }],
  },
  configHelp: (pc) => ({ '': `The plugin has the following configurations:\n<ul><li>${pc.require_matching_label.map(describeRule).join('</li><li>')}</li></ul>` }),
  handlers: {
    issue: (e, ctx) => (PR_ACTIONS.has(e.action) ? run(ctx, { org: e.org, repo: e.repo, number: e.number, branch: '', label: e.label ?? '' }) : Promise.resolve()),
    pullRequest: (e, ctx) => (PR_ACTIONS.has(e.action) ? run(ctx, { org: e.org, repo: e.repo, number: e.number, branch: e.baseRef, label: e.label ?? '' }) : Promise.resolve()),
    genericComment: (e, ctx) => handleCheckRequiredLabels(ctx.github, ctx.log, e, ctx.snapshot.plugins.require_matching_label, ctx.redelivery),
  },
};

function run(ctx: PluginContext, e: LabelEvent): Promise<void> {
  return handleRequireMatchingLabel(ctx.github, ctx.log, e, ctx.snapshot.plugins.require_matching_label, { redelivery: ctx.redelivery });
}

export function matchingRules(rules: readonly RequireMatchingLabel[], e: LabelEvent): RequireMatchingLabel[] {
  return rules.filter((c) => {
    if ((e.branch === '' && !c.issues) || (e.branch !== '' && !c.prs)) return false;
    if (e.org !== c.org || (c.repo && c.repo !== e.repo) || (c.branch && e.branch !== '' && c.branch !== e.branch)) return false;
    return e.label === '' || compileRegex(c.regexp).test(e.label);
  });
}

export interface RequireMatchingLabelOptions {
  redelivery?: boolean;
  sleep?: (ms: number) => Promise<void>;
}

export async function handleRequireMatchingLabel(
  gh: RequireMatchingLabelGitHub,
  log: Logger,
  e: LabelEvent,
  rules: readonly RequireMatchingLabel[],
  o: RequireMatchingLabelOptions = {},
): Promise<void> {
  const matching = matchingRules(rules, e);
  if (matching.length === 0) return;
  if (e.label === '') {
    const grace = Math.max(0, ...matching.map((c) => parseDuration(c.grace_period || '0s')));
    if (grace > 0) await (o.sleep ?? ((ms) => new Promise<void>((r) => setTimeout(r, ms))))(grace);
  }
  // Read the labels now rather than trust the payload: another plugin may have labelled since.
  const labels = await gh.listIssueLabels(e.org, e.repo, e.number);
  for (const c of matching) {
    const re = compileRegex(c.regexp);
    const hasMissing = labels.includes(c.missing_label);
    const hasMatching = labels.some((l) => re.test(l));
    if (hasMatching && hasMissing) {
      await gh.removeLabel(e.org, e.repo, e.number, c.missing_label);
      if (c.missing_comment) await pruneBotComments(gh, e.org, e.repo, e.number, (x) => x.body.includes(c.missing_comment!));
    } else if (!hasMatching && !hasMissing) {
      log.info({ label: c.missing_label }, 'adding missing label');
      await gh.addLabel(e.org, e.repo, e.number, c.missing_label);
      if (c.missing_comment) await commentOnce(gh, e.org, e.repo, e.number, formatSimpleResponse(c.missing_comment), o.redelivery ?? true);
    }
  }
}

export async function handleCheckRequiredLabels(
  gh: RequireMatchingLabelGitHub,
  log: Logger,
  e: GenericCommentEvent,
  rules: readonly RequireMatchingLabel[],
  redelivery = true,
): Promise<void> {
  if (e.issueState !== 'open' || e.action !== 'created' || !checkRe.test(e.body)) return;
  const branch = e.isPR ? (await gh.getPullRequest(e.org, e.repo, e.number)).base.ref : '';
  await handleRequireMatchingLabel(gh, log, { org: e.org, repo: e.repo, number: e.number, branch, label: '' }, rules, { redelivery, sleep: async () => {} });
}
