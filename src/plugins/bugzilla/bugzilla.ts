// bugzilla (upstream pkg/plugins/bugzilla/bugzilla.go): a PR whose title says `Bug 123:` is checked against
// that bug in the configured Bugzilla, with the options plugins.yaml gives its base branch (options.ts).
// The PR gets `bugzilla/valid-bug` or `bugzilla/invalid-bug`, a `bugzilla/severity-*` label and a comment
// saying why; a valid bug may be moved to `state_after_validation` and linked back to the PR through
// Bugzilla's external trackers. When every linked PR has merged the bug moves to `state_after_merge`; a PR
// closed unmerged is unlinked (and the bug moved to `state_after_close` when no link is left).
// `/bugzilla refresh`, `/bugzilla cc-qa` and `/bugzilla assign-qa` re-run the check from a comment; a valid
// bug's QA contact, found on GitHub by public email, is asked to review (`/cc`). With enable_backporting, a
// cherry-pick PR gets a clone of its parent PR's bug for the branch's target release, and a `/retitle`.
import RE2 from 're2';
import type { GenericCommentEvent, PullRequestEvent } from '../../github/event-types.js';
import { isBotLogin } from '../../github/login.js';
import type { GitHubClient } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';
import { botLogin, commentOnce } from '../shared/comments.js';
import { formatResponseRaw } from '../shared/respond.js';
import type { BugzillaBug, BugzillaClient, BugzillaExternalPR, Plugin, PluginContext } from '../types.js';
import { bugzillaConfigHelp } from './help.js';
import { asBugUpdate, bugzillaConfigSection, optionsForBranch, prettyState, stateMatches, type BugzillaBranchOptions, type BugzillaConfig } from './options.js';
import { ALL_SEVERITY_LABELS, INVALID_BUG, VALID_BUG, bugLink, formatError, isBugAllowed, severityLabel, validateBug } from './validate.js';

const titleRe = new RE2('(?i)Bug\\s+([0-9]+):');
const refreshRe = new RE2('(?mi)^/bugzilla refresh\\s*$');
const assignQaRe = new RE2('(?mi)^/bugzilla assign-qa\\s*$');
const ccQaRe = new RE2('(?mi)^/bugzilla cc-qa\\s*$');
const cherrypickRe = new RE2('This is an automated cherry-pick of #([0-9]+)');

export type BugzillaGitHub = Pick<GitHubClient, 'getPullRequest' | 'createComment' | 'listComments' | 'botUser' | 'listIssueLabels' | 'addLabel' | 'removeLabel' | 'listIssueEvents' | 'graphql'>;

export class BugzillaNotConfiguredError extends Error {
  override readonly name = 'BugzillaNotConfiguredError';
}

export const bugzillaPlugin: Plugin = {
  name: 'bugzilla',
  help: {
    description: 'The bugzilla plugin ensures that pull requests reference a valid Bugzilla bug in their title.',
    snippet: [
      'bugzilla:',
      '  default:',
      "    '*':",
      '      is_open: true',
      '      target_release: release1',
      '      valid_states: [{status: MODIFIED}, {status: CLOSED, resolution: ERRATA}]',
      '      dependent_bug_states: [{status: MODIFIED}]',
      '      state_after_validation: {status: VERIFIED}',
      '      add_external_link: true',
      '      enable_backporting: false',
      '      state_after_merge: {status: RELEASE_PENDING, resolution: RESOLVED}',
      '  orgs:',
      '    org:',
      '      repos:',
      '        repo:',
      '          branches:',
      '            release-1.0: {target_release: "1.0", exclude_defaults: false}',
      '',
    ].join('\n'),
    commands: [
      { usage: '/bugzilla refresh', description: 'Check Bugzilla for a valid bug referenced in the PR title', whoCanUse: 'Anyone', examples: ['/bugzilla refresh'] },
      { usage: '/bugzilla assign-qa', description: '(DEPRECATED) Assign PR to QA contact specified in Bugzilla', whoCanUse: 'Anyone', examples: ['/bugzilla assign-qa'] },
      { usage: '/bugzilla cc-qa', description: 'Request PR review from QA contact specified in Bugzilla', whoCanUse: 'Anyone', examples: ['/bugzilla cc-qa'] },
    ],
  },
  config: bugzillaConfigSection,
  configHelp: (pc, enabledRepos) => bugzillaConfigHelp((pc as { bugzilla?: BugzillaConfig }).bugzilla, enabledRepos),
  handlers: {
    genericComment: async (e, ctx) => {
      const ev = await digestComment(ctx.github, e, ctx.redelivery);
      if (ev === undefined) return;
      await run(ev, ctx);
    },
    pullRequest: async (e, ctx) => {
      const options = optionsForBranch(configOf(ctx), e.org, e.repo, e.baseRef);
      const ev = digestPR(e, options, ctx.log);
      if (ev === undefined) return;
      await run(ev, ctx, options);
    },
  },
};

