// cherrypicker, the external plugin (upstream cmd/external-plugins/cherrypicker/server.go): `/cherrypick <branch>`
// on a merged PR applies its patch onto <branch> with git, pushes `cherry-pick-<n>-to-<branch>` to the bot's
// fork (or to the repo itself when GitHub forbids the fork) and opens `[<branch>] <title>` against <branch>. On
// an open PR it promises to do so and does it when the PR merges (it reads the comments, the PR body and the
// `cherrypick/<branch>` labels again at merge time).
import RE2 from 're2';
import { GitHubError } from '../../github/errors.js';
import { toIssueComment, toPullRequest } from '../../github/map.js';
import type { GitHubClient, IssueComment, PullRequest } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';
import { formatResponseRaw } from '../shared/respond.js';
import type { CherrypickWorkspace, GitAuth } from './git.js';
import { createCherrypickBody, kindLabels, omitBaseBranchFromTitle, releaseNoteFromParentPR } from './body.js';

/** Upstream's plugin name: the external_plugins entry is usually `cherrypicker`, help and logs say `cherrypick`. */
export const CHERRYPICK_PLUGIN = 'cherrypick';
export const DEFAULT_LABEL_PREFIX = 'cherrypick/';

const cherryPickRe = new RE2('(?m)^(?:/cherrypick|/cherry-pick)\\s+(.+)$', 'g');

const notOrgMember = (org: string, user: string): string =>
  `only [${org}](https://github.com/orgs/${org}/people) org members may request cherry picks. If you are already part of the org, make sure to [change](https://github.com/orgs/${org}/people?query=${user}) your membership to public. Otherwise you can still do the cherry-pick manually. `;

export const cherrypickHelp = {
  description: 'The cherrypick plugin is used for cherrypicking PRs across branches. For every successful cherrypick invocation a new PR is opened against the target branch and assigned to the requester. If the parent PR contains a release note, it is copied to the cherrypick PR. Kind labels (e.g. kind/bug, kind/cleanup) from the original PR are copied into the cherry-pick PR description as /kind commands so the bot can re-apply them.',
  command: {
    Usage: '/cherrypick [branch]',
    Description: 'Cherrypick a PR to a different branch. This command works both in merged PRs (the cherrypick PR is opened immediately) and open PRs (the cherrypick PR opens as soon as the original PR merges). If multiple branches are specified, separated by a space, a cherrypick for the first branch will be created with a comment to cherrypick the remaining branches after the first merges.',
    Featured: true,
    WhoCanUse: 'Members of the trusted organization for the repo.',
    Examples: ['/cherrypick release-3.9', '/cherry-pick release-1.15', '/cherrypick release-1.6 release-1.5 release-1.4'],
  },
};

/** Every GitHub call the cherrypicker makes. */
export type CherrypickGitHub = Pick<GitHubClient,
  'botUser' | 'getRepo' | 'getPullRequest' | 'listPullRequests' | 'getPullRequestPatch' | 'createFork' | 'createPullRequest' | 'createIssue' |
  'isMember' | 'listOrgMembers' | 'createComment' | 'listComments' | 'listIssueLabels' | 'addLabel' | 'assignIssue'>;

export interface CherrypickOptions {
  /** `--labels`: labels for every cherry-pick PR. */
  labels: string[];
  /** `--use-prow-assignments`: `/assign <requester>` in the body and assign the PR. */
  prowAssignments: boolean;
  /** `--allow-all`: skip the org membership check. */
  allowAll: boolean;
  /** `--create-issue-on-conflict`. */
  issueOnConflict: boolean;
  /** `--label-prefix`. */
  labelPrefix: string;
  /** `--dry-run`: git pushes are logged, not made (GitHub writes are the client's business). */
  dryRun: boolean;
}

export interface CherrypickDeps {
  gh: CherrypickGitHub;
  clone: (cloneUrl: string, auth: GitAuth) => Promise<CherrypickWorkspace>;
  auth: GitAuth;
  options: CherrypickOptions;
  /** Waits between pushes to a fork that is perhaps not ready yet (tests shorten them). */
  pushRetryDelaysMs?: readonly number[];
}

const FORK_PUSH_RETRY_DELAYS_MS: readonly number[] = [2_000, 4_000, 8_000, 16_000];

/** A comment, or undefined for a request that came from a label (upstream answers those without quoting). */
type Trigger = Pick<IssueComment, 'body' | 'htmlUrl' | 'user'> | undefined;

/** target branch → the chained branches after it (`/cherrypick a b c` → a: [b, c]). */
export function parseCherrypickCommands(body: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of body.matchAll(cherryPickRe as unknown as RegExp)) {
    const fields = (m[1] ?? '').split(/\s+/).filter((f) => f !== '');
    const [target, ...chain] = fields;
    if (target) out.set(target, chain);
  }
  return out;
}

