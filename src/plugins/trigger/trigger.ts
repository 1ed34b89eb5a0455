// trigger: starts presubmits on pull requests and comments, postsubmits on pushes
// (docs/plugins-core.md "trigger", upstream pkg/plugins/trigger). Idempotent under redelivery: a
// job's name is derived from (delivery, job, SHA), so creating it again fails with AlreadyExistsError.
import { requestAbort } from '../../api/abort.js';
import { EVENT_GUID_LABEL, LGTM, NEEDS_OK_TO_TEST, OK_TO_TEST, ORG_LABEL, PROWJOB_TYPE_LABEL, PULL_LABEL, REPO_LABEL, RETEST_LABEL } from '../../api/labels.js';
import { newPresubmit, newProwJob, postsubmitSpec, type NewProwJobOptions, type PullRequestLike } from '../../api/pjutil.js';
import type { ProwJob } from '../../api/prowjob.js';
import { postsubmitShouldRun } from '../../config/match.js';
import { triggerFor } from '../../config/plugins.js';
import type { Config, Postsubmit, Presubmit, TriggerConfig } from '../../config/types.js';
import type { GitHubClient, PullRequest } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';
import { prowJobFields } from '../../observability/prowjob-fields.js';
import { AlreadyExistsError, ConflictError } from '../../store/types.js';
import { dropCodeBlocks } from '../shared/markdown.js';
import { deliveryJobName } from '../shared/prowjob-name.js';
import { ABOUT_THIS_BOT, formatResponseRaw } from '../shared/respond.js';
import type { JobCreator, Plugin, PluginContext } from '../types.js';
import type { GenericCommentEvent, PullRequestEvent, PushEvent } from '../../github/event-types.js';
import {
  availablePresubmits, commentMatchesTrigger, filterPresubmits, helpMessage, isHelpComment, lazyChanges, okToTestCancelRe,
  okToTestRe, presubmitFilter, retestRe, retestRequiredRe, shouldPruneHelp, shouldRespondWithHelp, testAllFilter,
} from './filter.js';
import { trustedPullRequest, trustedUser } from './trust.js';
import { commentOnce, hasBotComment, pruneBotComments } from '../shared/comments.js';
import { isBot } from '../../github/login.js';
import { triggerConfigSection } from './trigger-config.js';
import { inRepoConfigEnabled } from '../../config/inrepo.js';
import type { MergedTreeReader } from '../../git/types.js';
import { getPostsubmits, getPresubmits, InRepoConfigError } from '../../config/inrepo-jobs.js';

export type TriggerGitHub = Pick<
  GitHubClient,
  | 'botUser' | 'isMember' | 'isCollaborator' | 'getRef' | 'getPullRequest' | 'listPullRequestFiles' | 'listIssueLabels'
  | 'addLabel' | 'removeLabel' | 'createComment' | 'listComments' | 'deleteComment' | 'getCombinedStatus' | 'searchIssues'
>;

export interface TriggerDeps {
  github: TriggerGitHub;
  jobs: JobCreator;
  config: Config;
  trigger: TriggerConfig;
  log: Logger;
  now?: () => Date;
  /**
   * PluginContext.redelivery: look for the bot's own earlier reply before commenting. Undefined counts as
   * true (always look); a first delivery cannot have replied yet.
   */
  redelivery?: boolean;
  /** Reads `.prow.yaml` at the merge of the PR's refs, for repos in_repo_config enables. */
  trees?: MergedTreeReader;
}

export const ABORTED_DESCRIPTION = 'Aborted by trigger plugin.';
const ZERO_SHA = '0000000000000000000000000000000000000000';
const ABOUT_WITHOUT_COMMANDS = ABOUT_THIS_BOT;

/** The PR fields trigger needs, from a webhook payload or from GET /pulls/N. */
export interface PRInfo {
  org: string;
  repo: string;
  number: number;
  title: string;
  htmlUrl: string;
  author: string;
  authorLink: string;
  authorType: string;
  headSha: string;
  headRef: string;
  baseRef: string;
  repoLink: string;
  repoFullName: string;
  draft: boolean;
  mergeable: boolean | null;
  merged: boolean;
}

interface PayloadPR {
  number: number;
  title?: string;
  html_url?: string;
  draft?: boolean;
  merged?: boolean | null;
  mergeable?: boolean | null;
  user?: { login?: string; html_url?: string; type?: string } | null;
  head: { sha: string; ref?: string };
  base: { ref: string; repo: { name: string; full_name?: string; html_url?: string; owner: { login: string } } };
}