const configOf = (ctx: PluginContext): BugzillaConfig | undefined => (ctx.snapshot.plugins as { bugzilla?: BugzillaConfig }).bugzilla;

function run(ev: BugzillaEvent, ctx: PluginContext, options?: BugzillaBranchOptions): Promise<void> {
  if (ctx.bugzilla === undefined) throw new BugzillaNotConfiguredError('bugzilla: the plugin is enabled but this process has no Bugzilla client (start hook with --bugzilla-endpoint)');
  const pc = ctx.snapshot.plugins;
  // upstream only follows links to PRs in repos its config names; ours: the repos plugins.yaml configures
  const knownRepo = (org: string, repo: string): boolean => pc.plugins[org] !== undefined || pc.plugins[`${org}/${repo}`] !== undefined;
  return handleBugzilla({
    gh: ctx.github, bz: ctx.bugzilla, log: ctx.log, redelivery: ctx.redelivery, knownRepo,
    options: options ?? optionsForBranch(configOf(ctx), ev.org, ev.repo, ev.baseRef),
  }, ev);
}

export interface BugzillaEvent {
  org: string;
  repo: string;
  baseRef: string;
  number: number;
  /** undefined: the title references no bug */
  bugId: number | undefined;
  merged: boolean;
  closed: boolean;
  opened: boolean;
  state: string;
  /** what the reply quotes: the comment, or the PR title */
  body: string;
  htmlUrl: string;
  login: string;
  assign: boolean;
  cc: boolean;
  /** set on a cherry-pick PR's `opened`: the PR it picks */
  cherrypickOf?: number;
}

export function bugIdFromTitle(title: string): number | undefined {
  const m = titleRe.exec(title);
  return m === null ? undefined : Number(m[1]);
}

/** upstream digestPR: the PR events that may change the bug reference, or merge or close the PR. */
export function digestPR(e: PullRequestEvent, options: BugzillaBranchOptions, log: Logger): BugzillaEvent | undefined {
  if (!['opened', 'reopened', 'edited', 'closed'].includes(e.action)) return undefined;
  const pr = e.pullRequest;
  const ev: BugzillaEvent = {
    org: e.org, repo: e.repo, baseRef: e.baseRef, number: e.number, bugId: bugIdFromTitle(pr.title), merged: pr.merged === true,
    closed: e.action === 'closed', opened: e.action === 'opened', state: pr.state, body: pr.title, htmlUrl: pr.html_url,
    login: pr.user?.login ?? '', assign: false, cc: false,
  };
  const cherrypick = cherrypickRe.exec(pr.body ?? '');
  if (e.action === 'opened' && cherrypick !== null) {
    // a PR the cherrypicker opened: with enable_backporting, a clone of the parent PR's bug for this branch
    if (options.enable_backporting !== true) return undefined;
    log.debug({ parent: cherrypick[1] }, 'cherry-pick PR');
    return { ...ev, cherrypickOf: Number(cherrypick[1]) };
  }
  if (ev.closed && !ev.merged) return ev;
  const intermediate = ev.bugId !== undefined || options.validate_by_default === true ? ev : undefined;
  const from = (e.payload as { changes?: { title?: { from?: string } } }).changes?.title?.from;
  if (from === undefined) return intermediate;
  const prevId = bugIdFromTitle(from);
  if (prevId === undefined) return intermediate;
  if (prevId === ev.bugId) return undefined; // the reference did not change
  return ev; // it referenced a bug before: handle it, to fix labels either way
}

