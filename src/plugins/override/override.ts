// override (upstream pkg/plugins/override/override.go): repo admins (and, when configured, members of
// allowed teams or root OWNERS approvers) force failed status contexts green with `/override ctx...`.
// When a presubmit owns the context, a ProwJob already in state success records the override, so tide and
// crier agree. `/override-sticky` survives base moves (skip-retest marker); `/override-cancel` undoes.
import RE2 from 're2';
import { newPresubmit, rfc3339 } from '../../api/pjutil.js';
import { contextDescriptionWithBaseSha } from '../../api/status-description.js';
import { S } from '../../config/decode.js';
import { strList, type PluginConfigSection } from '../../config/plugin-sections.js';
import type { Config, PluginsConfig, Presubmit } from '../../config/types.js';
import type { GenericCommentEvent } from '../../github/event-types.js';
import type { GitHubClient, PullRequest, Status } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';
import type { OwnersClient } from '../../owners/types.js';
import { commentOnce } from '../shared/comments.js';
import { deliveryJobName } from '../shared/prowjob-name.js';
import { AlreadyExistsError } from '../../store/types.js';
import { formatEventResponse } from '../shared/respond.js';
import type { JobCreator, Plugin } from '../types.js';

const overrideStickyRe = new RE2('(?mi)^/override-sticky( ([^\\r\\n]+))?[\\r\\n]?$', 'g');
const overrideCancelRe = new RE2('(?mi)^/override-cancel( ([^\\r\\n]+))?[\\r\\n]?$', 'g');
const overrideRe = new RE2('(?mi)^/override( ([^\\r\\n]+))?[\\r\\n]?$', 'g');
const OVERRIDE_PREFIX = 'Overridden by';
/** upstream config.SkipRetestSentinel */
const SKIP_RETEST = '[prow:skip-retest]';

/** plugins.yaml `override` (upstream plugins.Override). */
export interface OverrideConfig {
  allow_top_level_owners?: boolean;
  allowed_github_teams?: Record<string, string[]>;
}

export const overrideConfigSection: PluginConfigSection<OverrideConfig> = {
  section: 'override',
  schema: S.obj('Override', { allow_top_level_owners: S.bool, allowed_github_teams: S.map(strList) }),
  defaults: (raw) => (raw as OverrideConfig | undefined) ?? {},
};

export type OverrideGitHub = Pick<GitHubClient,
  'botUser' | 'listComments' | 'createComment' | 'createStatus' | 'getPullRequest' | 'getRef' | 'getPermission' | 'listStatuses' |
  'getBranchProtection' | 'listTeams' | 'listTeamMembers'>;

export interface OverrideDeps {
  gh: OverrideGitHub;
  jobs: JobCreator;
  owners?: OwnersClient;
  config: Config;
  options: OverrideConfig;
  log: Logger;
  deliveryId: string;
  redelivery: boolean;
  now: () => Date;
}

/** Upstream whoCanUse: the audience named in help and in the unauthorized reply. */
export function whoCanUse(o: OverrideConfig, org: string, repo: string): string {
  const owners = o.allow_top_level_owners === true ? ', approvers in top level OWNERS file' : '';
  let teams = '';
  const allowed = o.allowed_github_teams ?? {};
  if (Object.keys(allowed).length > 0) {
    const ref = `${org}/${repo}`;
    const all = Object.entries(allowed).filter(([r]) => ref === '/' || r === ref || r === org).map(([r, slugs]) => `${r}: ${slugs.join(' ')}`).sort();
    teams = `, and the following github teams:${all.join(', ')}`;
  }
  return `Repo administrators${owners}${teams}.`;
}

function overrideOf(pc: PluginsConfig): OverrideConfig {
  return (pc as { override?: OverrideConfig }).override ?? {};
}