export function prInfoFromPayload(raw: unknown): PRInfo {
  const pr = raw as PayloadPR;
  const org = pr.base.repo.owner.login;
  const repo = pr.base.repo.name;
  const repoLink = pr.base.repo.html_url ?? `https://github.com/${org}/${repo}`;
  const author = pr.user?.login ?? '';
  return {
    org, repo, number: pr.number, title: pr.title ?? '', htmlUrl: pr.html_url ?? '', author,
    authorLink: pr.user?.html_url ?? `https://github.com/${author}`, authorType: pr.user?.type ?? 'User',
    headSha: pr.head.sha, headRef: pr.head.ref ?? '', baseRef: pr.base.ref, repoLink,
    repoFullName: pr.base.repo.full_name ?? `${org}/${repo}`, draft: pr.draft ?? false,
    mergeable: pr.mergeable ?? null, merged: pr.merged ?? false,
  };
}

export function prInfoFromClient(pr: PullRequest): PRInfo {
  const origin = (() => {
    try {
      return new URL(pr.htmlUrl || pr.base.repo.htmlUrl).origin;
    } catch {
      return 'https://github.com';
    }
  })();
  return {
    org: pr.base.repo.owner, repo: pr.base.repo.name, number: pr.number, title: pr.title, htmlUrl: pr.htmlUrl,
    author: pr.user.login, authorLink: `${origin}/${pr.user.login}`, authorType: pr.user.type,
    headSha: pr.head.sha, headRef: pr.head.ref, baseRef: pr.base.ref, repoLink: pr.base.repo.htmlUrl,
    repoFullName: pr.base.repo.fullName, draft: pr.draft, mergeable: pr.mergeable, merged: pr.merged,
  };
}

function pullRequestLike(pr: PRInfo): PullRequestLike {
  return {
    number: pr.number, title: pr.title, html_url: pr.htmlUrl,
    user: { login: pr.author, html_url: pr.authorLink },
    head: { sha: pr.headSha, ref: pr.headRef },
    base: { ref: pr.baseRef, repo: { name: pr.repo, html_url: pr.repoLink, owner: { login: pr.org } } },
  };
}

function presubmitsFor(config: Config, org: string, repo: string): Presubmit[] {
  return config.presubmits?.[`${org}/${repo}`] ?? [];
}

function jobOptions(config: Config, now?: () => Date): NewProwJobOptions {
  return {
    namespace: config.prowjob_namespace || undefined,
    state: config.scheduler?.enabled ? 'scheduling' : 'triggered',
    now,
  };
}

/**
 * Creates `pj` (named by deliveryJobName) unless this delivery created it already: the name is the
 * idempotency key, so the store's AlreadyExistsError means "done before". Returns true when created.
 */
async function createOnce(jobs: JobCreator, pj: ProwJob, log: Logger): Promise<boolean> {
  try {
    await jobs.createProwJob(pj);
  } catch (err) {
    if (!(err instanceof AlreadyExistsError)) throw err;
    log.info(prowJobFields(pj), 'prowjob for this delivery exists already');
    return false;
  }
  log.info(prowJobFields(pj), 'created prowjob');
  return true;
}

/** Upstream runRequested: nothing for an unmergeable PR; one presubmit ProwJob per job otherwise. */
export async function runRequested(
  d: Pick<TriggerDeps, 'jobs' | 'config' | 'log' | 'now'>,
  pr: PRInfo,
  baseSHA: string,
  jobs: readonly Presubmit[],
  eventGUID: string,
  labels: Record<string, string> = {},
): Promise<number> {
  if (pr.mergeable === false) {
    d.log.info({ pr: pr.number }, 'pull request is not mergeable: no jobs');
    return 0;
  }
  let created = 0;
  const errors: unknown[] = [];
  for (const job of jobs) {
    const name = deliveryJobName(eventGUID, job.name, pr.headSha);
    const pj = newPresubmit(pullRequestLike(pr), baseSHA, job, eventGUID, labels, { ...jobOptions(d.config, d.now), name });
    try {
      if (await createOnce(d.jobs, pj, d.log)) created++;
    } catch (err) {
      d.log.error({ err, job: job.name }, 'creating prowjob failed');
      errors.push(err);
    }
  }
  if (errors.length > 0) throw new AggregateError(errors, `creating ${errors.length} prowjob(s) failed`);
  return created;
}

