// sigmention (upstream pkg/plugins/sigmention/sigmention.go): a mention of a SIG team such as
// @kubernetes/sig-testing-bugs adds sig/testing (when the repo has it) and the kind label the suffix
// implies; when the commenter is not an org member, the bot repeats the mentions so they notify.
import RE2 from 're2';
import type { GenericCommentEvent } from '../../github/event-types.js';
import type { GitHubClient } from '../../github/types.js';
import { isBotLogin } from '../../github/login.js';
import type { Logger } from '../../observability/logger.js';
import { hasLabel } from '../../api/labels.js';
import { commentOnce } from '../shared/comments.js';
import { formatEventResponse } from '../shared/respond.js';
import type { Plugin } from '../types.js';

const KIND: Record<string, string> = {
  bugs: 'kind/bug',
  'feature-requests': 'kind/feature',
  'api-reviews': 'kind/api-change',
  proposals: 'kind/design',
};

export type SigMentionGitHub = Pick<GitHubClient, 'botUser' | 'listIssueLabels' | 'listRepoLabels' | 'addLabel' | 'isMember' | 'listComments' | 'createComment'>;

const compiled = new Map<string, RE2>();
function regexFor(src: string): RE2 {
  let re = compiled.get(src);
  if (re === undefined) {
    re = new RE2(src, 'g');
    compiled.set(src, re);
  }
  return re;
}

export const sigmentionPlugin: Plugin = {
  name: 'sigmention',
  help: {
    description: `The sigmention plugin responds to SIG (Special Interest Group) GitHub team mentions like '@kubernetes/sig-testing-bugs'. The plugin responds in two ways:
<ol><li> The appropriate 'sig/*' and 'kind/*' labels are applied to the issue or pull request. In this case 'sig/testing' and 'kind/bug'.</li>
<li> If the user who mentioned the GitHub team is not a member of the organization that owns the repository the bot will create a comment that repeats the mention. This is necessary because non-member mentions do not trigger GitHub notifications.</li></ol>`,
    snippet: 'sigmention:\n  regexp: (?m)@kubernetes/sig-([\\w-]*)-(misc|test-failures|bugs|feature-requests|proposals|pr-reviews|api-reviews)\n',
  },
  configHelp: (pc) => ({ '': `Labels added by the plugin are triggered by mentions of GitHub teams matching the following regexp:\n${pc.sigmention.regexp}` }),
  handlers: { genericComment: (e, ctx) => handleSigMention(ctx.github, ctx.log, e, ctx.snapshot.plugins.sigmention.regexp, ctx.redelivery) },
};

export async function handleSigMention(gh: SigMentionGitHub, log: Logger, e: GenericCommentEvent, regexp: string, redelivery = true): Promise<void> {
  if (e.action !== 'created') return;
  const matches = [...e.body.matchAll(regexFor(regexp))];
  if (matches.length === 0) return;
  if (isBotLogin(e.user, (await gh.botUser()).login)) return;
  const labels = await gh.listIssueLabels(e.org, e.repo, e.number);
  const repoLabels = new Map((await gh.listRepoLabels(e.org, e.repo)).map((l) => [l.name.toLowerCase(), l.name]));
  const added = new Set<string>();
  const add = async (label: string): Promise<void> => {
    if (hasLabel(labels, label) || added.has(label.toLowerCase())) return;
    added.add(label.toLowerCase());
    await gh.addLabel(e.org, e.repo, e.number, label);
  };
  const toRepeat: string[] = [];
  const missing: string[] = [];
  for (const m of matches) {
    const sig = repoLabels.get(`sig/${m[1] ?? ''}`.toLowerCase());
    if (sig === undefined) {
      missing.push(`sig/${m[1] ?? ''}`);
      continue;
    }
    await add(sig);
    const kind = KIND[m[2] ?? ''];
    if (kind !== undefined) await add(kind);
    toRepeat.push(m[0]);
  }
  if (missing.length > 0) log.info({ labels: missing }, 'nonexistent labels');
  if (toRepeat.length === 0 || (await gh.isMember(e.org, e.user))) return;
  const msg = `Reiterating the mentions to trigger a notification: \n${toRepeat.join(', ')}\n`;
  await commentOnce(gh, e.org, e.repo, e.number, formatEventResponse(e, msg), redelivery);
}
