// `/link-issue` and `/unlink-issue` (upstream pkg/plugins/issue-management/link-issue.go): org members edit
// the `Fixes ...` line of a PR body. Links are checked (the repository and the issue exist, and it is not
// a PR); unlinking takes any text, so a malformed reference can be removed too.
import RE2 from 're2';
import type { GenericCommentEvent } from '../../github/event-types.js';
import type { GitHubClient } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';

const fixesRe = new RE2('(?i)^fixes\\s+(.*)$');

export interface IssueRef {
  org: string;
  repo: string;
  num: number;
}

export type LinkIssueGitHub = Pick<GitHubClient, 'getIssue' | 'getPullRequest' | 'getRepo' | 'isMember' | 'patchPullRequest'>;

/** `123` (this repository) or `org/repo#456`; throws on anything else (upstream parseIssueRef). */
export function parseIssueRef(ref: string, org: string, repo: string): IssueRef {
  if (/^[+-]?\d+$/.test(ref)) return { org, repo, num: Number(ref) };
  if (!ref.includes('/')) throw new Error(`unrecognized issue reference: ${ref}`);
  const parts = ref.split('#');
  if (parts.length !== 2) throw new Error(`invalid issue ref: ${ref}`);
  const orgRepo = parts[0]!.split('/');
  if (orgRepo.length !== 2) throw new Error(`invalid org/repo format: ${ref}`);
  if (!/^[+-]?\d+$/.test(parts[1]!)) throw new Error(`invalid issue number: ${ref}`);
  return { org: orgRepo[0]!, repo: orgRepo[1]!, num: Number(parts[1]) };
}

export function formatIssueRef(ref: IssueRef, org: string, repo: string): string {
  return ref.org === org && ref.repo === repo ? `#${ref.num}` : `${ref.org}/${ref.repo}#${ref.num}`;
}

/** The body with its first `Fixes` line holding (old − remove) ∪ add, sorted; no line when that is empty. */
export function updateFixesLine(body: string, add: readonly string[], remove: readonly string[]): string {
  const lines = body.split('\n');
  const at = lines.findIndex((l) => fixesRe.test(l));
  const issues = new Set<string>(at >= 0 ? (fixesRe.exec(lines[at]!)![1] ?? '').split(/\s+/).filter(Boolean) : []);
  for (const r of remove) issues.delete(r);
  for (const a of add) issues.add(a);
  if (issues.size === 0) {
    if (at >= 0) lines.splice(at, 1);
    return lines.join('\n');
  }
  const line = `Fixes ${[...issues].sort().join(' ')}`;
  if (at >= 0) lines[at] = line;
  else {
    if (lines.length > 0 && lines.at(-1) !== '') lines.push('');
    lines.push(line);
  }
  return lines.join('\n');
}

export async function handleLinkIssue(
  gh: LinkIssueGitHub,
  log: Logger,
  e: GenericCommentEvent,
  linkIssues: readonly string[],
  unlinkIssues: readonly string[],
  reply: (text: string) => Promise<void>,
): Promise<void> {
  if (e.action !== 'created') return;
  if (!e.isPR) return reply('`/link-issue` and `/unlink-issue` can only be used on pull requests.');
  if (!(await gh.isMember(e.org, e.user))) return reply('You must be an org member to use this command.');

  const errors: string[] = [];
  const toLink: string[] = [];
  for (const issue of linkIssues) {
    let ref: IssueRef;
    try {
      ref = parseIssueRef(issue, e.org, e.repo);
    } catch {
      errors.push(`Invalid format for issue **${issue}**. Supported formats are **issue-number** (e.g., \`123\`) and **organization/repository#issue-number** (e.g., \`kubernetes/test-infra#456\`)`);
      continue;
    }
    if (ref.org !== e.org || ref.repo !== e.repo) {
      const exists = await gh.getRepo(ref.org, ref.repo).then(() => true, () => false);
      if (!exists) {
        errors.push(`Repository **${ref.org}/${ref.repo}** does not exist.`);
        continue;
      }
    }
    const found = await gh.getIssue(ref.org, ref.repo, ref.num).catch(() => undefined);
    if (found === undefined) {
      errors.push(`Issue **#${ref.num}** in repository **${ref.org}/${ref.repo}** does not exist.`);
      continue;
    }
    if (found.isPullRequest) {
      errors.push(`Skipped issue #${found.number} of **${ref.org}/${ref.repo}** as it is a ***pull request***.`);
      continue;
    }
    toLink.push(formatIssueRef(ref, e.org, e.repo));
  }
  const toUnlink = unlinkIssues.map((issue) => {
    try {
      return formatIssueRef(parseIssueRef(issue, e.org, e.repo), e.org, e.repo);
    } catch {
      return issue;
    }
  });

  let text = '';
  if (toLink.length > 0 || toUnlink.length > 0) {
    const pr = await gh.getPullRequest(e.org, e.repo, e.number);
    const body = pr.body ?? '';
    const next = updateFixesLine(body, toLink, toUnlink);
    if (next !== body) {
      await gh.patchPullRequest(e.org, e.repo, e.number, { body: next });
      log.info({ link: toLink, unlink: toUnlink }, 'updated the fixes line');
      text = 'Updated the `Fixes` line in the pull request body.';
    } else {
      text = 'The PR body is already up-to-date. No changes were made.';
    }
  }
  if (errors.length > 0) {
    if (text !== '') text += '\n\nHowever, ';
    text += 'there are one or more errors with issue references provided. Please cross check and retry.\n';
    for (const m of errors) text += `* ${m}\n`;
  }
  return reply(text);
}
