// label (upstream pkg/plugins/label/label.go): /kind, /area, /sig, /priority, /triage, /committee,
// /language, /wg and their /remove-* forms; /label and /remove-label for configured custom labels;
// restricted labels for allowed teams and users, and assign_on when such a label is added to a PR.
import RE2 from 're2';
import { restrictedLabelsFor } from '../../config/plugins.js';
import type { LabelConfig, PluginsConfig, RestrictedLabel } from '../../config/types.js';
import type { GitHubClient } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';
import type { Plugin } from '../types.js';
import type { GenericCommentEvent, PullRequestEvent } from '../../github/event-types.js';
import { botLogin, commentOnce } from '../shared/comments.js';
import { isBotLogin } from '../../github/login.js';
import { TRIAGE_ACCEPTED, hasLabel } from '../../api/labels.js';
import { dropHtmlComments, findAllMatches } from '../shared/markdown.js';
import { formatResponseRaw } from '../shared/respond.js';
import { labelConfigSection } from './label-config.js';

const PREFIXES = 'area|committee|kind|language|priority|sig|triage|wg';
const labelRe = new RE2(`(?m)^/(${PREFIXES})\\s*(.*?)\\s*$`, 'g');
const removeLabelRe = new RE2(`(?m)^/remove-(${PREFIXES})\\s*(.*?)\\s*$`, 'g');
const customLabelRe = new RE2('(?m)^/label\\s*(.*?)\\s*$', 'g');
const customRemoveLabelRe = new RE2('(?m)^/remove-label\\s*(.*?)\\s*$', 'g');

/** Categories that get a `needs-<category>` label when a comment removes all of their labels. */
const NEEDS_CATEGORIES = ['kind', 'priority', 'sig', 'triage'];
const DEFAULT_CATEGORIES = ['kind', 'priority', 'area'];

export type LabelGitHub = Pick<
  GitHubClient,
  | 'listRepoLabels'
  | 'listIssueLabels'
  | 'addLabel'
  | 'removeLabel'
  | 'isMember'
  | 'getTeamMembership'
  | 'assignIssue'
  | 'listIssueEvents'
  | 'botUser'
  | 'listComments'
  | 'createComment'
>;

export const labelPlugin: Plugin = {
  name: 'label',
  config: labelConfigSection,
  help: {
    description:
      "The label plugin provides commands that add or remove certain types of labels. Labels of the following types can be manipulated: 'area/*', 'committee/*', 'kind/*', 'language/*', 'priority/*', 'sig/*', 'triage/*', and 'wg/*'. More labels can be configured to be used via the /label command. Restricted labels are only able to be added by the teams and users present in their configuration, and those users can be automatically assigned when another label is added using the assign_on config.",
    snippet:
      'label:\n  additional_labels:\n    - api-review\n    - community/discussion\n  restricted_labels:\n    "*":\n      - label: restricted-label\n        allowed_teams: [authorized-team]\n        allowed_users: [alice, bob]\n        assign_on:\n          - label: other-label\n',
    commands: [
      {
        usage: '/[remove-](area|committee|kind|language|priority|sig|triage|wg|label) <target>',
        description: 'Applies or removes a label from one of the recognized types of labels.',
        featured: false,
        whoCanUse:
          'Anyone can trigger this command on issues and PRs. `triage/accepted` can only be added by org members. Restricted labels are only able to be added by teams and users in their configuration.',
        examples: ['/kind bug', '/remove-area prow', '/sig testing', '/language zh', '/label foo-bar-baz'],
      },
    ],
  },
  configHelp: (pc) => ({ '': labelConfigHelp(pc) }),
  handlers: {
    genericComment: (e, ctx) => handleLabelComment(ctx.github, ctx.log, ctx.snapshot.plugins, e),
    pullRequest: (e, ctx) => handleLabelAssignOn(ctx.github, ctx.log, ctx.snapshot.plugins, e),
  },
};

function labelConfigHelp(pc: PluginsConfig): string {
  const kinds = [...DEFAULT_CATEGORIES, ...(pc.label?.additional_labels ?? [])].map((l) => `"${l}/*"`);
  const last = kinds.pop();
  return `The label plugin will work on ${kinds.join(', ')} and ${last} labels.`;
}

