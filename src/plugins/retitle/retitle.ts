// retitle (upstream pkg/plugins/retitle/retitle.go): `/retitle <title>` lets trusted users (trigger's
// rule: org members, collaborators, trusted apps) rename an issue or PR. Titles that would close issues
// on merge ("fixes #1") are refused.
import RE2 from 're2';
import { S } from '../../config/decode.js';
import type { PluginConfigSection } from '../../config/plugin-sections.js';
import { triggerFor } from '../../config/plugins.js';
import type { TriggerConfig } from '../../config/types.js';
import type { GenericCommentEvent } from '../../github/event-types.js';
import type { GitHubClient } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';
import { commentOnce } from '../shared/comments.js';
import { formatEventResponse } from '../shared/respond.js';
import { trustedUser } from '../trigger/trust.js';
import type { Plugin } from '../types.js';

const retitleRe = new RE2('(?mi)^/retitle\\s*(.*)$');
/** upstream invalidcommitmsg.CloseIssueRegex */
export const closeIssueRe = new RE2('((?i)(clos(?:e[sd]?))|(fix(?:(es|ed)?))|(resolv(?:e[sd]?)))[\\s:]+(\\w+/\\w+)?#(\\d+)');

export interface RetitleConfig {
  allow_closed_issues?: boolean;
}

export const retitleConfigSection: PluginConfigSection<RetitleConfig> = {
  section: 'retitle',
  schema: S.obj('Retitle', { allow_closed_issues: S.bool }),
  defaults: (raw) => (raw as RetitleConfig | undefined) ?? {},
};

export type RetitleGitHub = Pick<GitHubClient, 'botUser' | 'isMember' | 'isCollaborator' | 'listComments' | 'createComment' | 'patchIssue' | 'patchPullRequest'>;

export const retitlePlugin: Plugin = {
  name: 'retitle',
  help: {
    description: "The retitle plugin allows users to re-title pull requests and issues where GitHub permissions don't allow them to.",
    snippet: 'retitle:\n  # allows retitling of closed/merged issues and PRs\n  allow_closed_issues: true\n',
    commands: [{ usage: '/retitle <title>', description: 'Edits the pull request or issue title.', featured: true, whoCanUse: 'Collaborators on the repository.', examples: ['/retitle New Title'] }],
  },
  config: retitleConfigSection,
  configHelp: (pc) => ({
    '': (pc as { retitle?: RetitleConfig }).retitle?.allow_closed_issues === true
      ? 'The retitle plugin also allows retitling closed/merged issues and PRs.'
      : 'The retitle plugin does not allow retitling closed/merged issues and PRs.',
  }),
  handlers: {
    genericComment: (e, ctx) => handleRetitle(ctx.github, ctx.log, e, {
      allowClosed: (ctx.snapshot.plugins as { retitle?: RetitleConfig }).retitle?.allow_closed_issues === true,
      trigger: triggerFor(ctx.snapshot.plugins, e.org, e.repo),
      redelivery: ctx.redelivery,
    }),
  },
};

export async function handleRetitle(
  gh: RetitleGitHub,
  log: Logger,
  e: GenericCommentEvent,
  o: { allowClosed: boolean; trigger: TriggerConfig; redelivery?: boolean },
): Promise<void> {
  if (!o.allowClosed && e.issueState !== 'open') return;
  if (e.action !== 'created') return;
  const m = retitleRe.exec(e.body);
  if (m === null) return;
  const reply = (text: string) => commentOnce(gh, e.org, e.repo, e.number, formatEventResponse(e, text), o.redelivery ?? true);
  if (!(await trustedUser(gh, o.trigger, e.user, e.org, e.repo)).trusted) {
    await reply('Re-titling can only be requested by trusted users, like repository collaborators.');
    return;
  }
  const title = (m[1] ?? '').trim();
  if (title === '') {
    await reply('Titles may not be empty.');
    return;
  }
  if (closeIssueRe.test(title)) {
    await reply('Titles may not contain [keywords](https://help.github.com/articles/closing-issues-using-keywords) which can automatically close issues.');
    return;
  }
  log.info({ title }, 'retitling');
  if (e.isPR) await gh.patchPullRequest(e.org, e.repo, e.number, { title });
  else await gh.patchIssue(e.org, e.repo, e.number, { title });
}
