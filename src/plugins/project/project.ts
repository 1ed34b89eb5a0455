// project (upstream pkg/plugins/project/project.go): `/project <board> [column]` and `/project clear <board>`
// put an issue or PR on a GitHub Projects (classic) board. GitHub removed Projects (classic) and its REST
// API on 2025-04-01, so the command cannot do that any more (upstream's plugin now fails on every command,
// in its logs only). We keep the plugin so existing plugins.yaml files (Kubernetes' enables it) load, decode
// `project_config` as upstream, and answer the command once, saying why nothing changes.
import RE2 from 're2';
import { S } from '../../config/decode.js';
import type { PluginConfigSection } from '../../config/plugin-sections.js';
import type { GenericCommentEvent } from '../../github/event-types.js';
import { isBotLogin } from '../../github/login.js';
import type { GitHubClient } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';
import { commentOnce } from '../shared/comments.js';
import { formatEventResponse } from '../shared/respond.js';
import type { Plugin } from '../types.js';

const projectRe = new RE2('(?m)^/project\\s(.*?)$');

export const PROJECTS_CLASSIC_GONE =
  "GitHub removed Projects (classic) and its API on 2025-04-01 (https://github.blog/changelog/2024-05-23-sunset-notice-projects-classic/), so `/project` cannot add this issue/PR to a project board or move its card any more. Nothing was changed.";

/** upstream plugins.ProjectConfig, key for key */
export interface ProjectConfig {
  project_org_configs?: Record<string, {
    org_maintainers_team_id?: number;
    org_default_column_map?: Record<string, string>;
    project_repo_configs?: Record<string, { repo_maintainers_team_id?: number; repo_default_column_map?: Record<string, string> }>;
  }>;
}

export const projectConfigSection: PluginConfigSection<ProjectConfig> = {
  section: 'project_config',
  schema: S.obj('ProjectConfig', {
    project_org_configs: S.map(S.obj('ProjectOrgConfig', {
      org_maintainers_team_id: S.int,
      org_default_column_map: S.map(S.str),
      project_repo_configs: S.map(S.obj('ProjectRepoConfig', { repo_maintainers_team_id: S.int, repo_default_column_map: S.map(S.str) })),
    })),
  }),
  defaults: (raw) => (raw as ProjectConfig | undefined) ?? {},
};

export type ProjectGitHub = Pick<GitHubClient, 'botUser' | 'listComments' | 'createComment'>;

export const projectPlugin: Plugin = {
  name: 'project',
  help: {
    description: 'The project plugin allows members of a GitHub team to set the project and column on an issue or pull request. GitHub removed Projects (classic) on 2025-04-01: the command now only answers that it cannot do this.',
    snippet: 'project_config:\n  project_org_configs:\n    org:\n      org_maintainers_team_id: 123456\n      org_default_column_map:\n        project1: To do\n',
    commands: [{
      usage: '/project <board>, /project <board> <column>, or /project clear <board>',
      description: 'Add an issue or PR to a project board and column (Projects classic, which GitHub removed: the command says so and changes nothing)',
      featured: false,
      whoCanUse: "Members of the project maintainer GitHub team can use the '/project' command.",
      examples: ['/project 0.5.0', '/project 0.5.0 To do', '/project clear 0.4.0'],
    }],
  },
  config: projectConfigSection,
  handlers: { genericComment: (e, ctx) => handleProject(ctx.github, ctx.log, e, ctx.redelivery) },
};

export async function handleProject(gh: ProjectGitHub, log: Logger, e: GenericCommentEvent, redelivery = true): Promise<void> {
  if (e.action !== 'created' || !projectRe.test(e.body)) return;
  if (isBotLogin(e.user, (await gh.botUser()).login)) return;
  log.warn('/project asked for: github removed projects (classic)');
  await commentOnce(gh, e.org, e.repo, e.number, formatEventResponse(e, PROJECTS_CLASSIC_GONE), redelivery);
}