export const overridePlugin: Plugin = {
  name: 'override',
  help: {
    description: 'The override plugin allows repo admins to force a github status context to pass',
    snippet: 'override:\n  allow_top_level_owners: true\n  # allowed_github_teams is a map of orgs and/or repositories (eg "org" or "org/repo") to list of GitHub team slugs\n  allowed_github_teams:\n    kubernetes/kubernetes:\n    - team1\n    - team2\n',
    commands: [
      {
        usage: '/override [context1] [context2]', featured: false, whoCanUse: whoCanUse({}, '', ''),
        description: 'Forces github status contexts to green (multiple can be given). If the desired context has spaces, it must be quoted. Overrides expire when the base branch moves.',
        examples: ['/override pull-repo-whatever', '/override "test / Unit Tests"', '/override ci/circleci', '/override deleted-job other-job'],
      },
      {
        usage: '/override-sticky [context1] [context2]', featured: false, whoCanUse: whoCanUse({}, '', ''),
        description: 'Like /override, but the override persists across retests on the current HEAD SHA even when the base branch moves. Pushing a new commit clears them. Use /override-cancel to remove.',
        examples: ['/override-sticky pull-repo-whatever', '/override-sticky "test / Unit Tests"'],
      },
      {
        usage: '/override-cancel [context]', featured: false, whoCanUse: whoCanUse({}, '', ''),
        description: 'Removes overrides by setting the status back to failure. Works on both regular and sticky overrides. If a context is given, only that override is removed. If no context is given, all overrides on the PR are removed.',
        examples: ['/override-cancel pull-repo-whatever', '/override-cancel'],
      },
    ],
  },
  config: overrideConfigSection,
  configHelp: (pc) => ({ '': `The override commands may be used by: ${whoCanUse(overrideOf(pc), '', '')}` }),
  handlers: {
    genericComment: (e, ctx) => handleOverrideComment({
      gh: ctx.github, jobs: ctx.jobs, owners: ctx.owners, config: ctx.snapshot.config, options: overrideOf(ctx.snapshot.plugins),
      log: ctx.log, deliveryId: ctx.deliveryId, redelivery: ctx.redelivery, now: () => ctx.clock.now(),
    }, e),
  },
};

/** Upstream parseOverrideInput: space-separated names; double quotes keep spaces inside one. */
export function parseOverrideInput(input: string): string[] {
  const out: string[] = [];
  let quoted = false;
  let cur = '';
  for (const ch of input) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && ch === ' ') {
      if (cur !== '') out.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  if (cur !== '') out.push(cur);
  return out.map((v) => v.trim().replace(/^"+|"+$/g, ''));
}

/**
 * GitHub lists a commit's statuses newest first, every one ever set; only the newest per context is in
 * force (upstream's "handle only one status when multiple statuses have the same context").
 */
function latestPerContext(statuses: readonly Status[]): Status[] {
  const seen = new Set<string>();
  return statuses.filter((s) => !seen.has(s.context) && seen.add(s.context));
}

function formatList(list: readonly string[]): string {
  return list.map((x) => ` - \`${x}\``).join('\n');
}

/** All three commands may share one comment: cancellations first, then sticky, then plain (as upstream). */
export async function handleOverrideComment(d: OverrideDeps, e: GenericCommentEvent): Promise<void> {
  if (!e.isPR || e.issueState !== 'open' || e.action !== 'created') return;
  await handleCancel(d, e);
  await handleOverride(d, e, true);
  await handleOverride(d, e, false);
}

async function reply(d: OverrideDeps, e: GenericCommentEvent, text: string): Promise<void> {
  await commentOnce(d.gh, e.org, e.repo, e.number, formatEventResponse(e, text), d.redelivery);
}

function matches(re: RE2, body: string): (string | undefined)[][] {
  return [...body.matchAll(re as unknown as RegExp)].map((m) => [...m]);
}