/** Aborts the PR's incomplete presubmits (all of them, or only those for another head SHA). */
export async function abortJobs(d: Pick<TriggerDeps, 'jobs' | 'log'>, pr: PRInfo, keepSha?: string): Promise<number> {
  const list = (await d.jobs.listProwJobs({
    labels: { [ORG_LABEL]: pr.org, [REPO_LABEL]: pr.repo, [PULL_LABEL]: String(pr.number), [PROWJOB_TYPE_LABEL]: 'presubmit' },
  })).items;
  let aborted = 0;
  const errors: unknown[] = [];
  for (const pj of list) {
    if (keepSha !== undefined && pj.spec.refs?.pulls?.[0]?.sha === keepSha) continue;
    const next = requestAbort(pj, { description: ABORTED_DESCRIPTION });
    if (!next) continue; // complete or already aborted
    try {
      await d.jobs.updateProwJob(next);
      aborted++;
      d.log.info({ ...prowJobFields(pj), from: pj.status.state, to: 'aborted' }, 'aborted prowjob');
    } catch (err) {
      if (err instanceof ConflictError) continue; // someone else changed it: they are the authority
      errors.push(err);
    }
  }
  if (errors.length > 0) throw new AggregateError(errors, `aborting ${errors.length} prowjob(s) failed`);
  return aborted;
}

async function buildAll(d: TriggerDeps, pr: PRInfo, guid: string, baseSHA: string, presubmits: readonly Presubmit[]): Promise<void> {
  if (pr.draft) {
    d.log.info({ pr: pr.number }, 'draft pull request: no jobs');
    return;
  }
  const changes = lazyChanges(async () => (await d.github.listPullRequestFiles(pr.org, pr.repo, pr.number)).map((f) => f.filename));
  const toTest = await filterPresubmits(testAllFilter, changes, pr.baseRef, presubmits);
  await runRequested(d, pr, baseSHA, toTest, guid);
}

async function buildAllIfTrusted(d: TriggerDeps, pr: PRInfo, guid: string, baseSHA: string, presubmits: readonly Presubmit[]): Promise<void> {
  const { trusted, labels } = await trustedPullRequest(d.github, d.trigger, pr.author, pr.org, pr.repo, pr.number);
  if (!trusted) return;
  if (labels?.includes(NEEDS_OK_TO_TEST)) await d.github.removeLabel(pr.org, pr.repo, pr.number, NEEDS_OK_TO_TEST);
  await buildAll(d, pr, guid, baseSHA, presubmits);
}

function draftMessage(): string {
  return 'Skipping CI for Draft Pull Request.\nIf you want CI signal for your change, please convert it to an actual PR.\nYou can still manually trigger a test run with `/test all`';
}

async function orgInvitationGuidance(d: TriggerDeps, pr: PRInfo, joinOrgURL: string): Promise<string> {
  const plain = `Regular contributors should [join the org](${joinOrgURL}) to skip this step.`;
  const prominent = d.trigger.org_invite?.prominent;
  if (prominent?.disabled) return plain;
  if (pr.authorType === 'Bot') return plain;
  let merged = 0;
  try {
    merged = (await d.github.searchIssues(`type:pr is:merged org:${pr.org} author:${pr.author}`)).length;
  } catch (err) {
    d.log.debug({ err }, 'searching merged pull requests failed');
    return plain;
  }
  const threshold = prominent?.merged_pr_threshold && prominent.merged_pr_threshold > 0 ? prominent.merged_pr_threshold : 3;
  if (merged < threshold) return plain;
  if (prominent?.message) return prominent.message.replaceAll('{join_org_url}', joinOrgURL);
  return `>[!TIP]\n>**We noticed you've done this a few times! Consider [joining the org](${joinOrgURL}) to skip this step and gain \`/lgtm\` and other bot rights.** We recommend asking approvers on your previous PRs to sponsor you.`;
}

