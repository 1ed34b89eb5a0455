// cla (upstream pkg/plugins/cla/cla.go): the EasyCLA status context decides between the `cncf-cla: yes`
// and `cncf-cla: no` labels on the open PRs whose head is the reported commit; `/check-cla` re-reads the
// context for one PR.
import RE2 from 're2';
import type { GenericCommentEvent, StatusEvent } from '../../github/event-types.js';
import type { GitHubClient } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';
import { hasLabel } from '../../api/labels.js';
import type { Plugin } from '../types.js';

export const CLA_CONTEXT = 'EasyCLA';
export const CLA_YES = 'cncf-cla: yes';
export const CLA_NO = 'cncf-cla: no';
/** Search attempts when no PR has the commit yet (GitHub's index lags the status). */
const SEARCH_ATTEMPTS = 5;
const SEARCH_WAIT_MS = 10_000;

const checkClaRe = new RE2('(?mi)^/check-cla\\s*$');

export type ClaGitHub = Pick<
  GitHubClient,
  'searchIssues' | 'getPullRequest' | 'addLabel' | 'removeLabel' | 'listIssueLabels' | 'getCombinedStatus'
>;

export const claPlugin: Plugin = {
  name: 'cla',
  help: {
    description: `The cla plugin manages the application and removal of the 'cncf-cla' prefixed labels on pull requests as a reaction to the ${CLA_CONTEXT} github status context. It is also responsible for warning unauthorized PR authors that they need to sign the CNCF CLA before their PR will be merged.`,
    commands: [{ usage: '/check-cla', description: 'Forces rechecking of the CLA status.', featured: true, whoCanUse: 'Anyone', examples: ['/check-cla'] }],
  },
  handlers: {
    status: (e, ctx) => handleClaStatus(ctx.github, ctx.log, e),
    genericComment: (e, ctx) => handleClaComment(ctx.github, ctx.log, e),
  },
};

export interface ClaStatusOptions {
  /** How long to wait between searches that find no PR (upstream: 10 s, 5 attempts). */
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function handleClaStatus(gh: ClaGitHub, log: Logger, e: StatusEvent, o: ClaStatusOptions = {}): Promise<void> {
  if (e.state === '' || e.context === '') throw new Error('cla: invalid status event delivered with empty state/context');
  if (e.context !== CLA_CONTEXT || e.state === 'pending') return;
  const sleep = o.sleep ?? defaultSleep;
  let issues: Awaited<ReturnType<ClaGitHub['searchIssues']>> = [];
  for (let attempt = 1; attempt <= SEARCH_ATTEMPTS; attempt++) {
    issues = await gh.searchIssues(`${e.sha} repo:${e.org}/${e.repo} type:pr state:open`);
    if (issues.length > 0 || attempt === SEARCH_ATTEMPTS) break;
    await sleep(SEARCH_WAIT_MS);
  }
  log.info({ prs: issues.length, sha: e.sha }, 'found prs matching the commit');
  const success = e.state === 'success';
  for (const issue of issues) {
    const l = log.child({ pr: issue.number });
    const yes = hasLabel(issue.labels, CLA_YES);
    const no = hasLabel(issue.labels, CLA_NO);
    if ((yes && success) || (no && !success)) continue; // up to date
    let head: string;
    try {
      head = (await gh.getPullRequest(e.org, e.repo, issue.number)).head.sha;
    } catch (err) {
      l.warn({ err }, 'cannot read the pull request');
      continue;
    }
    if (head !== e.sha) {
      l.info('status is not for the head commit: skipping');
      continue;
    }
    const [remove, add, had] = success ? [CLA_NO, CLA_YES, no] : [CLA_YES, CLA_NO, yes];
    if (had) await gh.removeLabel(e.org, e.repo, issue.number, remove);
    await gh.addLabel(e.org, e.repo, issue.number, add);
  }
}

export async function handleClaComment(gh: ClaGitHub, log: Logger, e: GenericCommentEvent): Promise<void> {
  if (e.issueState !== 'open' || e.action !== 'created' || !checkClaRe.test(e.body)) return;
  const labels = await gh.listIssueLabels(e.org, e.repo, e.number);
  const yes = hasLabel(labels, CLA_YES);
  const no = hasLabel(labels, CLA_NO);
  const pr = await gh.getPullRequest(e.org, e.repo, e.number);
  const combined = await gh.getCombinedStatus(e.org, e.repo, pr.head.sha);
  const status = combined.statuses.find((s) => s.context === CLA_CONTEXT);
  if (status === undefined) return;
  if (status.state === 'success') {
    if (no) await gh.removeLabel(e.org, e.repo, e.number, CLA_NO);
    if (!yes) await gh.addLabel(e.org, e.repo, e.number, CLA_YES);
  } else if (status.state === 'failure') {
    if (yes) await gh.removeLabel(e.org, e.repo, e.number, CLA_YES);
    if (!no) await gh.addLabel(e.org, e.repo, e.number, CLA_NO);
  }
  log.debug({ state: status.state }, 'cla rechecked');
}