export class Cherrypicker {
  private readonly locks = new Map<string, Promise<void>>();
  constructor(private readonly deps: CherrypickDeps) {}

  private async comment(org: string, repo: string, num: number, trigger: Trigger, resp: string): Promise<void> {
    const body = trigger ? formatResponseRaw(trigger.body, trigger.htmlUrl, trigger.user.login, resp) : `In response to a cherrypick label: ${resp}`;
    await this.deps.gh.createComment(org, repo, num, body);
  }

  private async isMember(org: string, user: string): Promise<boolean> {
    return this.deps.options.allowAll || this.deps.gh.isMember(org, user);
  }

  async handleIssueComment(log: Logger, payload: Record<string, unknown>): Promise<void> {
    const issue = (payload.issue ?? {}) as { number?: number; state?: string; pull_request?: unknown };
    if (!issue.pull_request || payload.action !== 'created') return;
    const repository = (payload.repository ?? {}) as { name?: string; owner?: { login?: string } };
    const org = repository.owner?.login ?? '';
    const repo = repository.name ?? '';
    const num = issue.number ?? 0;
    const ic = toIssueComment(payload.comment);
    const commands = parseCherrypickCommands(ic.body);
    if (commands.size === 0) return;
    const l = log.child({ org, repo, pr: num });
    const pr = await this.deps.gh.getPullRequest(org, repo, num);
    const baseBranch = pr.base.ref;
    const hasInvalidBranch = commands.delete(baseBranch);
    if (commands.size === 0) {
      return this.comment(org, repo, num, ic, `I cannot cherry-pick the present PR on top of its base branch (\`${baseBranch}\`).`);
    }
    const requester = ic.user.login;
    if (issue.state !== 'closed') {
      if (!(await this.isMember(org, requester))) return this.comment(org, repo, num, ic, notOrgMember(org, requester));
      const names = [...commands.keys()].sort().map((b) => `\`${b}\``);
      let resp = names.length === 1
        ? `once the present PR merges, I will cherry-pick it on top of ${names[0]} in a new PR and assign it to you.`
        : `once the present PR merges, I will cherry-pick it on top of ${names.join(', ')} in new PRs and assign them to you.`;
      if (hasInvalidBranch) resp += ` I cannot cherry-pick it on top of \`${baseBranch}\` because that is already its base branch.`;
      l.info(resp);
      return this.comment(org, repo, num, ic, resp);
    }
    if (!pr.merged) return this.comment(org, repo, num, ic, 'cannot cherry-pick an unmerged PR');
    if (!(await this.isMember(org, requester))) return this.comment(org, repo, num, ic, notOrgMember(org, requester));
    if (hasInvalidBranch) {
      await this.comment(org, repo, num, ic, `I cannot cherry-pick the present PR on top of its base branch (\`${baseBranch}\`).`)
        .catch((err: unknown) => l.error({ err }, 'Failed to create comment.'));
    }
    const errs: unknown[] = [];
    for (const target of [...commands.keys()].sort()) {
      await this.handle(l.child({ requester, target_branch: target }), requester, ic, org, repo, target, pr, commands.get(target) ?? [])
        .catch((err: unknown) => errs.push(err));
    }
    if (errs.length > 0) throw new AggregateError(errs, `${errs.length} cherry-pick(s) failed`);
  }

  async handlePullRequest(log: Logger, payload: Record<string, unknown>): Promise<void> {
    if (payload.action === 'labeled') return this.handleLabeled(log, payload);
    if (payload.action === 'closed') return this.handleClosed(log, payload);
  }

  private async handleLabeled(log: Logger, payload: Record<string, unknown>): Promise<void> {
    const label = String((payload.label as { name?: unknown } | undefined)?.name ?? '');
    const { labelPrefix } = this.deps.options;
    if (!label || !label.startsWith(labelPrefix)) return;
    const pr = toPullRequest(payload.pull_request);
    const { owner: org, name: repo } = pr.base.repo;
    const num = pr.number;
    const target = label.slice(labelPrefix.length);
    const author = pr.user.login;
    const l = log.child({ org, repo, pr: num });
    if (!(await this.isMember(org, author))) {
      await this.comment(org, repo, num, undefined, notOrgMember(org, author)).catch((err: unknown) => l.error({ err }, 'Failed to create comment.'));
      return;
    }
    if (target === pr.base.ref) return this.comment(org, repo, num, undefined, `base branch (${pr.base.ref}) needs to differ from target branch (${target})`);
    if (!pr.merged) return this.comment(org, repo, num, undefined, `@${author} once the present PR merges, I will cherry-pick it on top of \`${target}\` in a new PR and assign it to you.`);
    return this.handle(l.child({ requester: author, target_branch: target }), author, undefined, org, repo, target, pr, []);
  }

