// welcome (upstream pkg/plugins/welcome/welcome.go): a PR opened by someone with no earlier PR in the repo
// (and not trusted, unless `always_post`) gets the repo's welcome message, a Go template over
// {{.Org}}, {{.Repo}}, {{.AuthorLogin}} and {{.AuthorName}}.
import { triggerFor, welcomeFor } from '../../config/plugins.js';
import type { TriggerConfig, WelcomeConfig } from '../../config/types.js';
import { DEFAULT_WELCOME_MESSAGE } from '../../config/plugins.js';
import type { PullRequestEvent } from '../../github/event-types.js';
import type { GitHubClient } from '../../github/types.js';
import { compileGoTemplate } from '../../go/template/template.js';
import type { Logger } from '../../observability/logger.js';
import { commentOnce } from '../shared/comments.js';
import { trustedUser } from '../trigger/trust.js';
import type { Plugin } from '../types.js';

export type WelcomeGitHub = Pick<GitHubClient, 'botUser' | 'isMember' | 'isCollaborator' | 'searchIssues' | 'listComments' | 'createComment'>;

export const welcomePlugin: Plugin = {
  name: 'welcome',
  help: {
    description: 'The welcome plugin greets incoming PRs with a welcoming message.',
    snippet: 'welcome:\n- repos:\n  - org/repo1\n  - org/repo2\n  message_template: Welcome @{{.AuthorLogin}}!\n  always_post: false\n',
  },
  configHelp: (pc, enabledRepos) => Object.fromEntries(enabledRepos.map((r) => {
    const [org = '', repo = ''] = r.split('/');
    return [r, `The welcome plugin is configured to post using following welcome template: ${welcomeFor(pc, org, repo).message_template || DEFAULT_WELCOME_MESSAGE}.`];
  })),
  handlers: {
    pullRequest: (e, ctx) => handleWelcome(ctx.github, ctx.log, e, {
      welcome: welcomeFor(ctx.snapshot.plugins, e.org, e.repo),
      trigger: triggerFor(ctx.snapshot.plugins, e.org, e.repo),
      redelivery: ctx.redelivery,
    }),
  },
};

export async function handleWelcome(
  gh: WelcomeGitHub,
  log: Logger,
  e: PullRequestEvent,
  o: { welcome: WelcomeConfig; trigger: TriggerConfig; redelivery?: boolean },
): Promise<void> {
  if (e.action !== 'opened') return;
  const pr = e.pullRequest as { user: { login: string; type?: string; name?: string | null } | null };
  const user = pr.user?.login ?? '';
  if (pr.user?.type !== 'User') return; // bots' PRs cannot be searched for
  const alwaysPost = o.welcome.always_post === true;
  if (!alwaysPost && (await trustedUser(gh, o.trigger, user, e.org, e.repo)).trusted) return;
  const issues = await gh.searchIssues(`is:pr repo:${e.org}/${e.repo} author:${user}`);
  if (!(alwaysPost || issues.length === 0 || (issues.length === 1 && issues[0]!.number === e.number))) {
    log.debug({ prs: issues.length }, 'author has earlier pull requests');
    return;
  }
  const template = compileGoTemplate(o.welcome.message_template || DEFAULT_WELCOME_MESSAGE, 'welcome');
  const body = template.render({ Org: e.org, Repo: e.repo, AuthorLogin: user, AuthorName: pr.user?.name ?? '' });
  await commentOnce(gh, e.org, e.repo, e.number, body, o.redelivery ?? true);
}