/** Each space-separated argument of `/area a b` becomes `area/a`, `area/b`, lower-cased. */
function prefixedLabels(matches: RegExpExecArray[]): string[] {
  const out: string[] = [];
  for (const m of matches) {
    const words = m[0].trim().split(' ').slice(1);
    for (const w of words) out.push(`${m[1]}/${w.trim()}`.toLowerCase());
  }
  return out;
}

/** `/label x` with exactly one argument; an argument that is not configured goes on `unsupported`. */
function customLabels(matches: RegExpExecArray[], isConfigured: (l: string) => boolean, unsupported: string[]): string[] {
  const out: string[] = [];
  for (const m of matches) {
    const parts = m[0].trim().split(' ');
    if ((parts[0] !== '/label' && parts[0] !== '/remove-label') || parts.length !== 2) continue;
    const label = (parts[1] ?? '').toLowerCase();
    if (isConfigured(label)) out.push(label);
    else unsupported.push(m[0]);
  }
  return out;
}

function withCategory(labels: Iterable<string>, category: string): Set<string> {
  const out = new Set<string>();
  for (const l of labels) if (l.startsWith(`${category}/`)) out.add(l);
  return out;
}

/** Restricted labels for org/repo keyed by lower-cased label name. */
function restrictedMap(pc: PluginsConfig, org: string, repo: string): Map<string, RestrictedLabel> {
  const m = new Map<string, RestrictedLabel>();
  for (const r of restrictedLabelsFor(pc, org, repo)) m.set(r.label.toLowerCase(), r);
  return m;
}

/** undefined when `user` may set `label`, else the reason to reply with. */
async function whyCannotSet(
  gh: LabelGitHub,
  org: string,
  user: string,
  label: string,
  restricted: Map<string, RestrictedLabel>,
): Promise<string | undefined> {
  const rule = restricted.get(label);
  if (rule === undefined) return undefined;
  if ((rule.allowed_users ?? []).some((u) => u.toLowerCase() === user.toLowerCase())) return undefined;
  for (const team of rule.allowed_teams ?? []) {
    const membership = await gh.getTeamMembership(org, team, user);
    if (membership !== undefined && membership.state === 'active') return undefined;
  }
  let msg = `The label(s) \`${label}\` cannot be applied or removed, because you are not in one of the allowed teams and are not an allowed user.`;
  const teams = rule.allowed_teams ?? [];
  const users = rule.allowed_users ?? [];
  if (teams.length > 0) msg += ` Must be a member of one of these teams: ${teams.join(', ')}`;
  // Upstream shows up to 20 users in random order; we show the first 20 so the reply is stable.
  else if (users.length > 0) msg += ` Consider assigning one of the following members: ${users.slice(0, 20).join(',')}`;
  return msg;
}

