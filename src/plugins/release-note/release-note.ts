// release-note (upstream pkg/plugins/releasenote): keeps exactly one of the release-note labels on a
// PR, from the ```release-note block in its body; `/release-note-none` sets release-note-none when the
// block is empty or "none"; `/release-note-edit` rewrites the block.
import RE2 from 're2';
import type { GitHubClient } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';
import type { Plugin } from '../types.js';
import type { IssueCommentEvent, PullRequestEvent } from '../../github/event-types.js';
import { commentOnce, commentOnceAmong, pruneBotComments } from '../shared/comments.js';
import {
  KIND_DEPRECATION,
  RELEASE_NOTE,
  RELEASE_NOTE_ACTION_REQUIRED,
  RELEASE_NOTE_LABEL_NEEDED,
  RELEASE_NOTE_NONE,
  hasLabel,
} from '../../api/labels.js';
import { formatResponse, formatResponseRaw, formatSimpleResponse } from '../shared/respond.js';
import { releaseNoteConfigSection } from './release-note-config.js';

export const DEFAULT_RELEASE_NOTE_GUIDELINES_URL = 'https://git.k8s.io/community/contributors/guide/release-notes.md';

const FENCE = '```';
const noteMatcherRe = new RE2(`(?s)(?:Release note\\*\\*:\\s*(?:<!--[^<>]*-->\\s*)?${FENCE}(?:release-note)?|${FENCE}release-note)(.+?)${FENCE}`);
const cherryPickRe = new RE2('Cherry pick of #([[:digit:]]+) on release-([[:digit:]]+\\.[[:digit:]]+).');
const noneRe = new RE2('(?i)^\\W*(NONE|NO)\\W*$');
const releaseNoteCmdRe = new RE2('(?mi)^/release-note\\s*$');
const releaseNoteEditCmdRe = new RE2('(?mi)^/release-note-edit\\s*$');
const releaseNoteNoneCmdRe = new RE2('(?mi)^/release-note-none\\s*$');
const releaseNoteActionRequiredCmdRe = new RE2('(?mi)^/release-note-action-required\\s*$');

export const RELEASE_NOTE_LABELS = [RELEASE_NOTE_NONE, RELEASE_NOTE_ACTION_REQUIRED, RELEASE_NOTE_LABEL_NEEDED, RELEASE_NOTE] as const;

export const PARENT_RELEASE_NOTE_BODY = `All 'parent' PRs of a cherry-pick PR must have one of the "${RELEASE_NOTE}" or "${RELEASE_NOTE_ACTION_REQUIRED}" labels, or this PR must follow the standard/parent release note labeling requirement.`;
export const RELEASE_NOTE_DEPRECATION_BODY = `Adding the "${RELEASE_NOTE_LABEL_NEEDED}" label and removing any existing "${RELEASE_NOTE_NONE}" label because there is a "${KIND_DEPRECATION}" label on the PR.`;

export function releaseNoteNeededBody(guidelinesURL: string): string {
  return `Adding the "${RELEASE_NOTE_LABEL_NEEDED}" label because no release-note block was detected, please follow our [release note process](${guidelinesURL}) to remove it.`;
}

export type ReleaseNoteGitHub = Pick<
  GitHubClient,
  | 'isMember'
  | 'getIssue'
  | 'listIssueLabels'
  | 'addLabel'
  | 'removeLabel'
  | 'botUser'
  | 'listComments'
  | 'createComment'
  | 'deleteComment'
  | 'patchIssue'
>;

