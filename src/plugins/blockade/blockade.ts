// blockade (upstream pkg/plugins/blockade/blockade.go): PRs that touch files a blockade protects (a block
// regexp matches, no exception regexp does) get do-not-merge/blocked-paths and a comment listing the files
// by reason; when they no longer do, the label and the comment go.
import type { PullRequestEvent } from '../../github/event-types.js';
import type { GitHubClient, PullRequestFile } from '../../github/types.js';
import { compileRegex, RegexError } from '../../go/regex.js';
import type { Logger } from '../../observability/logger.js';
import type { PluginsConfig } from '../../config/types.js';
import { hasLabel } from '../../api/labels.js';
import { commentOnce, pruneBotComments } from '../shared/comments.js';
import { formatResponse } from '../shared/respond.js';
import type { Plugin } from '../types.js';

export const BLOCKED_PATHS = 'do-not-merge/blocked-paths';
export const BLOCKED_PATHS_BODY = `Adding label: \`${BLOCKED_PATHS}\` because PR changes a protected file.`;

type BlockadeConfig = NonNullable<PluginsConfig['blockades']>[number];
export type BlockadeGitHub = Pick<GitHubClient, 'listIssueLabels' | 'listPullRequestFiles' | 'addLabel' | 'removeLabel' | 'botUser' | 'listComments' | 'createComment' | 'deleteComment'>;

export const blockadePlugin: Plugin = {
  name: 'blockade',
  help: {
    description: `The blockade plugin blocks pull requests from merging if they touch specific files. The plugin applies the '${BLOCKED_PATHS}' label to pull requests that touch files that match a blockade's block regular expression and none of the corresponding exception regular expressions.`,
    snippet: "blockades:\n- repos:\n  - ORGANIZATION\n  - ORGANIZATION/REPOSITORY\n  branchregexp: ^release-*\n  blockregexps:\n  - ^examples*\n  exceptionregexps:\n  - ^examples-keep/\n  explanation: examples have moved elsewhere\n",
  },
  configHelp: (pc, enabledRepos) => Object.fromEntries(enabledRepos.map((r) => {
    const org = r.split('/')[0]!;
    let text = 'The following blockades apply in this repository:';
    for (const b of pc.blockades ?? []) {
      if (!(b.repos ?? []).includes(org) && !(b.repos ?? []).includes(r)) continue;
      const q = (l: string[] | undefined) => `[${(l ?? []).map((x) => JSON.stringify(x)).join(' ')}]`;
      text += b.branchregexp !== undefined
        ? `<br>BranchRegexp: '${b.branchregexp}'<br>&nbsp&nbsp&nbsp&nbspBlock reason: '${b.explanation ?? ''}'<br>&nbsp&nbsp&nbsp&nbspBlock regexps: ${q(b.blockregexps)}<br>&nbsp&nbsp&nbsp&nbspException regexps: ${q(b.exceptionregexps)}<br>`
        : `<br>Block reason: '${b.explanation ?? ''}'<br>&nbsp&nbsp&nbsp&nbspBlock regexps: ${q(b.blockregexps)}<br>&nbsp&nbsp&nbsp&nbspException regexps: ${q(b.exceptionregexps)}<br>`;
    }
    return [r, text];
  })),
  handlers: { pullRequest: (e, ctx) => handleBlockade(ctx.github, ctx.log, e, ctx.snapshot.plugins.blockades ?? [], ctx.redelivery) },
};

interface Compiled {
  block: ReturnType<typeof compileRegex>[];
  except: ReturnType<typeof compileRegex>[];
  explanation: string;
}

function compileAll(sources: readonly string[] | undefined, log: Logger): ReturnType<typeof compileRegex>[] {
  const out: ReturnType<typeof compileRegex>[] = [];
  for (const s of sources ?? []) {
    try {
      out.push(compileRegex(s));
    } catch (err) {
      if (!(err instanceof RegexError)) throw err;
      log.error({ err, regexp: s }, 'failed to compile the blockade regexp');
    }
  }
  return out;
}

function applicable(config: readonly BlockadeConfig[], org: string, repo: string, branch: string, log: Logger): Compiled[] {
  const out: Compiled[] = [];
  for (const raw of config) {
    if (!(raw.repos ?? []).includes(org) && !(raw.repos ?? []).includes(`${org}/${repo}`)) continue;
    if (raw.branchregexp !== undefined && !compileRegex(raw.branchregexp).test(branch)) continue;
    const block = compileAll(raw.blockregexps, log);
    if (block.length === 0) continue;
    out.push({ block, except: compileAll(raw.exceptionregexps, log), explanation: raw.explanation || 'Files are protected' });
  }
  return out;
}

/** reason → files, in the order upstream's summary lists them. */
export function blockSummary(files: readonly PullRequestFile[], blockades: readonly Compiled[]): Map<string, string[]> {
  const sum = new Map<string, string[]>();
  for (const f of files) {
    for (const b of blockades) {
      if (b.block.some((re) => re.test(f.filename)) && !b.except.some((re) => re.test(f.filename))) {
        sum.set(b.explanation, [...(sum.get(b.explanation) ?? []), f.filename]);
      }
    }
  }
  return sum;
}

export async function handleBlockade(gh: BlockadeGitHub, log: Logger, e: PullRequestEvent, config: readonly BlockadeConfig[], redelivery = true): Promise<void> {
  if (e.action !== 'synchronize' && e.action !== 'opened' && e.action !== 'reopened') return;
  const labeled = hasLabel(await gh.listIssueLabels(e.org, e.repo, e.number), BLOCKED_PATHS);
  const blockades = applicable(config, e.org, e.repo, e.baseRef, log);
  if (blockades.length === 0 && !labeled) return;
  const sum = blockades.length > 0 ? blockSummary(await gh.listPullRequestFiles(e.org, e.repo, e.number), blockades) : new Map<string, string[]>();
  const block = sum.size > 0;
  if (block && !labeled) {
    await gh.addLabel(e.org, e.repo, e.number, BLOCKED_PATHS);
    const repoURL = (e.payload.repository as { html_url?: string }).html_url ?? `https://github.com/${e.org}/${e.repo}`;
    let details = '#### Reasons for blocking this PR:\n';
    for (const [reason, files] of sum) {
      details += `[${reason}]\n`;
      for (const f of files) details += `- [${f}](${repoURL}/blob/${e.headSHA}/${f})\n\n`;
    }
    const author = (e.pullRequest as { user?: { login?: string } | null }).user?.login ?? '';
    await commentOnce(gh, e.org, e.repo, e.number, formatResponse(author, BLOCKED_PATHS_BODY, details), redelivery);
  } else if (!block && labeled) {
    await gh.removeLabel(e.org, e.repo, e.number, BLOCKED_PATHS);
    await pruneBotComments(gh, e.org, e.repo, e.number, (c) => c.body.includes(BLOCKED_PATHS_BODY));
  }
}