/** upstream digestComment: a `/bugzilla` command on a PR; on an issue, a reply saying PRs only. */
export async function digestComment(gh: BugzillaGitHub, e: GenericCommentEvent, redelivery = true): Promise<BugzillaEvent | undefined> {
  if (e.action !== 'created') return undefined;
  const refresh = refreshRe.test(e.body);
  const assign = !refresh && assignQaRe.test(e.body);
  const cc = !refresh && !assign && ccQaRe.test(e.body);
  if (!refresh && !assign && !cc) return undefined;
  if (!e.isPR) {
    await commentOnce(gh, e.org, e.repo, e.number, formatResponseRaw(e.body, e.htmlURL, e.user, 'Bugzilla bug referencing is only supported for Pull Requests, not issues.'), redelivery);
    return undefined;
  }
  const pr = await gh.getPullRequest(e.org, e.repo, e.number);
  return {
    org: e.org, repo: e.repo, baseRef: pr.base.ref, number: e.number, bugId: bugIdFromTitle(pr.title), merged: pr.merged, closed: false,
    opened: false, state: pr.state, body: e.body, htmlUrl: e.htmlURL, login: e.user, assign, cc,
  };
}

export interface BugzillaDeps {
  gh: BugzillaGitHub;
  bz: BugzillaClient;
  log: Logger;
  options: BugzillaBranchOptions;
  redelivery: boolean;
  /** Whether a PR linked from a bug is in a repo this Prow serves (others are not asked about). */
  knownRepo: (org: string, repo: string) => boolean;
}

type Reply = (text: string) => Promise<void>;

/** Fetches the bug; replies and answers undefined when it cannot (missing, or Bugzilla failed). */
async function fetchBug(d: BugzillaDeps, id: number, reply: Reply): Promise<BugzillaBug | undefined> {
  let bug: BugzillaBug | undefined;
  try {
    bug = await d.bz.getBug(id);
  } catch (err) {
    d.log.warn({ err, bug: id }, 'unexpected error searching for the Bugzilla bug');
    await reply(formatError('searching', d.bz.endpoint, id, err));
    return undefined;
  }
  if (bug === undefined) {
    await reply(`No Bugzilla bug with ID ${id} exists in the tracker at ${d.bz.endpoint}.
Once a valid bug is referenced in the title of this pull request, request a bug refresh with <code>/bugzilla refresh</code>.`);
  }
  return bug;
}