export const releaseNotePlugin: Plugin = {
  name: 'release-note',
  config: releaseNoteConfigSection,
  help: {
    description:
      `The release-note plugin implements a release note process that uses a markdown 'release-note' code block to associate a release note with a pull request. Until the 'release-note' block in the pull request body is populated the PR will be assigned the '${RELEASE_NOTE_LABEL_NEEDED}' label.\n` +
      `<br>There are three valid types of release notes that can replace this label:\n` +
      `<ol><li>PRs with a normal release note in the 'release-note' block are given the label '${RELEASE_NOTE}'.</li>\n` +
      `<li>PRs that have a release note of 'none' in the block are given the label '${RELEASE_NOTE_NONE}' to indicate that the PR does not warrant a release note.</li>\n` +
      `<li>PRs that contain 'action required' in their 'release-note' block are given the label '${RELEASE_NOTE_ACTION_REQUIRED}' to indicate that the PR introduces potentially breaking changes that necessitate user action before upgrading to the release.</li></ol>\n` +
      'To use the plugin, in the pull request body text:\n\n```release-note\n<release note content>\n```',
    commands: [
      {
        usage: '/release-note-none',
        description: `Adds the '${RELEASE_NOTE_NONE}' label to indicate that the PR does not warrant a release note. This is deprecated and ideally the release note process should be followed in the PR body instead.`,
        whoCanUse: 'PR Authors and Org Members.',
        examples: ['/release-note-none'],
      },
      {
        usage: '/release-note-edit',
        description: 'Replaces the release note block in the top level comment with the provided one.',
        whoCanUse: 'Org Members.',
        examples: ['/release-note-edit\r\n```release-note\r\nThe new release note\r\n```'],
      },
    ],
  },
  handlers: {
    issueComment: (e, ctx) => handleReleaseNoteComment(ctx.github, ctx.log, e),
    pullRequest: (e, ctx) =>
      handleReleaseNotePR(ctx.github, ctx.log, ctx.snapshot.plugins.release_note?.guidelines_url || DEFAULT_RELEASE_NOTE_GUIDELINES_URL, e),
  },
};

/** The trimmed text of the first release-note block in `body`, or "". */
export function getReleaseNote(body: string): string {
  const m = noteMatcherRe.exec(body);
  return m === null ? '' : (m[1] ?? '').trim();
}

/** The release-note label `body` calls for, given the PR's current labels. */
export function determineReleaseNoteLabel(body: string, labels: readonly string[]): string {
  const note = getReleaseNote(body).toLowerCase();
  const deprecation = hasLabel(labels, KIND_DEPRECATION);
  if (note === '') {
    if (deprecation) return RELEASE_NOTE_LABEL_NEEDED;
    return hasLabel(labels, RELEASE_NOTE_NONE) ? RELEASE_NOTE_NONE : RELEASE_NOTE_LABEL_NEEDED;
  }
  if (noneRe.test(note)) return deprecation ? RELEASE_NOTE_LABEL_NEEDED : RELEASE_NOTE_NONE;
  if (note.includes('action required')) return RELEASE_NOTE_ACTION_REQUIRED;
  return RELEASE_NOTE;
}

/** PR numbers named by "Cherry pick of #N on release-X.Y." lines. */
export function cherryPickParents(body: string): number[] {
  const out: number[] = [];
  for (const line of body.split('\n')) {
    const m = cherryPickRe.exec(line);
    if (m !== null) out.push(Number(m[1]));
  }
  return out;
}

async function removeOtherLabels(gh: ReleaseNoteGitHub, org: string, repo: string, number: number, keep: string, labels: Set<string>): Promise<void> {
  for (const l of RELEASE_NOTE_LABELS) {
    if (l !== keep && labels.has(l)) {
      await gh.removeLabel(org, repo, number, l);
      labels.delete(l);
    }
  }
}

