// What a plugin's ctx.github is: the shared GitHubClient seen through one (delivery, plugin). Every call is
// tagged with the plugin (the client's forPlugin child: logs and metrics carry `plugin`), and every method
// is classified as a read or a write in one typed table. Writes are what --dry-run suppresses (the client
// refuses to send them, upstream pkg/github/dry_run_client.go) and what the dispatcher counts as the
// plugin having taken action (upstream pkg/hook/events.go `took_action`).
import type { GitHubClient } from '../github/types.js';

/** Every GitHubClient method a plugin may call (forPlugin is the view's own business). */
export type GitHubMethod = Exclude<keyof GitHubClient, 'forPlugin'>;

/** `graphql` is a read for a query and a write for a mutation, decided per call. */
export type GitHubCallKind = 'read' | 'write' | 'graphql';

/**
 * Read or write, for every method: `satisfies` makes a method added to GitHubClient without a row here a
 * compile error. Keep in step with the HTTP verb each method sends (test/plugins/github-view.test.ts
 * calls every method against the fake GitHub and compares with its own record of writes).
 */
export const GITHUB_CALL_KINDS = {
  botUser: 'read',
  getUser: 'read',
  isMember: 'read',
  listOrgMembers: 'read',
  isCollaborator: 'read',
  listCollaborators: 'read',
  getPermission: 'read',
  getRepo: 'read',
  getRef: 'read',
  deleteRef: 'write',
  getCommit: 'read',
  getMergeBase: 'read',
  getFile: 'read',
  getBranchProtection: 'read',
  getIssue: 'read',
  getPullRequest: 'read',
  listPullRequests: 'read',
  listPullRequestFiles: 'read',
  listPullRequestCommits: 'read',
  patchIssue: 'write',
  patchPullRequest: 'write',
  closeIssue: 'write',
  reopenIssue: 'write',
  closePullRequest: 'write',
  reopenPullRequest: 'write',
  mergePullRequest: 'write',
  listIssueLabels: 'read',
  listRepoLabels: 'read',
  addLabel: 'write',
  addLabels: 'write',
  removeLabel: 'write',
  createComment: 'write',
  editComment: 'write',
  listComments: 'read',
  deleteComment: 'write',
  createCommentReaction: 'write',
  createIssueReaction: 'write',
  listReviewComments: 'read',
  listReviews: 'read',
  createReview: 'write',
  listIssueEvents: 'read',
  assignIssue: 'write',
  unassignIssue: 'write',
  requestReview: 'write',
  unrequestReview: 'write',
  getCombinedStatus: 'read',
  listStatuses: 'read',
  createStatus: 'write',
  searchIssues: 'read',
  listTeams: 'read',
  listTeamMembers: 'read',
  getTeamMembership: 'read',
  listMilestones: 'read',
  graphql: 'graphql',
  createFork: 'write',
  createPullRequest: 'write',
  getPullRequestPatch: 'read',
  createIssue: 'write',
} as const satisfies Record<GitHubMethod, GitHubCallKind>;

const mutationRe = /^\s*mutation\b/;

/** Whether calling `method` with `args` writes to GitHub. */
export function isGitHubWrite(method: GitHubMethod, args: readonly unknown[]): boolean {
  const kind: GitHubCallKind = GITHUB_CALL_KINDS[method];
  if (kind === 'graphql') return mutationRe.test(String(args[0] ?? ''));
  return kind === 'write';
}

export interface PluginGitHubViewOptions {
  plugin: string;
  /** Called before each write is sent (or suppressed by --dry-run), with the method's name. */
  onWrite?: (method: GitHubMethod) => void;
}

function isGitHubMethod(name: string): name is GitHubMethod {
  return Object.hasOwn(GITHUB_CALL_KINDS, name);
}

/**
 * The client a plugin handler gets as ctx.github: `client.forPlugin(plugin)` with each write reported to
 * `onWrite`. Built per (delivery, plugin) by the dispatcher.
 */
export function createPluginGitHubView(client: GitHubClient, { plugin, onWrite }: PluginGitHubViewOptions): GitHubClient {
  const scoped = client.forPlugin(plugin);
  return new Proxy(scoped, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      const fn = value as (...args: unknown[]) => unknown;
      if (prop === 'forPlugin') return (name: string) => createPluginGitHubView(client, { plugin: name, onWrite });
      if (!isGitHubMethod(prop) || onWrite === undefined) return fn.bind(target);
      const method = prop;
      return (...args: unknown[]) => {
        if (isGitHubWrite(method, args)) onWrite(method);
        return fn.apply(target, args);
      };
    },
  });
}