export async function handleLabelComment(gh: LabelGitHub, log: Logger, pc: PluginsConfig, e: GenericCommentEvent): Promise<void> {
  if (e.action !== 'created') return;
  const body = dropHtmlComments(e.body);
  const addMatches = findAllMatches(labelRe, body);
  const removeMatches = findAllMatches(removeLabelRe, body);
  const customAdd = findAllMatches(customLabelRe, body);
  const customRemove = findAllMatches(customRemoveLabelRe, body);
  if (addMatches.length + removeMatches.length + customAdd.length + customRemove.length === 0) return;

  const config: LabelConfig = pc.label ?? {};
  const [repoLabelList, issueLabels] = await Promise.all([
    gh.listRepoLabels(e.org, e.repo),
    gh.listIssueLabels(e.org, e.repo, e.number),
  ]);
  const repoLabels = new Set(repoLabelList.map((l) => l.name.toLowerCase()));
  const restricted = restrictedMap(pc, e.org, e.repo);
  const additional = new Set((config.additional_labels ?? []).map((l) => l.toLowerCase()));
  const isConfigured = (l: string): boolean => restricted.has(l) || additional.has(l);

  const unsupported: string[] = [];
  const toAdd = [...prefixedLabels(addMatches), ...customLabels(customAdd, isConfigured, unsupported)];
  const toRemove = [...prefixedLabels(removeMatches), ...customLabels(customRemove, isConfigured, unsupported)];

  for (const category of NEEDS_CATEGORIES) {
    const needs = `needs-${category}`;
    if (!repoLabels.has(needs)) continue;
    const removed = withCategory(toRemove, category);
    if (removed.size === 0 || withCategory(toAdd, category).size > 0) continue;
    const present = withCategory(issueLabels.map((l) => l.toLowerCase()), category);
    if ([...present].every((l) => removed.has(l))) toAdd.push(needs);
  }

  const reply = (text: string): Promise<boolean> =>
    commentOnce(gh, e.org, e.repo, e.number, formatResponseRaw(body, e.htmlURL, e.user, text));
  const missingInRepo: string[] = [];
  const notOnIssue: string[] = [];
  let nonMemberTriageAccepted = false;

  for (const label of toAdd) {
    if (hasLabel(issueLabels, label)) continue;
    if (!repoLabels.has(label)) {
      missingInRepo.push(label);
      continue;
    }
    if (label === TRIAGE_ACCEPTED && !(await gh.isMember(e.org, e.user))) {
      nonMemberTriageAccepted = true;
      continue;
    }
    const refusal = await whyCannotSet(gh, e.org, e.user, label, restricted);
    if (refusal !== undefined) {
      await reply(refusal);
      continue;
    }
    log.info({ label }, 'adding label');
    await gh.addLabel(e.org, e.repo, e.number, label);
  }

  for (const label of toRemove) {
    if (!hasLabel(issueLabels, label)) {
      notOnIssue.push(label);
      continue;
    }
    if (!repoLabels.has(label)) continue;
    const refusal = await whyCannotSet(gh, e.org, e.user, label, restricted);
    if (refusal !== undefined) {
      await reply(refusal);
      continue;
    }
    log.info({ label }, 'removing label');
    await gh.removeLabel(e.org, e.repo, e.number, label);
  }

  const strayRemovals = notOnIssue.length > 0 ? await notRemovedByBot(gh, e, notOnIssue) : [];
  // At most one summary reply, in upstream's order of priority.
  if (unsupported.length > 0) {
    const supported = [...(config.additional_labels ?? []), ...[...restricted.keys()].sort()];
    await reply(
      `The label(s) \`${unsupported.join(', ')}\` cannot be applied. These labels are supported: \`${supported.join(', ')}\`. Is this label configured under \`labels -> additional_labels\` or \`labels -> restricted_labels\` in \`plugin.yaml\`?`,
    );
  } else if (missingInRepo.length > 0) {
    await reply(`The label(s) \`${missingInRepo.join(', ')}\` cannot be applied, because the repository doesn't have them.`);
  } else if (strayRemovals.length > 0) {
    await reply(`Those labels are not set on the issue: \`${strayRemovals.join(', ')}\``);
  } else if (nonMemberTriageAccepted) {
    await reply(`The label \`${TRIAGE_ACCEPTED}\` cannot be applied. Only GitHub organization members can add the label.`);
  }
}

/**
 * The labels of `labels` that the bot did not itself remove last. A redelivered `/remove-kind bug` finds
 * the label already gone because we removed it; that must not earn a "not set on the issue" reply.
 */
async function notRemovedByBot(gh: LabelGitHub, e: GenericCommentEvent, labels: string[]): Promise<string[]> {
  const bot = await botLogin(gh);
  const lastUnlabeledBy = new Map<string, string>();
  for (const ev of await gh.listIssueEvents(e.org, e.repo, e.number)) {
    if (ev.event === 'unlabeled' && ev.label !== null) lastUnlabeledBy.set(ev.label.toLowerCase(), ev.actor?.login ?? '');
  }
  return labels.filter((l) => {
    const actor = lastUnlabeledBy.get(l);
    return actor === undefined || !isBotLogin(actor, bot);
  });
}

/** On a PR `labeled` event, assigns the allowed users of every restricted label whose assign_on names it. */
export async function handleLabelAssignOn(gh: LabelGitHub, log: Logger, pc: PluginsConfig, e: PullRequestEvent): Promise<void> {
  if (e.action !== 'labeled' || e.label === undefined) return;
  const added = e.label.toLowerCase();
  for (const rule of restrictedLabelsFor(pc, e.org, e.repo)) {
    if (!(rule.assign_on ?? []).some((a) => a.label.toLowerCase() === added)) continue;
    const users = rule.allowed_users ?? [];
    if (users.length === 0) continue;
    log.info({ label: rule.label, users }, 'assigning users for restricted label');
    // Assigning someone already assigned changes nothing on GitHub, so a redelivery is harmless.
    try {
      await gh.assignIssue(e.org, e.repo, e.number, users);
    } catch (err) {
      log.error({ err, label: rule.label }, 'github refused to assign the users of a restricted label');
    }
  }
}