export async function handleReleaseNoteComment(gh: ReleaseNoteGitHub, log: Logger, e: IssueCommentEvent): Promise<void> {
  if (!e.isPR || e.action !== 'created') return;
  const body = e.comment.body ?? '';
  const commenter = e.comment.user?.login ?? e.sender;
  const reply = (text: string, url: string = e.comment.html_url): Promise<boolean> =>
    commentOnce(gh, e.org, e.repo, e.number, formatResponseRaw(body, url, commenter, text));

  if (releaseNoteEditCmdRe.test(body)) {
    await editReleaseNote(gh, log, e, commenter, reply);
    return;
  }
  if (releaseNoteCmdRe.test(body) || releaseNoteActionRequiredCmdRe.test(body)) {
    await reply(
      `the \`/${RELEASE_NOTE}\` and \`/${RELEASE_NOTE_ACTION_REQUIRED}\` commands have been deprecated.\n` +
        'Please edit the `release-note` block in the PR body text to include the release note. If the release note requires additional action include the string `action required` in the release note. For example:\n' +
        '````\n```release-note\nSome release note with action required.\n```\n````',
    );
    return;
  }
  if (!releaseNoteNoneCmdRe.test(body)) return;

  const isMember = await gh.isMember(e.org, commenter);
  const isAuthor = (e.issue.user?.login ?? '').toLowerCase() === commenter.toLowerCase();
  if (!isMember && !isAuthor) {
    await reply(`you can only set the release note label to ${RELEASE_NOTE_NONE} if you are the PR author or an org member.`);
    return;
  }
  // The live issue, not the payload: a redelivery must see the labels we already set.
  const issue = await gh.getIssue(e.org, e.repo, e.number);
  const blockLabel = determineReleaseNoteLabel(issue.body, issue.labels);
  if (blockLabel === RELEASE_NOTE || blockLabel === RELEASE_NOTE_ACTION_REQUIRED) {
    await reply(`you can only set the release note label to ${RELEASE_NOTE_NONE} if the release-note block in the PR body text is empty or "none".`);
    return;
  }
  if (hasLabel(issue.labels, KIND_DEPRECATION)) {
    await reply(`you can not set the release note label to "${RELEASE_NOTE_NONE}" because the PR has the label "${KIND_DEPRECATION}".`);
    return;
  }
  const labels = new Set(issue.labels);
  if (!labels.has(RELEASE_NOTE_NONE)) {
    log.info({ label: RELEASE_NOTE_NONE }, 'adding release-note-none');
    await gh.addLabel(e.org, e.repo, e.number, RELEASE_NOTE_NONE);
  }
  await removeOtherLabels(gh, e.org, e.repo, e.number, RELEASE_NOTE_NONE, labels);
}

async function editReleaseNote(
  gh: ReleaseNoteGitHub,
  log: Logger,
  e: IssueCommentEvent,
  commenter: string,
  reply: (text: string, url?: string) => Promise<boolean>,
): Promise<void> {
  if (!(await gh.isMember(e.org, commenter))) {
    await reply('You must be an org member to edit the release note.', e.issue.html_url);
    return;
  }
  const newNote = getReleaseNote(e.comment.body ?? '');
  if (newNote === '') {
    await reply('/release-note-edit must be used with a release note block.');
    return;
  }
  const issue = await gh.getIssue(e.org, e.repo, e.number);
  const m = noteMatcherRe.exec(issue.body);
  if (m === null) {
    await reply('/release-note-edit must be used with a single release note block.');
    return;
  }
  // The note is the text just before the closing fence that ends the match.
  const noteEnd = m.index + m[0].length - FENCE.length;
  const noteStart = noteEnd - (m[1] ?? '').length;
  const updated = `${issue.body.slice(0, noteStart)}\r\n${newNote}\r\n${issue.body.slice(noteEnd)}`;
  if (updated === issue.body) return; // already edited (a redelivery)
  await gh.patchIssue(e.org, e.repo, e.number, { body: updated });
  log.info({ user: commenter }, 'edited release note');
}

