// Builders for plugin tests: a GenericCommentEvent with sensible defaults, and a PluginContext around
// whatever GitHub client and store the test uses. Events built here have the same shape the dispatcher
// hands to handlers (src/plugins/events.ts).
import type { Config, PluginsConfig } from '../../../src/config/types.js';
import type { GitHubClient } from '../../../src/github/types.js';
import { createSilentLogger, type Logger } from '../../../src/observability/logger.js';
import type { JobCreator, PluginContext } from '../../../src/plugins/types.js';
import type { Clock } from '../../../src/api/clock.js';
import type { GenericCommentEvent } from '../../../src/github/event-types.js';
import type { OwnersClient } from '../../../src/owners/types.js';
import type { GitClient } from '../../../src/git/types.js';

export interface CommentEventOptions extends Partial<Omit<GenericCommentEvent, 'kind' | 'org' | 'repo'>> {
  /** "org/repo" */
  repo?: string;
}

export function commentEvent(opts: CommentEventOptions = {}): GenericCommentEvent {
  const { repo: full = 'org/repo', ...rest } = opts;
  const [org, repo] = full.split('/') as [string, string];
  const number = rest.number ?? 1;
  const isPR = rest.isPR ?? true;
  const kindPath = isPR ? 'pull' : 'issues';
  return {
    kind: 'genericComment',
    deliveryId: 'test-delivery',
    eventType: 'issue_comment',
    sender: rest.user ?? 'commenter',
    org,
    repo,
    action: 'created',
    isPR,
    body: '',
    htmlURL: `https://github.com/${full}/${kindPath}/${number}#issuecomment-1`,
    user: 'commenter',
    commentId: 1,
    id: 1,
    nodeId: 'IC_1',
    number,
    issueAuthor: 'author',
    assignees: [],
    issueState: 'open',
    issueTitle: 'A title',
    issueBody: '',
    issueHTMLURL: `https://github.com/${full}/${kindPath}/${number}`,
    defaultBranch: 'master',
    ...rest,
  };
}

export interface ContextOptions {
  github: GitHubClient;
  jobs?: JobCreator;
  config?: Partial<Config>;
  pluginConfig?: Partial<PluginsConfig>;
  owners?: OwnersClient;
  git?: GitClient;
  log?: Logger;
  clock?: Clock;
  deliveryId?: string;
  /** PluginContext.redelivery; default false (a first delivery). */
  redelivery?: boolean;
}

/** A PluginContext for calling a handler directly. `jobs` defaults to one that refuses every call. */
export function pluginContext(opts: ContextOptions): PluginContext {
  const refuse = async () => {
    throw new Error('this test gave the plugin no job store');
  };
  return {
    github: opts.github,
    snapshot: {
      config: (opts.config ?? {}) as Config,
      plugins: { plugins: {}, external_plugins: {}, ...(opts.pluginConfig ?? {}) } as PluginsConfig,
      warnings: [],
      loadedAt: new Date(0),
    },
    jobs: opts.jobs ?? { getProwJob: refuse, listProwJobs: refuse, createProwJob: refuse, updateProwJob: refuse },
    owners: opts.owners,
    git: opts.git,
    log: opts.log ?? createSilentLogger(),
    deliveryId: opts.deliveryId ?? 'test-delivery',
    redelivery: opts.redelivery ?? false,
    clock: opts.clock ?? { now: () => new Date() },
  };
}
