// The GitHub reporter's failure comment (lifecycle-spec.md §3.2.2; upstream pkg/github/report/report.go
// ReportComment): one comment per PR, found again by its marker, with a table of the failed jobs.
import type { ProwJob, ProwJobType } from '../../api/prowjob.js';
import { IS_OPTIONAL_LABEL } from '../../api/labels.js';
import type { GitHubClient } from '../../github/types.js';
import type { GoTemplate } from '../../go/template/template.js';
import { PROWJOB_GO_TYPE } from '../../api/prowjob-go-type.js';
import { isValidForTypes } from './status.js';

export type CommentGitHub = Pick<GitHubClient, 'botUser' | 'listComments' | 'createComment' | 'editComment' | 'deleteComment'>;

/** Identifies the bot's test report comments. */
export const COMMENT_TAG = '<!-- test report -->';

export const ABOUT_THIS_BOT =
  'Instructions for interacting with me using PR comments are available [here](https://git.k8s.io/community/contributors/guide/pull-requests.md).  ' +
  'If you have questions or suggestions related to my behavior, please file an issue against the ' +
  '[kubernetes-sigs/prow](https://github.com/kubernetes-sigs/prow/issues/new?title=Prow%20issue:) repository. ' +
  'I understand the commands that are listed [here](https://go.k8s.io/bot-commands).';

/** One table row: ``context | sha | [link](url) | required | `rerun` ``. */
export function createEntry(pj: ProwJob): string {
  let required = 'unknown';
  if (pj.spec.type === 'presubmit') {
    const label = pj.metadata.labels?.[IS_OPTIONAL_LABEL];
    const parsed = parseGoBool(label);
    if (parsed !== undefined) required = String(!parsed);
  }
  return [
    pj.spec.context ?? '',
    pj.spec.refs?.pulls?.[0]?.sha ?? '',
    `[link](${pj.status.url ?? ''})`,
    required,
    `\`${pj.spec.rerun_command ?? ''}\``,
  ].join(' | ');
}

/** strconv.ParseBool. */
function parseGoBool(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  return undefined;
}

interface CommentLike {
  id: number;
  body: string;
  user: { login: string };
}

/**
 * Upstream parseIssueComments: which bot report comments to delete, the rows of the new table, and the
 * comment to edit in place (0: create a new one).
 */
export function parseIssueComments(
  pjs: ProwJob[],
  isBot: (login: string) => boolean,
  comments: CommentLike[],
): { deletes: number[]; entries: string[]; updateId: number } {
  const previous: number[] = [];
  let latest = 0;
  const entries: string[] = [];
  for (const c of comments) {
    if (!isBot(c.user.login) || !c.body.includes(COMMENT_TAG)) continue;
    if (latest !== 0) previous.push(latest);
    latest = c.id;
    let tracking = false;
    for (const raw of c.body.split('\n')) {
      const line = raw.trim();
      if (line.startsWith('---')) tracking = true;
      else if (line.length === 0) tracking = false;
      else if (tracking) entries.push(line);
    }
  }
  const reported = new Set(pjs.map((pj) => pj.spec.context ?? ''));
  const kept: string[] = [];
  entries.forEach((entry, i) => {
    const ctx = entry.split(' | ')[0];
    const newerSame = entries.some((other, j) => j > i && other.split(' | ')[0] === ctx);
    if (!newerSame && !reported.has(ctx!)) kept.push(entry);
  });
  let createNew = false;
  for (const pj of pjs) {
    if (pj.status.state === 'failure') {
      kept.push(createEntry(pj));
      createNew = true;
    }
  }
  const deletes = [...previous];
  if ((createNew || kept.length === 0) && latest !== 0) {
    deletes.push(latest);
    latest = 0;
  }
  return { deletes, entries: kept, updateId: latest };
}

/** Upstream createComment: the failure table (or "all tests passed"), the report template, the about text and the tag. */
export function createComment(template: GoTemplate | undefined, pjs: ProwJob[], entries: string[]): string {
  const first = pjs[0];
  if (!first) return '';
  const author = first.spec.refs?.pulls?.[0]?.author ?? '';
  const rendered = template ? template.render(first, { type: PROWJOB_GO_TYPE }) : undefined;
  const plural = entries.length > 1 ? 's' : '';
  let lines =
    entries.length === 0
      ? [`@${author}: all tests **passed!**`, '']
      : [
          `@${author}: The following test${plural} **failed**, say \`/retest\` to rerun all failed tests or \`/retest-required\` to rerun all mandatory failed tests:`,
          '',
          'Test name | Commit | Details | Required | Rerun command',
          '--- | --- | --- | --- | ---',
        ];
  lines = lines.concat(entries);
  if (rendered !== undefined) lines.push('', rendered);
  lines.push('', '<details>', '', ABOUT_THIS_BOT, '</details>', COMMENT_TAG);
  return lines.join('\n');
}

/** `login` and `login[bot]` are the same bot (GitHub Apps comment as `<app>[bot]`). */
export function botChecker(botLogin: string): (login: string) => boolean {
  const norm = (s: string): string => s.toLowerCase().replace(/\[bot\]$/, '');
  const me = norm(botLogin);
  return (login) => norm(login) === me;
}

/**
 * Upstream ReportComment for complete presubmits of one PR: deletes stale report comments, then creates or
 * edits the one comment. Returns what it did, for logs.
 */
export async function reportComment(
  gh: CommentGitHub,
  template: GoTemplate | undefined,
  pjs: ProwJob[],
  types: ProwJobType[],
  mustCreate: boolean,
): Promise<{ deleted: number; created: boolean; edited: boolean }> {
  const none = { deleted: 0, created: false, edited: false };
  const valid = pjs.filter((pj) => isValidForTypes(pj, types) && Boolean(pj.status.completionTime));
  if (valid.length === 0) return none;
  const refs = valid[0]!.spec.refs;
  if (!refs || refs.pulls?.length !== 1) return none;
  const number = refs.pulls[0]!.number;
  const comments = await gh.listComments(refs.org, refs.repo, number);
  const bot = await gh.botUser();
  const { deletes, entries, updateId } = parseIssueComments(valid, botChecker(bot.login), comments);
  for (const id of deletes) await gh.deleteComment(refs.org, refs.repo, id);
  const aborted = valid.some((pj) => pj.status.state === 'aborted');
  const result = { deleted: deletes.length, created: false, edited: false };
  if (entries.length > 0 || (mustCreate && !aborted)) {
    const body = createComment(template, valid, entries);
    if (updateId === 0) {
      await gh.createComment(refs.org, refs.repo, number, body);
      result.created = true;
    } else {
      await gh.editComment(refs.org, refs.repo, updateId, body);
      result.edited = true;
    }
  }
  return result;
}
