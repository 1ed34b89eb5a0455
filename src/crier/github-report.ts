// The GitHub reporter's GitHub side (lifecycle-spec.md §3.2, upstream pkg/github/report/report.go):
// one commit status per job context, and one failure comment per PR with a table of failed jobs.
import type { ProwJob, ProwJobState, ProwJobType } from '../api/prowjob.js';
import { IS_OPTIONAL_LABEL } from '../api/labels.js';
import type { GitHubClient, StatusState } from '../github/types.js';
import { GitHubError } from '../github/types.js';
import { compileGoTemplate, type GoTemplate } from '../go/template/template.js';
import { PROWJOB_GO_TYPE } from '../api/prowjob-go-type.js';

/** Every GitHub call the GitHub reporter makes. */
export type CrierGitHub = Pick<GitHubClient, 'botUser' | 'createStatus' | 'listComments' | 'createComment' | 'editComment' | 'deleteComment'>;

/** The config the reporter reads (the loaded Config satisfies it). */
export interface GitHubReporterConfig {
  github_reporter?: { job_types_to_report?: ProwJobType[]; no_comment_repos?: string[]; summary_comment_repos?: string[] };
  plank?: { report_templates?: Record<string, string>; report_template?: string };
}

/** Identifies the bot's test report comments. */
export const COMMENT_TAG = '<!-- test report -->';

export const ABOUT_THIS_BOT =
  'Instructions for interacting with me using PR comments are available [here](https://git.k8s.io/community/contributors/guide/pull-requests.md).  ' +
  'If you have questions or suggestions related to my behavior, please file an issue against the ' +
  '[kubernetes-sigs/prow](https://github.com/kubernetes-sigs/prow/issues/new?title=Prow%20issue:) repository. ' +
  'I understand the commands that are listed [here](https://go.k8s.io/bot-commands).';

const DEFAULT_JOB_TYPES: ProwJobType[] = ['presubmit', 'postsubmit'];

export function jobTypesToReport(cfg: GitHubReporterConfig): ProwJobType[] {
  const t = cfg.github_reporter?.job_types_to_report;
  return t && t.length > 0 ? t : DEFAULT_JOB_TYPES;
}

/** Upstream prowjobStateToGitHubStatus; aborted reports as failure. */
export function githubStatusState(state: ProwJobState): StatusState {
  switch (state) {
    case 'triggered':
    case 'pending':
      return 'pending';
    case 'success':
      return 'success';
    case 'error':
      return 'error';
    case 'failure':
    case 'aborted':
      return 'failure';
    default:
      throw new Error(`unknown prowjob state ${JSON.stringify(state)}`);
  }
}

const DESCRIPTION_MAX = 140;
const ELIDE = ' ... ';
const blen = (s: string): number => Buffer.byteLength(s, 'utf8');

/** Go's byte-wise middle truncation (config.truncate). */
function truncateMiddle(s: string, maxLen: number): string {
  const b = Buffer.from(s, 'utf8');
  if (b.length <= maxLen) return s;
  const half = Math.max(0, Math.floor((maxLen - ELIDE.length) / 2));
  return b.subarray(0, half).toString('utf8') + ELIDE + b.subarray(b.length - half).toString('utf8');
}

/**
 * Upstream ContextDescriptionWithBaseSha: the description cut to fit 140 bytes with ` BaseSHA:<sha>` at
 * the end, left-padded with U+2001 so the SHA sits at the right (Tide reads it back).
 */
export function contextDescriptionWithBaseSha(description: string, baseSha: string): string {
  let suffix = '';
  if (baseSha) {
    suffix = ` BaseSHA:${baseSha}`;
    if (blen(description + suffix) < DESCRIPTION_MAX) {
      for (let i = 0; i < DESCRIPTION_MAX - blen(description + suffix); i++) suffix = `\u2001${suffix}`;
    }
  }
  return truncateMiddle(description, DESCRIPTION_MAX - blen(suffix)) + suffix;
}

/** Upstream ShouldReport for the github reporter (the type list is checked per action). */
export function shouldReportGitHub(pj: ProwJob, reportAgent?: string): boolean {
  if (!pj.spec.report) return false;
  if (pj.metadata.labels?.['prow.k8s.io/gerrit-report-label']) return false;
  if (pj.spec.type !== 'presubmit' && pj.spec.type !== 'postsubmit') return false;
  if (reportAgent && pj.spec.agent !== reportAgent) return false;
  return true;
}

function validForTypes(pj: ProwJob, types: ProwJobType[]): boolean {
  return types.includes(pj.spec.type) && Boolean(pj.spec.report);
}

/** GitHub answers these when a force push removed the commit or the context is full: count them as reported. */
export function isIgnorableStatusError(err: unknown): boolean {
  if (!(err instanceof GitHubError)) return false;
  const text = `${err.message} ${JSON.stringify(err.errors)}`;
  if (err.status === 404) return true;
  return err.status === 422 && (/reached the maximum number of statuses/.test(text) || /No commit found for SHA/.test(text));
}

/** Sets the commit status for one job (upstream ReportStatusContext). */
export async function reportStatus(gh: CrierGitHub, pj: ProwJob, cfg: GitHubReporterConfig): Promise<boolean> {
  if (!validForTypes(pj, jobTypesToReport(cfg))) return false;
  const refs = pj.spec.refs;
  if (!refs) return false;
  if ((refs.pulls?.length ?? 0) > 1) return false; // batches: no status
  const sha = refs.pulls?.[0]?.sha ?? refs.base_sha ?? '';
  const status = {
    state: githubStatusState(pj.status.state),
    context: pj.spec.context ?? '',
    description: contextDescriptionWithBaseSha(pj.status.description ?? '', refs.base_sha ?? ''),
    targetUrl: pj.status.url ?? '',
  };
  try {
    await gh.createStatus(refs.org, refs.repo, sha, status);
  } catch (err) {
    if (isIgnorableStatusError(err)) return false;
    throw err;
  }
  return true;
}

const templateCache = new Map<string, GoTemplate>();

/** Upstream ReportTemplateForRepo: `org/repo`, then `org`, then `*`. */
export function reportTemplateForRepo(cfg: GitHubReporterConfig, org: string, repo: string): GoTemplate | undefined {
  const templates: Record<string, string> = {
    ...(cfg.plank?.report_template ? { '*': cfg.plank.report_template } : {}),
    ...cfg.plank?.report_templates,
  };
  const src = templates[`${org}/${repo}`] ?? templates[org] ?? templates['*'];
  if (src === undefined) return undefined;
  let t = templateCache.get(src);
  if (!t) {
    t = compileGoTemplate(src, 'report_template');
    templateCache.set(src, t);
  }
  return t;
}

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

export interface CommentLike {
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
  gh: CrierGitHub,
  template: GoTemplate | undefined,
  pjs: ProwJob[],
  cfg: GitHubReporterConfig,
  mustCreate: boolean,
): Promise<{ deleted: number; created: boolean; edited: boolean }> {
  const none = { deleted: 0, created: false, edited: false };
  const types = jobTypesToReport(cfg);
  const valid = pjs.filter((pj) => validForTypes(pj, types) && Boolean(pj.status.completionTime));
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