  private async handleClosed(log: Logger, payload: Record<string, unknown>): Promise<void> {
    const pr = toPullRequest(payload.pull_request);
    if (!pr.merged || !pr.mergeCommitSha) return;
    const { owner: org, name: repo } = pr.base.repo;
    const num = pr.number;
    const l = log.child({ org, repo, pr: num });
    const { gh, options } = this.deps;
    // requester → target branch → the comment that asked (undefined: a label asked)
    const requests = new Map<string, Map<string, Trigger>>();
    const chains = new Map<string, string[]>();
    const want = (requester: string, target: string, trigger: Trigger) => {
      const m = requests.get(requester) ?? new Map<string, Trigger>();
      m.set(target, trigger);
      requests.set(requester, m);
    };
    // The PR body counts as a comment by the author (upstream does the same).
    const comments: Trigger[] = [{ body: pr.body, htmlUrl: pr.htmlUrl, user: pr.user }, ...(await gh.listComments(org, repo, num))];
    for (const c of comments) {
      if (!c) continue;
      for (const [target, chain] of parseCherrypickCommands(c.body)) {
        want(c.user.login, target, c);
        if (chain.length > 0) chains.set(target, chain);
      }
    }
    for (const label of await gh.listIssueLabels(org, repo, num)) {
      if (label.startsWith(options.labelPrefix)) want(pr.user.login, label.slice(options.labelPrefix.length), undefined);
    }
    if (requests.size === 0) return;
    if (!options.allowAll) {
      const members = new Set((await gh.listOrgMembers(org, 'all')).map((m) => m.login));
      for (const requester of [...requests.keys()]) if (!members.has(requester)) requests.delete(requester);
    }
    const handled = new Set<string>();
    const errs: unknown[] = [];
    for (const [requester, branches] of requests) {
      for (const [target, trigger] of branches) {
        if (handled.has(target)) continue;
        if (target === pr.base.ref) {
          await this.comment(org, repo, num, trigger, `base branch (${pr.base.ref}) needs to differ from target branch (${target})`)
            .catch((err: unknown) => l.error({ err }, 'Failed to create comment.'));
          continue;
        }
        handled.add(target);
        await this.handle(l.child({ requester, target_branch: target }), requester, trigger, org, repo, target, pr, chains.get(target) ?? [])
          .catch((err: unknown) => errs.push(err));
      }
    }
    if (errs.length > 0) throw new AggregateError(errs, `${errs.length} cherry-pick(s) failed`);
  }

  /** One cherry-pick at a time per (PR, target branch), as upstream's lock map. */
  private async handle(log: Logger, requester: string, trigger: Trigger, org: string, repo: string, target: string, pr: PullRequest, chain: string[]): Promise<void> {
    const key = `${org}/${repo}#${pr.number}:${target}`;
    const before = this.locks.get(key) ?? Promise.resolve();
    const run = before.then(() => this.cherrypick(log, requester, trigger, org, repo, target, pr, chain));
    const settled = run.then(() => undefined, () => undefined);
    this.locks.set(key, settled);
    try {
      await run;
    } finally {
      if (this.locks.get(key) === settled) this.locks.delete(key);
    }
  }