/** The "Hi @author. Thanks for your PR." comment (upstream welcomeMsg); adds needs-ok-to-test. */
async function welcome(d: TriggerDeps, pr: PRInfo): Promise<void> {
  const { org, repo, number, author } = pr;
  const encoded = encodeURIComponent(pr.repoFullName).replace(/%20/g, '+');
  const trustedOrg = d.trigger.trusted_org ?? '';
  const more = trustedOrg !== '' && trustedOrg !== org ? `or [${trustedOrg}](https://github.com/orgs/${trustedOrg}/people) ` : '';
  const joinOrgURL = d.trigger.join_org_url || `https://github.com/orgs/${org}/people`;
  const marker = `Hi @${author}. Thanks for your PR.`;
  // On a redelivery an earlier attempt may have commented already: look for our own welcome first.
  let existing = false;
  if (d.redelivery !== false) existing = await hasBotComment(d.github, org, repo, number, (c) => c.body.startsWith(marker));
  let comment: string;
  if (d.trigger.ignore_ok_to_test) {
    comment = `${marker}\n\nPRs from untrusted users cannot be marked as trusted with \`/ok-to-test\` in this repo meaning untrusted PR authors can never trigger tests themselves. Collaborators can still trigger tests on the PR using \`/test all\`.\n\nI understand the commands that are listed [here](https://go.k8s.io/bot-commands?repo=${encoded}).\n\n<details>\n\n${ABOUT_WITHOUT_COMMANDS}\n</details>\n`;
  } else {
    const guidance = await orgInvitationGuidance(d, pr, joinOrgURL);
    comment = `${marker}\n\nI'm waiting for a [${org}](https://github.com/orgs/${org}/people) ${more}member to verify that this patch is reasonable to test. If it is, they should reply with \`/ok-to-test\` on its own line. Until that is done, I will not automatically test new commits in this PR, but the usual testing commands by org members will still work.\n\n${guidance}\n\nOnce the patch is verified, the new status will be reflected by the \`${OK_TO_TEST}\` label.\n\nI understand the commands that are listed [here](https://go.k8s.io/bot-commands?repo=${encoded}).\n\n<details>\n\n${ABOUT_WITHOUT_COMMANDS}\n</details>\n`;
    const labels = await d.github.listIssueLabels(org, repo, number);
    if (!labels.includes(OK_TO_TEST) && !labels.includes(NEEDS_OK_TO_TEST)) {
      await d.github.addLabel(org, repo, number, NEEDS_OK_TO_TEST);
    }
  }
  if (!existing) await d.github.createComment(org, repo, number, comment);
}

/**
 * The PR's presubmits: static ones, plus `.prow.yaml`'s at the merge of the base and the PR head when
 * in_repo_config enables the repo (upstream trigger getPresubmits). When the in-repo config cannot be read
 * or is invalid, upstream falls back to the static jobs (so that a presubmit checking .prow.yaml can still
 * run); we do that too and tell the PR why, once per distinct error.
 */
async function prPresubmits(d: TriggerDeps, pr: Pick<PRInfo, 'org' | 'repo' | 'number' | 'headSha'>, baseSHA: () => Promise<string>): Promise<Presubmit[]> {
  try {
    return await getPresubmits(d.config, d.trees, pr.org, pr.repo, baseSHA, async () => [pr.headSha]);
  } catch (err) {
    if (!(err instanceof InRepoConfigError)) throw err;
    d.log.warn({ err: err.message, head_sha: pr.headSha }, 'in-repo config failed: only static presubmits are considered');
    const body = `The in-repo configuration (\`.prow.yaml\` or \`.prow/\`) of this pull request could not be loaded, so only the centrally configured jobs are considered:\n\n${err.problems.map((p) => `- ${p.replace(/\n/g, ' ')}`).join('\n')}\n\n<details>\n\n${ABOUT_WITHOUT_COMMANDS}\n</details>`;
    await commentOnce(d.github, pr.org, pr.repo, pr.number, body);
    return presubmitsFor(d.config, pr.org, pr.repo);
  }
}