/** upstream handle */
export async function handleBugzilla(d: BugzillaDeps, e: BugzillaEvent): Promise<void> {
  const { gh, bz, options } = d;
  const reply: Reply = async (text) => {
    await commentOnce(gh, e.org, e.repo, e.number, formatResponseRaw(e.body, e.htmlUrl, e.login, text), d.redelivery);
  };
  let bug: BugzillaBug | undefined;
  if (e.bugId !== undefined) {
    bug = await fetchBug(d, e.bugId, reply);
    if (bug === undefined) return;
    if (!isBugAllowed(bug, options.allowed_groups)) {
      if (e.opened || refreshRe.test(e.body)) {
        const groups = options.allowed_groups ?? [];
        await reply(`${bugLink(e.bugId, bz.endpoint)} is in a bug group that is not in the allowed groups for this repo.${groups.length > 0
          ? `\nAllowed groups for this repo are:${groups.map((g) => `\n- ${g}`).join('')}`
          : ' There are no allowed bug groups configured for this repo.'}`);
      }
      return;
    }
  }
  if (e.merged) return handleMerge(d, e, bug, reply);
  if (e.closed) return handleClose(d, e, reply);
  if (e.cherrypickOf !== undefined) return handleCherrypick(d, e, e.cherrypickOf, reply);

  let needsValid = false;
  let needsInvalid = false;
  let severity = '';
  let response: string;
  if (e.bugId === undefined || bug === undefined) {
    response = `No Bugzilla bug is referenced in the title of this pull request.
To reference a bug, add 'Bug XXX:' to the title of this pull request and request another bug refresh with <code>/bugzilla refresh</code>.`;
  } else {
    const id = e.bugId;
    severity = severityLabel(bug.severity);
    const dependents: BugzillaBug[] = [];
    if (options.dependent_bug_states !== undefined || options.dependent_bug_target_releases !== undefined) {
      for (const dep of bug.depends_on ?? []) {
        let found: BugzillaBug | undefined;
        try {
          found = await bz.getBug(dep);
          if (found === undefined) throw new Error(`bug ${dep} does not exist`);
        } catch (err) {
          return reply(formatError(`searching for dependent bug ${dep}`, bz.endpoint, id, err));
        }
        dependents.push(found);
      }
    }
    const v = validateBug(bug, dependents, options, bz.endpoint);
    needsValid = v.valid;
    needsInvalid = !v.valid;
    if (v.valid) {
      response = `This pull request references ${bugLink(id, bz.endpoint)}, which is valid.`;
      const update = asBugUpdate(options.state_after_validation, bug);
      if (update !== undefined) {
        const target = prettyState(options.state_after_validation!);
        try {
          await bz.updateBug(id, update);
        } catch (err) {
          d.log.warn({ err, bug: id }, 'unexpected error updating the Bugzilla bug');
          return reply(formatError(`updating to the ${target} state`, bz.endpoint, id, err));
        }
        response += ` The bug has been moved to the ${target} state.`;
      }
      if (options.add_external_link === true) {
        let changed: boolean;
        try {
          changed = await bz.addPullRequestAsExternalBug(id, e.org, e.repo, e.number);
        } catch (err) {
          d.log.warn({ err, bug: id }, 'unexpected error adding the external tracker link');
          return reply(formatError('adding this pull request to the external tracker bugs', bz.endpoint, id, err));
        }
        if (changed) response += ' The bug has been updated to refer to the pull request using the external bug tracker.';
      }
      response += '\n\n<details>';
      response += v.passed.length === 0 ? '<summary>No validations were run on this bug</summary>' : `<summary>${v.passed.length} validation(s) were run on this bug</summary>\n`;
      for (const p of v.passed) response += `\n* ${p}`;
      response += '</details>';
      const qa = await qaContactNote(d, e, bug, id);
      if ('error' in qa) return reply(qa.error);
      response += qa.note;
    } else {
      response = `This pull request references ${bugLink(id, bz.endpoint)}, which is invalid:
${v.errors.map((r) => ` - ${r}\n`).join('')}
Comment <code>/bugzilla refresh</code> to re-evaluate validity if changes to the Bugzilla bug are made, or edit the title of this pull request to link to a different bug.`;
    }
  }

  // Label trouble is logged, not raised: telling the user matters more (as upstream).
  let current: string[] = [];
  try {
    current = await gh.listIssueLabels(e.org, e.repo, e.number);
  } catch (err) {
    d.log.warn({ err }, 'could not list labels on the PR');
  }
  const hasValid = current.includes(VALID_BUG);
  const hasInvalid = current.includes(INVALID_BUG);
  const severityNow = current.filter((l) => ALL_SEVERITY_LABELS.includes(l)).at(-1) ?? '';
  const label = async (add: boolean, name: string): Promise<void> => {
    try {
      await (add ? gh.addLabel(e.org, e.repo, e.number, name) : gh.removeLabel(e.org, e.repo, e.number, name));
    } catch (err) {
      d.log.error({ err, label: name, add }, 'failed to change a bugzilla label');
    }
  };
  if (severityNow !== '' && severity !== severityNow) await label(false, severityNow);
  if (severity !== '' && severity !== severityNow) await label(true, severity);
  if (hasValid && !needsValid && (await wasLabelAddedByHuman(gh, e, VALID_BUG))) {
    // a human's valid-bug label stays, and then invalid-bug goes
    needsInvalid = false;
    needsValid = true;
    response += `\n\nRetaining the ${VALID_BUG} label as it was manually added.`;
  }
  if (needsValid !== hasValid) await label(needsValid, VALID_BUG);
  if (needsInvalid !== hasInvalid) await label(needsInvalid, INVALID_BUG);
  await reply(response);
}