  private async cherrypick(log: Logger, requester: string, trigger: Trigger, org: string, repo: string, target: string, pr: PullRequest, chain: string[]): Promise<void> {
    const { gh, options } = this.deps;
    const num = pr.number;
    const bot = await gh.botUser();
    // Push to the bot's fork; when GitHub forbids forking (private repos), push to the repo itself.
    let pushUrl: string;
    let pushOrg: string;
    try {
      const fork = await gh.createFork(org, repo);
      pushUrl = fork.cloneUrl;
      pushOrg = fork.owner || bot.login;
    } catch (err) {
      if (!(err instanceof GitHubError && err.status === 403)) {
        log.warn({ err }, 'failed get pusher');
        return this.comment(org, repo, num, trigger, `cannot decide how to push into ${org}/${repo}: failed to ensure fork exists: ${(err as Error).message}`);
      }
      log.warn(`forking repo ${org}/${repo} is forbidden, pushing cherrypick branch into the same repo`);
      pushUrl = '';
      pushOrg = org;
    }
    const origin = (await gh.getRepo(org, repo)).cloneUrl;
    if (pushOrg === org) pushUrl = origin;
    const started = Date.now();
    const ws = await this.deps.clone(origin, this.deps.auth);
    try {
      try {
        await ws.checkout(target);
      } catch (err) {
        log.warn({ err }, 'failed to checkout target branch');
        return this.comment(org, repo, num, trigger, `cannot checkout \`${target}\`: ${(err as Error).message}`);
      }
      log.info({ duration: `${(Date.now() - started) / 1000}s` }, 'Cloned and checked out target branch.');
      let patch: string;
      try {
        patch = await gh.getPullRequestPatch(org, repo, num);
      } catch (err) {
        log.error({ err }, `Failed to get patch for ${org}/${repo}#${num}`);
        return this.comment(org, repo, num, trigger, `Failed to get PR patch from GitHub. This PR will need to be manually cherrypicked.\n<details><summary>Error message</summary>${(err as Error).message}</details>`);
      }
      await ws.setIdentity(bot.login, bot.email || `${bot.login}@users.noreply.github.com`);
      const newBranch = `cherry-pick-${num}-to-${target}`;
      const head = pushOrg === org ? newBranch : `${pushOrg}:${newBranch}`;
      if (pushUrl && (await ws.remoteBranchExists(pushUrl, newBranch))) {
        const existing = (await gh.listPullRequests(org, repo, { state: 'all', head: `${pushOrg}:${newBranch}` }))[0];
        if (existing) {
          log.info({ preexisting_cherrypick: existing.htmlUrl }, 'PR already has cherrypick');
          return this.comment(org, repo, num, trigger, `Looks like #${num} has already been cherry picked in ${existing.htmlUrl}`);
        }
      }
      await ws.checkoutNewBranch(newBranch);
      const title = `[${target}] ${omitBaseBranchFromTitle(pr.title, pr.base.ref)}`;
      try {
        await ws.am(patch);
      } catch (err) {
        log.warn({ err }, 'failed to apply PR on top of target branch');
        const resp = `#${num} failed to apply on top of branch ${JSON.stringify(target)}:\n\`\`\`\n${(err as Error).message}\n\`\`\``;
        await this.comment(org, repo, num, trigger, resp);
        if (options.issueOnConflict) await this.createIssue(org, repo, title, `Manual cherrypick required.\n\n${resp}`, num, trigger, requester);
        return;
      }
      if (options.dryRun) {
        log.info({ branch: newBranch, remote: pushOrg }, 'dry run: not pushing the cherry-pick branch');
      } else {
        try {
          await this.pushWithRetries(ws, pushUrl, newBranch, pushOrg !== org, log);
        } catch (err) {
          log.warn({ err }, 'failed to push chery-picked changes to GitHub');
          await this.comment(org, repo, num, trigger, `failed to push cherry-picked changes in GitHub: ${(err as Error).message}`);
          throw err;
        }
      }
      let kinds: string[] = [];
      try {
        kinds = kindLabels(await gh.listIssueLabels(org, repo, num));
      } catch (err) {
        log.debug({ err }, 'Failed to get issue labels, omitting kind commands from cherry-pick PR body.');
      }
      const body = createCherrypickBody(num, options.prowAssignments ? requester : '', releaseNoteFromParentPR(pr.body), chain, kinds);
      let created: PullRequest;
      try {
        created = await gh.createPullRequest(org, repo, { title, body, head, base: target, maintainerCanModify: true });
      } catch (err) {
        log.warn({ err }, 'failed to create new pull request');
        await this.comment(org, repo, num, trigger, `new pull request could not be created: ${(err as Error).message}`);
        throw err;
      }
      log.info({ new_pull_request_number: created.number }, 'new pull request created');
      await this.comment(org, repo, num, trigger, `new pull request created: #${created.number}`);
      for (const label of options.labels) await gh.addLabel(org, repo, created.number, label);
      if (options.prowAssignments) {
        // Assigning fails for requesters GitHub does not let us assign (not in the org): not an error upstream either.
        await gh.assignIssue(org, repo, created.number, [requester]).catch((err: unknown) => log.warn({ err }, 'failed to assign to new PR'));
      }
    } finally {
      await ws.clean();
    }
  }

  /** GitHub creates a fork asynchronously: a push to a fork is tried again a few times before it counts as failed. */
  private async pushWithRetries(ws: CherrypickWorkspace, url: string, branch: string, toFork: boolean, log: Logger): Promise<void> {
    const delays = toFork ? (this.deps.pushRetryDelaysMs ?? FORK_PUSH_RETRY_DELAYS_MS) : [];
    for (let attempt = 0; ; attempt++) {
      try {
        return await ws.forcePush(url, branch);
      } catch (err) {
        const delay = delays[attempt];
        if (delay === undefined) throw err;
        log.info({ err, attempt: attempt + 1 }, 'push to the fork failed; trying again');
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  private async createIssue(org: string, repo: string, title: string, body: string, num: number, trigger: Trigger, requester: string): Promise<void> {
    let issueNum: number;
    try {
      issueNum = (await this.deps.gh.createIssue(org, repo, { title, body, assignees: [requester] })).number;
    } catch (err) {
      return this.comment(org, repo, num, trigger, `new issue could not be created for failed cherrypick: ${(err as Error).message}`);
    }
    return this.comment(org, repo, num, trigger, `new issue created for failed cherrypick: #${issueNum}`);
  }
}