/** Upstream handlePR. */
export async function handleTriggerPR(d: TriggerDeps, e: Pick<PullRequestEvent, 'action' | 'pullRequest' | 'label' | 'sender' | 'deliveryId' | 'payload'>): Promise<void> {
  const pr = prInfoFromPayload(e.pullRequest);
  const inRepo = inRepoConfigEnabled(d.config, pr.org, pr.repo);
  if (!inRepo && presubmitsFor(d.config, pr.org, pr.repo).length === 0) return;
  const handled = ['opened', 'reopened', 'edited', 'synchronize', 'labeled', 'closed', 'ready_for_review', 'converted_to_draft'];
  if (!handled.includes(e.action)) return;
  if (e.action === 'closed' || e.action === 'converted_to_draft') {
    await abortJobs(d, pr);
    return;
  }
  if (e.action === 'edited') {
    const changes = (e.payload as { changes?: { base?: { ref?: { from?: string }; sha?: { from?: string } } } }).changes;
    if (!changes?.base?.ref?.from && !changes?.base?.sha?.from) return;
  }
  if (e.action === 'labeled' && e.label !== LGTM && e.label !== OK_TO_TEST) return;
  const baseSHA = await d.github.getRef(pr.org, pr.repo, `heads/${pr.baseRef}`);
  const presubmits = await prPresubmits(d, pr, async () => baseSHA);
  if (presubmits.length === 0) return;
  switch (e.action) {
    case 'opened': {
      const t = await trustedUser(d.github, d.trigger, pr.author, pr.org, pr.repo);
      if (t.trusted) {
        if (pr.draft) {
          await commentOnce(d.github, pr.org, pr.repo, pr.number, draftMessage(), d.redelivery !== false);
          return;
        }
        await buildAll(d, pr, e.deliveryId, baseSHA, presubmits);
        return;
      }
      await welcome(d, pr);
      return;
    }
    case 'reopened':
    case 'ready_for_review':
    case 'edited':
      await buildAllIfTrusted(d, pr, e.deliveryId, baseSHA, presubmits);
      return;
    case 'synchronize': {
      const errors: unknown[] = [];
      await abortJobs(d, pr, pr.headSha).catch((err: unknown) => errors.push(err));
      await buildAllIfTrusted(d, pr, e.deliveryId, baseSHA, presubmits).catch((err: unknown) => errors.push(err));
      if (errors.length > 0) throw new AggregateError(errors, 'synchronize failed');
      return;
    }
    case 'labeled':
      if (e.label === LGTM) {
        const { trusted } = await trustedPullRequest(d.github, d.trigger, pr.author, pr.org, pr.repo, pr.number);
        if (!trusted) await buildAll(d, pr, e.deliveryId, baseSHA, presubmits);
        return;
      }
      // ok-to-test: the bot adds it while handling /ok-to-test, which starts the tests itself.
      if (await isBot(d.github, e.sender)) return;
      await buildAll(d, pr, e.deliveryId, baseSHA, presubmits);
      return;
  }
}