// upstream emailToLoginQuery
const emailToLoginQuery = 'query($email: String!) { search(type: USER, query: $email, first: 5) { edges { node { ... on User { login } } } } }';

/** upstream processQuery: `/cc` the one GitHub user with the QA contact's public email, or say why not. */
export function qaContactReply(logins: readonly string[], email: string): string {
  if (logins.length === 0) return `No GitHub users were found matching the public email listed for the QA contact in Bugzilla (${email}), skipping review request.`;
  if (logins.length === 1) return `Requesting review from QA contact:\n/cc @${logins[0]}`;
  return `Multiple GitHub users were found matching the public email listed for the QA contact in Bugzilla (${email}), skipping review request. List of users with matching email:${logins.map((l) => `\n\t- ${l}`).join('')}`;
}

/** The QA contact part of a valid bug's reply (upstream handle), or the whole reply when GitHub's user search failed. */
async function qaContactNote(d: BugzillaDeps, e: BugzillaEvent, bug: BugzillaBug, id: number): Promise<{ note: string } | { error: string }> {
  const explicit = e.assign || e.cc;
  const link = bugLink(id, d.bz.endpoint);
  if (bug.qa_contact_detail === undefined || bug.qa_contact_detail === null) return { note: explicit ? `${link} does not have a QA contact, skipping assignment` : '' };
  const email = bug.qa_contact_detail.email ?? '';
  if (email === '') return { note: explicit ? `QA contact for ${link} does not have a listed email, skipping assignment` : '' };
  let logins: string[];
  try {
    const data = await d.gh.graphql<{ search?: { edges?: { node?: { login?: string } }[] } }>(emailToLoginQuery, { email }, e.org);
    logins = (data.search?.edges ?? []).map((x) => x.node?.login ?? '').filter((l) => l !== '');
  } catch (err) {
    d.log.error({ err }, 'failed to run the GitHub user search');
    return { error: formatError(`querying GitHub for users with public email (${email})`, d.bz.endpoint, id, err) };
  }
  let note = `\n\n${qaContactReply(logins, email)}`;
  if (e.assign) note += '\n\n**DEPRECATION NOTICE**: The command `assign-qa` has been deprecated. Please use the `cc-qa` command instead.';
  return { note };
}

/** upstream GitHub WasLabelAddedByHuman: the last time `label` was added, a human added it. */
async function wasLabelAddedByHuman(gh: BugzillaGitHub, e: BugzillaEvent, label: string): Promise<boolean> {
  let actor = '';
  for (const ev of await gh.listIssueEvents(e.org, e.repo, e.number)) {
    if (ev.event === 'labeled' && ev.label === label) actor = ev.actor?.login ?? '';
  }
  return actor !== '' && !isBotLogin(actor, await botLogin(gh));
}

const prLink = (p: BugzillaExternalPR): string => `[${p.org}/${p.repo}#${p.num}](https://github.com/${p.org}/${p.repo}/pull/${p.num})`;