async function isAuthorized(d: OverrideDeps, org: string, repo: string, user: string, pr: PullRequest): Promise<boolean> {
  try {
    if ((await d.gh.getPermission(org, repo, user)).permission === 'admin') return true;
  } catch (err) {
    d.log.warn({ err, user }, 'cannot determine whether the user is a repo admin');
  }
  const teams = d.options.allowed_github_teams ?? {};
  if (Object.keys(teams).length > 0) {
    try {
      const valid = new Set((await d.gh.listTeams(org)).map((t) => t.slug));
      const invalid = (teams[`${org}/${repo}`] ?? []).filter((s) => !valid.has(s));
      if (invalid.length > 0) d.log.warn({ teams: invalid }, 'invalid team slug(s)');
      for (const slug of [...(teams[`${org}/${repo}`] ?? []), ...(teams[org] ?? [])]) {
        const members = await d.gh.listTeamMembers(org, slug, 'all').catch((err: unknown) => {
          d.log.warn({ err, team: slug }, 'cannot list team members');
          return [];
        });
        if (members.some((m) => m.login === user)) return true;
      }
    } catch (err) {
      d.log.warn({ err, org }, 'cannot list teams');
    }
  }
  if (d.options.allow_top_level_owners === true && d.owners === undefined) d.log.warn('override.allow_top_level_owners is set but this process has no OWNERS client');
  if (d.options.allow_top_level_owners === true && d.owners !== undefined) {
    try {
      return (await d.owners.loadRepoOwners(org, repo, pr.base.ref)).topLevelApprovers().has(user.toLowerCase());
    } catch (err) {
      d.log.warn({ err, user }, 'cannot determine whether the user is a top level owner');
    }
  }
  return false;
}

async function handleOverride(d: OverrideDeps, e: GenericCommentEvent, sticky: boolean): Promise<void> {
  const cmd = sticky ? '/override-sticky' : '/override';
  const found = matches(sticky ? overrideStickyRe : overrideRe, e.body);
  if (found.length === 0) return;
  const { org, repo, number, user } = e;
  const overrides = new Set<string>();
  for (const m of found) {
    if (m[1] === undefined || m[1] === '') return reply(d, e, `${cmd} requires failed status contexts to operate on, but none was given`);
    for (const name of parseOverrideInput(m[2] ?? '')) overrides.add(name);
  }
  const pr = await d.gh.getPullRequest(org, repo, number);
  if (!(await isAuthorized(d, org, repo, user, pr))) return reply(d, e, `${user} unauthorized: ${cmd} is restricted to ${whoCanUse(d.options, org, repo)}`);
  const sha = pr.head.sha;
  const statuses: Pick<Status, 'context' | 'state' | 'description' | 'targetUrl'>[] = latestPerContext(await d.gh.listStatuses(org, repo, sha));
  const presubmits: Presubmit[] = d.config.presubmits?.[`${org}/${repo}`] ?? [];
  const presubmitFor = (context: string) => presubmits.find((p) => (p.context ?? p.name) === context);
  const contexts = new Set<string>();
  // A redelivery finds its own overrides in place: they count as known (and, being green, are skipped).
  const known = (s: Pick<Status, 'state' | 'description'>) => s.state !== 'success' || (d.redelivery && s.description.includes(OVERRIDE_PREFIX));
  for (const s of statuses) {
    if (!known(s)) continue;
    contexts.add(s.context);
    const job = presubmitFor(s.context);
    if (job !== undefined) contexts.add(job.name);
  }
  const protection = await d.gh.getBranchProtection(org, repo, pr.base.ref);
  for (const c of protection?.requiredStatusChecks?.contexts ?? []) {
    if (contexts.has(c)) continue;
    contexts.add(c);
    statuses.push({ context: c, state: 'pending', description: '', targetUrl: '' });
  }
  const unknown = [...overrides].filter((o) => !contexts.has(o)).sort();
  if (unknown.length > 0) {
    return reply(d, e, `${cmd} requires failed status contexts, check run or a prowjob name to operate on.
The following unknown contexts/checkruns were given:
${formatList(unknown)}

Only the following failed contexts/checkruns were expected:
${formatList([...contexts].sort())}

If you are trying to override a checkrun that has a space in it, you must put a double quote on the context.
`);
  }
  const baseSha = await d.gh.getRef(org, repo, `heads/${pr.base.ref}`);
  const description = sticky ? `${OVERRIDE_PREFIX} ${user} ${SKIP_RETEST}` : `${OVERRIDE_PREFIX} ${user}`;
  const done = new Set<string>();
  const withJobs = new Set<string>();
  try {
    for (const s of statuses) {
      const job = presubmitFor(s.context);
      if (s.state === 'success' || !(overrides.has(s.context) || (job !== undefined && overrides.has(job.name))) || withJobs.has(s.context)) continue;
      if (job !== undefined) {
        await createOverrideJob(d, e, pr, baseSha, job, description);
        withJobs.add(s.context);
      }
      await d.gh.createStatus(org, repo, sha, { context: s.context, state: 'success', description: contextDescriptionWithBaseSha(description, baseSha), targetUrl: s.targetUrl || undefined });
      done.add(s.context);
    }
  } finally {
    if (done.size > 0) {
      const list = [...done].sort().join(', ');
      const msg = sticky
        ? `Overrode contexts on behalf of ${user}: ${list}\n\nThese overrides will persist across retests on the current HEAD SHA. Pushing a new commit will clear them. Use \`/override-cancel\` to remove them.`
        : `Overrode contexts on behalf of ${user}: ${list}`;
      d.log.info({ contexts: [...done] }, 'overrode contexts');
      await reply(d, e, msg);
    }
  }
}