/** Upstream handleGenericComment. */
export async function handleTriggerComment(d: TriggerDeps, e: GenericCommentEvent): Promise<void> {
  const { org, repo, number } = e;
  if (e.action !== 'created' || !e.isPR || e.issueState !== 'open') return;
  if (await isBot(d.github, e.user)) return;
  const text = dropCodeBlocks(e.body);
  let presubmits = presubmitsFor(d.config, org, repo);
  // With in-repo config the jobs (and their trigger regexes) depend on the PR's head: read it first, as upstream
  // does, but only for a comment with a command line (every trigger, /test, /retest and /ok-to-test starts with
  // "/"): other comments cost no GitHub call and no git merge.
  let fetched: { pr: PRInfo; baseSHA: string } | undefined;
  if (inRepoConfigEnabled(d.config, org, repo) && /^\s*\//m.test(text)) {
    const pr = prInfoFromClient(await d.github.getPullRequest(org, repo, number));
    const baseSHA = await d.github.getRef(org, repo, `heads/${pr.baseRef}`);
    fetched = { pr, baseSHA };
    presubmits = await prPresubmits(d, pr, async () => baseSHA);
  }
  if (!commentMatchesTrigger(text, presubmits)) return;

  const commenter = await trustedUser(d.github, d.trigger, e.user, org, repo);
  let labels: string[] | undefined;
  if (!commenter.trusted) {
    const t = await trustedPullRequest(d.github, d.trigger, e.issueAuthor, org, repo, number);
    labels = t.labels;
    if (!t.trusted) {
      const resp = d.trigger.ignore_ok_to_test
        ? 'PRs from untrusted users cannot be marked as trusted with `/ok-to-test` in this repo meaning untrusted PR authors can never trigger tests themselves. Collaborators can still trigger tests on the PR using `/test`.'
        : 'Cannot trigger testing until a trusted user reviews the PR and leaves an `/ok-to-test` message.';
      await replyOnce(d, e, resp);
      return;
    }
  }
  labels ??= await d.github.listIssueLabels(org, repo, number);
  const honor = !d.trigger.ignore_ok_to_test;
  const isOkToTest = honor && okToTestRe.test(text);
  if (isOkToTest && !labels.includes(OK_TO_TEST)) await d.github.addLabel(org, repo, number, OK_TO_TEST);
  if ((isOkToTest || labels.includes(OK_TO_TEST)) && labels.includes(NEEDS_OK_TO_TEST)) {
    await d.github.removeLabel(org, repo, number, NEEDS_OK_TO_TEST);
  }
  if (honor && okToTestCancelRe.test(text)) {
    if (!commenter.trusted) {
      await replyOnce(d, e, 'Only trusted users can revoke `/ok-to-test`.');
      return;
    }
    if (labels.includes(OK_TO_TEST)) await d.github.removeLabel(org, repo, number, OK_TO_TEST);
    if (!labels.includes(NEEDS_OK_TO_TEST)) await d.github.addLabel(org, repo, number, NEEDS_OK_TO_TEST);
    return;
  }

  const pr = fetched?.pr ?? prInfoFromClient(await d.github.getPullRequest(org, repo, number));
  const baseSHA = fetched?.baseSHA ?? await d.github.getRef(org, repo, `heads/${pr.baseRef}`);
  const contexts = async (): Promise<{ failed: Set<string>; all: Set<string> }> => {
    const combined = await d.github.getCombinedStatus(org, repo, pr.headSha);
    const failed = new Set<string>();
    const all = new Set<string>();
    for (const s of combined.statuses) {
      all.add(s.context);
      if (s.state === 'error' || s.state === 'failure') failed.add(s.context);
    }
    return { failed, all };
  };
  const filter = await presubmitFilter(honor, contexts, e.body);
  const changes = lazyChanges(async () => (await d.github.listPullRequestFiles(org, repo, number)).map((f) => f.filename));
  const toTest = await filterPresubmits(filter, changes, pr.baseRef, presubmits);
  const [needsHelp, note] = shouldRespondWithHelp(text, toTest.length);
  if (needsHelp) {
    const available = await availablePresubmits(changes, pr.baseRef, presubmits);
    await replyOnce(d, e, helpMessage(org, repo, pr.baseRef, note, available));
    return;
  }
  const extra: Record<string, string> = {};
  if (retestRe.test(text) || retestRequiredRe.test(text)) extra[RETEST_LABEL] = 'true';
  if (shouldPruneHelp(text)) {
    const n = await pruneBotComments(d.github, org, repo, number, (c) => isHelpComment(c.body));
    if (n > 0) d.log.info({ deleted: n }, 'pruned bot comments');
  }
  await runRequested(d, pr, baseSHA, toTest, e.deliveryId, extra);
}

/** Posts a reply to the comment unless the bot already answered it with the same text (redelivery). */
async function replyOnce(d: TriggerDeps, e: GenericCommentEvent, reply: string): Promise<void> {
  await commentOnce(d.github, e.org, e.repo, e.number, formatResponseRaw(e.body, e.htmlURL, e.user, reply));
}