/** upstream handleMerge: moves the bug to state_after_merge once every linked PR has merged. */
async function handleMerge(d: BugzillaDeps, e: BugzillaEvent, bug: BugzillaBug | undefined, reply: Reply): Promise<void> {
  const { bz, options } = d;
  const after = options.state_after_merge;
  if (after === undefined || e.bugId === undefined || bug === undefined) return;
  const id = e.bugId;
  if (options.valid_states !== undefined || options.state_after_validation !== undefined) {
    // only move bugs that no human has moved on since: a bug closed after the merge stays closed
    const allowed = [...(options.valid_states ?? []), ...(options.state_after_validation ? [options.state_after_validation] : [])];
    if (!allowed.some((s) => stateMatches(s, bug))) {
      return reply(`${bugLink(id, bz.endpoint)} is in an unrecognized state (${prettyState(bug)}) and will not be moved to the ${prettyState(after)} state.`);
    }
  }
  let prs: BugzillaExternalPR[];
  try {
    prs = await bz.getExternalBugPRsOnBug(id);
  } catch (err) {
    d.log.warn({ err, bug: id }, 'unexpected error listing external tracker bugs');
    return reply(formatError('searching for external tracker bugs', bz.endpoint, id, err));
  }
  let shouldMigrate = true;
  const merged: BugzillaExternalPR[] = [];
  const unmerged: [BugzillaExternalPR, string][] = [];
  for (const item of prs) {
    let isMerged: boolean;
    let state: string;
    if (item.org === e.org && item.repo === e.repo && item.num === e.number) {
      isMerged = e.merged;
      state = e.state;
    } else {
      if (!d.knownRepo(item.org, item.repo)) continue;
      try {
        const pr = await d.gh.getPullRequest(item.org, item.repo, item.num);
        isMerged = pr.merged;
        state = pr.state;
      } catch (err) {
        d.log.warn({ err }, 'unexpected error checking the merge state of a related pull request');
        return reply(formatError(`checking the state of a related pull request at https://github.com/${item.org}/${item.repo}/pull/${item.num}`, bz.endpoint, id, err));
      }
    }
    if (isMerged) merged.push(item);
    else unmerged.push([item, state]);
    shouldMigrate &&= isMerged;
    if (!shouldMigrate) break; // one unmerged PR settles it
  }
  const mergedMessage = (statement: string): string =>
    `${statement} pull requests linked via external trackers have merged:\n${merged.map((p) => ` * ${prLink(p)}`).join('\n')}\n\n`;
  const outcome = (action: string): string => `${bugLink(id, bz.endpoint)} has ${action}been moved to the ${prettyState(after)} state.`;
  const update = asBugUpdate(after);
  if (update === undefined) return;
  if (shouldMigrate) {
    try {
      await bz.updateBug(id, update);
    } catch (err) {
      d.log.warn({ err, bug: id }, 'unexpected error updating the Bugzilla bug');
      return reply(formatError(`updating to the ${prettyState(after)} state`, bz.endpoint, id, err));
    }
    return reply(`${mergedMessage('All')}${outcome('')}`);
  }
  const unmergedMessage = `The following pull requests linked via external trackers have not merged:
${unmerged.map(([p, state]) => ` * ${prLink(p)} is ${state}`).join('\n')}

These pull request must merge or be unlinked from the Bugzilla bug in order for it to move to the next state. Once unlinked, request a bug refresh with <code>/bugzilla refresh</code>.

`;
  return reply(`${mergedMessage('Some')}${unmergedMessage}${outcome('not ')}`);
}

/** upstream handleClose: unlinks a PR closed unmerged; with no link left, moves the bug to state_after_close. */
async function handleClose(d: BugzillaDeps, e: BugzillaEvent, reply: Reply): Promise<void> {
  const { bz, options } = d;
  if (e.bugId === undefined || options.add_external_link !== true) return;
  const id = e.bugId;
  let response = `This pull request references ${bugLink(id, bz.endpoint)}. The bug has been updated to no longer refer to the pull request using the external bug tracker.`;
  let changed: boolean;
  try {
    changed = await bz.removePullRequestAsExternalBug(id, e.org, e.repo, e.number);
  } catch (err) {
    d.log.warn({ err, bug: id }, 'unexpected error removing the external tracker link');
    return reply(formatError('removing this pull request from the external tracker bugs', bz.endpoint, id, err));
  }
  const after = options.state_after_close;
  if (after !== undefined) {
    let bug: BugzillaBug | undefined;
    let links: BugzillaExternalPR[];
    try {
      bug = await bz.getBug(id);
      if (bug === undefined) throw new Error(`bug ${id} does not exist`);
      if (bug.status === 'CLOSED') return changed ? reply(response) : undefined;
      links = await bz.getExternalBugPRsOnBug(id);
    } catch (err) {
      d.log.warn({ err, bug: id }, 'unexpected error reading the Bugzilla bug');
      return reply(formatError('getting bug', bz.endpoint, id, err));
    }
    if (links.length === 0) {
      const update = asBugUpdate(after, bug);
      if (update !== undefined) {
        try {
          await bz.updateBug(id, update);
        } catch (err) {
          return reply(formatError(`updating to the ${prettyState(after)} state`, bz.endpoint, id, err));
        }
        response += ` All external bug links have been closed. The bug has been moved to the ${prettyState(after)} state.`;
      }
      try {
        await bz.createComment(id, `Bug status changed to ${after.status ?? ''} as previous linked PR https://github.com/${e.org}/${e.repo}/pull/${e.number} has been closed`, true);
      } catch {
        response += '\nWarning: Failed to comment on Bugzilla bug with reason for changed state.';
      }
    }
  }
  if (changed) await reply(response);
}