/** The job's record of the override: created already successful (upstream sets status before Create). */
async function createOverrideJob(d: OverrideDeps, e: GenericCommentEvent, pr: PullRequest, baseSha: string, job: Presubmit, description: string): Promise<void> {
  const like = {
    number: pr.number, title: pr.title, html_url: pr.htmlUrl, user: { login: pr.user.login },
    head: { sha: pr.head.sha, ref: pr.head.ref }, base: { ref: pr.base.ref, repo: { name: e.repo, owner: { login: e.org } } },
  };
  const pj = newPresubmit(like, baseSha, job, e.deliveryId, {}, { name: deliveryJobName(d.deliveryId, `override/${job.name}`, pr.head.sha), namespace: d.config.prowjob_namespace || undefined, now: d.now });
  const now = rfc3339(d.now());
  pj.status = { startTime: now, completionTime: now, state: 'success', description, url: e.htmlURL };
  try {
    await d.jobs.createProwJob(pj);
  } catch (err) {
    if (err instanceof AlreadyExistsError) return; // a redelivery: created the first time
    throw err;
  }
}

async function handleCancel(d: OverrideDeps, e: GenericCommentEvent): Promise<void> {
  const found = matches(overrideCancelRe, e.body);
  if (found.length === 0) return;
  const { org, repo, number, user } = e;
  const pr = await d.gh.getPullRequest(org, repo, number);
  if (!(await isAuthorized(d, org, repo, user, pr))) return reply(d, e, `${user} unauthorized: /override-cancel is restricted to ${whoCanUse(d.options, org, repo)}`);
  let all = false;
  const targets = new Set<string>();
  for (const m of found) {
    if (m[1] === undefined || m[1] === '') {
      all = true;
      break;
    }
    for (const name of parseOverrideInput(m[2] ?? '')) targets.add(name);
  }
  const cancelled = new Set<string>();
  const latest = latestPerContext(await d.gh.listStatuses(org, repo, pr.head.sha));
  const targeted = latest.filter((s) => all || targets.has(s.context));
  const doomed = targeted.filter((s) => s.description.includes(OVERRIDE_PREFIX));
  // A redelivery finds the cancellations made the first time, and answers nothing more.
  if (d.redelivery && doomed.length === 0 && targeted.some((s) => s.description === `Override cancelled by ${user}`)) return;
  for (const s of doomed) {
    await d.gh.createStatus(org, repo, pr.head.sha, { context: s.context, state: 'failure', description: `Override cancelled by ${user}`, targetUrl: s.targetUrl || undefined });
    cancelled.add(s.context);
  }
  if (cancelled.size === 0) return reply(d, e, 'No overrides found to cancel');
  d.log.info({ contexts: [...cancelled] }, 'cancelled overrides');
  await reply(d, e, `Cancelled overrides on behalf of ${user}: ${[...cancelled].sort().join(', ')}`);
}