/** Upstream handlePE: postsubmits for a push; branch deletions are ignored. */
export async function handleTriggerPush(d: Pick<TriggerDeps, 'jobs' | 'config' | 'log' | 'now' | 'trees'>, e: PushEvent): Promise<number> {
  if (e.deleted || e.after === ZERO_SHA) return 0;
  const repoPayload = (e.payload as { repository?: { name?: string; html_url?: string; owner?: { name?: string | null; login?: string } } }).repository;
  let postsubmits: Postsubmit[];
  try {
    postsubmits = await getPostsubmits(d.config, d.trees, e.org, e.repo, e.after);
  } catch (err) {
    if (!(err instanceof InRepoConfigError)) throw err;
    // As upstream getPostsubmits: log it and run the static postsubmits.
    d.log.error({ err: err.message, sha: e.after }, 'Failed to get postsubmits');
    postsubmits = d.config.postsubmits?.[`${e.org}/${e.repo}`] ?? [];
  }
  const branch = e.ref.replace(/^refs\/(heads|tags)\//, '');
  let created = 0;
  for (const job of postsubmits) {
    if (!postsubmitShouldRun(job, { branch, changedFiles: e.changedFiles })) continue;
    const refs = {
      org: repoPayload?.owner?.name || e.org,
      repo: repoPayload?.name || e.repo,
      repo_link: repoPayload?.html_url ?? `https://github.com/${e.org}/${e.repo}`,
      base_ref: branch,
      base_sha: e.after,
      base_link: e.compare,
    };
    const labels = { ...job.labels, [EVENT_GUID_LABEL]: e.deliveryId };
    const name = deliveryJobName(e.deliveryId, job.name, e.after);
    const pj = newProwJob(postsubmitSpec(job, refs), labels, { ...job.annotations }, { ...jobOptions(d.config, d.now), name });
    if (await createOnce(d.jobs, pj, d.log)) created++;
  }
  return created;
}

function deps(ctx: PluginContext, org: string, repo: string): TriggerDeps {
  return {
    github: ctx.github, jobs: ctx.jobs, config: ctx.snapshot.config, trigger: triggerFor(ctx.snapshot.plugins, org, repo), log: ctx.log,
    now: () => ctx.clock.now(), redelivery: ctx.redelivery, ...(ctx.mergedTrees ? { trees: ctx.mergedTrees } : {}),
  };
}

export const triggerPlugin: Plugin = {
  name: 'trigger',
  config: triggerConfigSection,
  help: {
    description:
      'The trigger plugin starts jobs in reaction to various events.\n<br>Presubmit jobs are run automatically on pull requests that are trusted and not in a draft state with file changes matching the file filters and targeting a branch matching the branch filters.\n<br>A pull request is considered trusted if the author is a member of the \'trusted organization\' for the repository or if such a member has left an \'/ok-to-test\' command on the PR.\n<br>Trusted status granted by \'/ok-to-test\' can be revoked by a trusted user with \'/ok-to-test cancel\', which restores the \'needs-ok-to-test\' label.\n<br>Trigger will not automatically start jobs for a PR in draft state, and if a PR is changed to draft it cancels pending jobs.\n<br>If jobs are not run automatically for a PR because it is not trusted or is in draft state, a trusted user can still start jobs manually via the \'/test\' command.\n<br>The \'/retest\' command can be used to rerun jobs that have reported failure.\n<br>The \'/test-manual-required\' command can be used to start required manually triggered presubmit jobs.\n<br>Trigger starts postsubmit jobs when commits are pushed if the filters on the job match files and branches affected by that push.',
    snippet: 'triggers:\n- repos:\n  - org/repo1\n  - org/repo2\n  join_org_url: https://github.com/kubernetes/community/blob/master/community-membership.md\n  only_org_members: true\n  ignore_ok_to_test: true\n',
    commands: [
      { usage: '/ok-to-test', description: "Marks a PR as 'trusted' and starts tests.", whoCanUse: 'Members of the trusted organization for the repo.', examples: ['/ok-to-test'] },
      { usage: '/ok-to-test cancel', description: "Revokes trusted status previously granted by '/ok-to-test', removing the 'ok-to-test' label and restoring 'needs-ok-to-test'.", whoCanUse: 'Members of the trusted organization for the repo.', examples: ['/ok-to-test cancel'] },
      { usage: '/test [<job name>|all]', featured: true, description: 'Manually starts a/all automatically triggered test job(s). Lists all possible job(s) when no jobs/an invalid job are specified.', whoCanUse: 'Anyone can trigger this command on a trusted PR.', examples: ['/test all', '/test pull-bazel-test'] },
      { usage: '/retest', featured: true, description: 'Rerun test jobs that have failed.', whoCanUse: 'Anyone can trigger this command on a trusted PR.', examples: ['/retest'] },
      { usage: '/test-manual-required', featured: true, description: 'Manually starts required presubmit jobs that require an explicit trigger and do not use file change conditions.', whoCanUse: 'Anyone can trigger this command on a trusted PR.', examples: ['/test-manual-required'] },
      { usage: '/test ?', featured: true, description: 'List available test job(s) for a trusted PR.', whoCanUse: 'Anyone can trigger this command on a trusted PR.', examples: ['/test ?'] },
    ],
  },
  configHelp: (pc, enabledRepos) => {
    const out: Record<string, string> = {};
    for (const full of enabledRepos) {
      const [org = '', repo = ''] = full.split('/');
      const t = triggerFor(pc, org, repo);
      out[full] = `The trusted GitHub organization for this repository is ${JSON.stringify(t.trusted_org || org)}.`;
    }
    return out;
  },
  handlers: {
    pullRequest: (e, ctx) => handleTriggerPR(deps(ctx, e.org, e.repo), e),
    genericComment: (e, ctx) => handleTriggerComment(deps(ctx, e.org, e.repo), e),
    push: async (e, ctx) => {
      await handleTriggerPush(deps(ctx, e.org, e.repo), e);
    },
  },
};