/** upstream updateTitleBugID: the title with its `Bug <old>:` naming `newId` instead. */
export function updateTitleBugId(title: string, oldId: number, newId: number): string {
  const m = titleRe.exec(title);
  if (m === null) throw new Error('failed to identify bug string in title');
  const updated = m[0].replace(String(oldId), String(newId));
  return title.replace(new RE2(titleRe.source, 'gi'), () => updated);
}

/** upstream handleCherrypick: a clone of the parent PR's bug targeting this branch's release, and a /retitle. */
async function handleCherrypick(d: BugzillaDeps, e: BugzillaEvent, parentNumber: number, reply: Reply): Promise<void> {
  const { bz, options } = d;
  let parentTitle: string;
  try {
    parentTitle = (await d.gh.getPullRequest(e.org, e.repo, parentNumber)).title;
  } catch (err) {
    return reply(`Error creating a cherry-pick bug in Bugzilla: failed to check the state of cherrypicked pull request at https://github.com/${e.org}/${e.repo}/pull/${parentNumber}: ${(err as Error).message}.
Please contact an administrator to resolve this issue, then request a bug refresh with <code>/bugzilla refresh</code>.`);
  }
  const parentBug = bugIdFromTitle(parentTitle);
  if (parentBug === undefined) return; // the parent references no bug: nothing to clone
  const bug = await fetchBug(d, parentBug, (text) => reply(`Failed to create a cherry-pick bug in Bugzilla: ${text}`));
  if (bug === undefined || !isBugAllowed(bug, options.allowed_groups)) return;
  let clones: BugzillaBug[];
  try {
    clones = await bz.getClones(bug);
  } catch (err) {
    return reply(formatError('creating a cherry-pick bug in Bugzilla: could not get list of clones', bz.endpoint, bug.id, err));
  }
  const oldLink = bugLink(parentBug, bz.endpoint);
  if (options.target_release === undefined) {
    return reply(`Could not make automatic cherrypick of ${oldLink} for this PR as the target_release is not set for this branch in the bugzilla plugin config. Running refresh:\n/bugzilla refresh`);
  }
  const target = options.target_release;
  const existing = clones.find((c) => c.target_release?.length === 1 && c.target_release[0] === target);
  if (existing !== undefined) {
    const newTitle = e.body.replace(`Bug ${parentBug}`, `Bug ${existing.id}`);
    return reply(`Detected clone of ${oldLink} with correct target release. Retitling PR to link to clone:\n/retitle ${newTitle}`);
  }
  let cloneId: number;
  try {
    cloneId = await bz.cloneBug(bug);
  } catch (err) {
    return reply(formatError('cloning bug for cherrypick', bz.endpoint, bug.id, err));
  }
  const cloneLink = bugLink(cloneId, bz.endpoint);
  try {
    await bz.updateBug(cloneId, { target_release: [target] });
  } catch (err) {
    return reply(formatError(`updating cherry-pick bug in Bugzilla: Created cherrypick ${cloneLink}, but encountered error updating target release`, bz.endpoint, cloneId, err));
  }
  let newTitle: string;
  try {
    newTitle = updateTitleBugId(e.body, parentBug, cloneId);
  } catch (err) {
    return reply(formatError(`updating GitHub PR title: Created cherrypick ${cloneLink}, but failed to update GitHub PR title name to match`, bz.endpoint, cloneId, err));
  }
  return reply(`${oldLink} has been cloned as ${cloneLink}. Retitling PR to link against new bug.\n/retitle ${newTitle}`);
}