export async function handleReleaseNotePR(gh: ReleaseNoteGitHub, log: Logger, guidelinesURL: string, e: PullRequestEvent): Promise<void> {
  const relevant =
    e.action === 'opened' ||
    e.action === 'edited' ||
    e.action === 'ready_for_review' ||
    (e.action === 'labeled' && (RELEASE_NOTE_LABELS as readonly string[]).includes(e.label ?? ''));
  if (!relevant) return;

  const pr = e.pullRequest;
  const body = pr.body ?? '';
  const neededBody = releaseNoteNeededBody(guidelinesURL);
  const labels = new Set(await gh.listIssueLabels(e.org, e.repo, e.number));
  let label = determineReleaseNoteLabel(body, [...labels]);

  // Cherry-picks onto release branches may inherit their parents' notes; computed at most once.
  let noteless: string[] | undefined;
  const notelessParents = async (): Promise<string[]> => {
    if (noteless !== undefined) return noteless;
    noteless = [];
    if (pr.base.ref === 'master') return noteless;
    for (const parent of cherryPickParents(body)) {
      try {
        const parentLabels = await gh.listIssueLabels(e.org, e.repo, parent);
        if (!hasLabel(parentLabels, RELEASE_NOTE) && !hasLabel(parentLabels, RELEASE_NOTE_ACTION_REQUIRED)) noteless.push(`#${parent}`);
      } catch (err) {
        log.error({ err, parent }, 'failed to list labels of a cherry-pick parent');
      }
    }
    return noteless;
  };
  const mustFollowProcess = async (): Promise<boolean> =>
    pr.base.ref === 'master' || cherryPickParents(body).length === 0 || (await notelessParents()).length > 0;

  if (label === RELEASE_NOTE_LABEL_NEEDED) {
    if (pr.merged === true) return;
    if (!(await mustFollowProcess())) {
      if (labels.has(RELEASE_NOTE_LABEL_NEEDED)) await gh.removeLabel(e.org, e.repo, e.number, RELEASE_NOTE_LABEL_NEEDED);
      labels.delete(RELEASE_NOTE_LABEL_NEEDED);
      await clearStaleComments(gh, e, neededBody);
      return;
    }
    const parents = await notelessParents();
    if (parents.length > 0 && !labels.has(RELEASE_NOTE_LABEL_NEEDED)) {
      const text = formatResponse(
        pr.user?.login ?? '',
        PARENT_RELEASE_NOTE_BODY,
        `The following parent PRs have neither the "${RELEASE_NOTE}" nor the "${RELEASE_NOTE_ACTION_REQUIRED}" labels: ${parents.join(', ')}.`,
      );
      await commentOnce(gh, e.org, e.repo, e.number, text);
    }
    if (labels.has(KIND_DEPRECATION)) {
      if (!labels.has(RELEASE_NOTE_LABEL_NEEDED)) await commentOnce(gh, e.org, e.repo, e.number, formatSimpleResponse(RELEASE_NOTE_DEPRECATION_BODY));
    } else {
      const comments = await gh.listComments(e.org, e.repo, e.number);
      if (comments.some((c) => releaseNoteNoneCmdRe.test(c.body))) label = RELEASE_NOTE_NONE;
      else if (!labels.has(RELEASE_NOTE_LABEL_NEEDED)) {
        // The comments are in hand: look for our own reminder there instead of listing them again.
        await commentOnceAmong(gh, e.org, e.repo, e.number, formatSimpleResponse(neededBody), comments);
      }
    }
  }

  if (!labels.has(label)) {
    log.info({ label }, 'adding release-note label');
    await gh.addLabel(e.org, e.repo, e.number, label);
    labels.add(label);
  }
  await removeOtherLabels(gh, e.org, e.repo, e.number, label, labels);

  const noteAdded = labels.has(RELEASE_NOTE) || labels.has(RELEASE_NOTE_ACTION_REQUIRED) || labels.has(RELEASE_NOTE_NONE);
  if ((await mustFollowProcess()) && !noteAdded) return;
  await clearStaleComments(gh, e, neededBody);
}

/** Deletes the bot's "no release-note block" and cherry-pick parent reminders once they no longer apply. */
async function clearStaleComments(gh: ReleaseNoteGitHub, e: PullRequestEvent, neededBody: string): Promise<void> {
  await pruneBotComments(gh, e.org, e.repo, e.number, (c) => c.body.includes(neededBody) || c.body.includes(PARENT_RELEASE_NOTE_BODY));
}
