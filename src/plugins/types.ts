// The plugin contract (DESIGN.md "A plugin is a module..."). A plugin is plain data: a name, its help and
// one handler per event kind. Handlers take `(event, ctx)`: the event is a normalised, typed view of one
// webhook delivery (src/plugins/events.ts builds it), the context holds every capability the plugin may
// use. A plugin never opens a socket or a database, and its handlers are idempotent: after a crash the
// dispatcher may hand the same delivery twice.
import type { components } from '@octokit/openapi-webhooks-types';
import type { Logger } from '../observability/logger.js';
import type { ProwJobStore } from '../store/types.js';
import type { GitHubClient } from '../github/types.js';
import type { Config, PluginsConfig } from '../config/types.js';

// ---------------------------------------------------------------------------------------------------
// Raw payload types (GitHub's OpenAPI webhook schemas). Each is the union of that event's actions.

type Schemas = components['schemas'];
type SchemaOf<Prefix extends string, Not extends string = never> = Schemas[Exclude<
  Extract<keyof Schemas, `${Prefix}${string}`>,
  Not
>];

export type IssuesPayload = SchemaOf<'webhook-issues-'>;
export type IssueCommentPayload = SchemaOf<'webhook-issue-comment-'>;
export type PullRequestPayload = SchemaOf<
  'webhook-pull-request-',
  `webhook-pull-request-review-${string}`
>;
export type ReviewPayload = Schemas[
  | 'webhook-pull-request-review-submitted'
  | 'webhook-pull-request-review-edited'
  | 'webhook-pull-request-review-dismissed'];
export type ReviewCommentPayload = Schemas[
  | 'webhook-pull-request-review-comment-created'
  | 'webhook-pull-request-review-comment-edited'
  | 'webhook-pull-request-review-comment-deleted'];
export type PushPayload = Schemas['webhook-push'];
export type StatusPayload = Schemas['webhook-status'];

/** The `pull_request` object of a pull_request event (union over actions; common fields are typed). */
export type PullRequestObject = PullRequestPayload['pull_request'];
export type IssueObject = IssuesPayload['issue'];

// ---------------------------------------------------------------------------------------------------
// Normalised events. Every event carries the delivery id and the repository coordinates, worked out
// once (Probot's context.repo()), so handlers never dig for them. `payload` is the raw, typed body.

/** The X-GitHub-Event values hook demultiplexes into typed handlers (upstream pkg/hook/events.go). */
export type EventKind =
  | 'issue'
  | 'issueComment'
  | 'pullRequest'
  | 'review'
  | 'reviewComment'
  | 'push'
  | 'status'
  | 'genericComment';

export interface EventBase {
  /** X-GitHub-Delivery: upstream's GUID; becomes the `event-GUID` label on ProwJobs. */
  deliveryId: string;
  /** X-GitHub-Event as received ("issue_comment", "pull_request_review", ...). */
  eventType: string;
  /** Repository owner login (for push: `repository.owner.name`, as upstream). */
  org: string;
  /** Repository name. */
  repo: string;
  /** Login of the account that caused the event (`sender.login`), "" when absent. */
  sender: string;
}

/** X-GitHub-Event `issues`. */
export interface IssueEvent extends EventBase {
  kind: 'issue';
  action: string;
  number: number;
  /** True when the issue object has a `pull_request` key. */
  isPR: boolean;
  issue: IssueObject;
  /** `label.name` for labeled/unlabeled. */
  label?: string;
  /** `assignee.login` for assigned/unassigned. */
  assignee?: string;
  payload: IssuesPayload;
}

/** X-GitHub-Event `issue_comment` (on issues and PRs). */
export interface IssueCommentEvent extends EventBase {
  kind: 'issueComment';
  action: string;
  number: number;
  isPR: boolean;
  issue: IssueCommentPayload['issue'];
  comment: IssueCommentPayload['comment'];
  payload: IssueCommentPayload;
}

/** X-GitHub-Event `pull_request`. org/repo come from `pull_request.base.repo`, as upstream. */
export interface PullRequestEvent extends EventBase {
  kind: 'pullRequest';
  action: string;
  number: number;
  pullRequest: PullRequestObject;
  /** `pull_request.head.sha` */
  headSHA: string;
  /** `pull_request.base.ref` */
  baseRef: string;
  /** `label.name` for labeled/unlabeled. */
  label?: string;
  payload: PullRequestPayload;
}

/** X-GitHub-Event `pull_request_review`. */
export interface ReviewEvent extends EventBase {
  kind: 'review';
  /** submitted | edited | dismissed */
  action: string;
  number: number;
  pullRequest: ReviewPayload['pull_request'];
  review: ReviewPayload['review'];
  /** `review.state`, lower-cased: approved | changes_requested | commented | dismissed | pending */
  reviewState: string;
  headSHA: string;
  payload: ReviewPayload;
}

/** X-GitHub-Event `pull_request_review_comment`. */
export interface ReviewCommentEvent extends EventBase {
  kind: 'reviewComment';
  action: string;
  number: number;
  pullRequest: ReviewCommentPayload['pull_request'];
  comment: ReviewCommentPayload['comment'];
  headSHA: string;
  payload: ReviewCommentPayload;
}

/** X-GitHub-Event `push`. */
export interface PushEvent extends EventBase {
  kind: 'push';
  /** Full ref, e.g. `refs/heads/master`. */
  ref: string;
  /** Branch name when ref is `refs/heads/<branch>`, else the ref unchanged. */
  branch: string;
  before: string;
  after: string;
  created: boolean;
  deleted: boolean;
  compare: string;
  /** Every path added, removed or modified across the pushed commits, deduplicated, in order. */
  changedFiles: string[];
  payload: PushPayload;
}

/** X-GitHub-Event `status` (a commit status changed). */
export interface StatusEvent extends EventBase {
  kind: 'status';
  sha: string;
  /** pending | success | failure | error */
  state: string;
  context: string;
  description: string;
  targetURL: string;
  payload: StatusPayload;
}

export type GenericCommentAction = 'created' | 'edited' | 'deleted';

/**
 * Every place a user can type a command, as one shape (upstream github.GenericCommentEvent): issue and PR
 * bodies (issues/pull_request opened|edited|deleted), issue comments, review bodies and review line
 * comments. Dispatched in addition to the typed event.
 */
export interface GenericCommentEvent extends EventBase {
  kind: 'genericComment';
  /** created (created|opened|submitted), edited, deleted (deleted|dismissed). */
  action: GenericCommentAction;
  isPR: boolean;
  /** The text that may hold commands: the comment, review or issue/PR body ("" when null). */
  body: string;
  /** URL of the comment, review or issue/PR the body belongs to. */
  htmlURL: string;
  /** Login of the actor: comment author, reviewer, or issue/PR author for bodies. */
  user: string;
  /** Id of the comment for issue_comment and pull_request_review_comment; undefined otherwise. */
  commentId?: number;
  /** Id / node id of the comment, review or issue/PR carrying the body. */
  id: number;
  nodeId: string;
  number: number;
  issueAuthor: string;
  assignees: string[];
  /** open | closed */
  issueState: string;
  issueTitle: string;
  issueBody: string;
  issueHTMLURL: string;
  /** PR head SHA when the payload carries the PR object; undefined for issue_comment (unknown: fetch the PR). */
  headSHA?: string;
  /** `repository.default_branch` when present. */
  defaultBranch?: string;
}

/** One demultiplexed delivery: the typed event (if hook knows the type) plus its generic comment view. */
export type TypedEvent =
  | IssueEvent
  | IssueCommentEvent
  | PullRequestEvent
  | ReviewEvent
  | ReviewCommentEvent
  | PushEvent
  | StatusEvent;

export type PluginEvent = TypedEvent | GenericCommentEvent;

// ---------------------------------------------------------------------------------------------------
// Context: capabilities handed to a handler. Built fresh for each (delivery, plugin).

/** What plugins may do with ProwJobs: create them, and find and abort (update) running ones. */
export type JobCreator = Pick<ProwJobStore, 'createProwJob' | 'listProwJobs' | 'getProwJob' | 'updateProwJob'>;

/** OWNERS of one repository at one base ref (reference/hook-plugins-spec.md §3). Logins are lower-case. */
export interface RepoOwners {
  /** Approvers of `path` from its directory up to the root (respecting no_parent_owners), flattened. */
  approvers(path: string): Set<string>;
  /** Only the nearest level that names anyone. */
  leafApprovers(path: string): Set<string>;
  reviewers(path: string): Set<string>;
  leafReviewers(path: string): Set<string>;
  requiredReviewers(path: string): Set<string>;
  /** The labels OWNERS files attach to `path` (owners-label). */
  labels(path: string): Set<string>;
  /** Directory of the nearest OWNERS file with a non-empty approvers entry matching `path` ("" = root). */
  findApproverOwnersForFile(path: string): string;
  findReviewersOwnersForFile(path: string): string;
  isNoParentOwners(dir: string): boolean;
  isAutoApproveUnownedSubfolders(dir: string): boolean;
  topLevelApprovers(): Set<string>;
  allApprovers(): Set<string>;
  allReviewers(): Set<string>;
  /** Every directory that has an OWNERS file (keys of the owners map). */
  ownersDirs(): string[];
}

export interface OwnersClient {
  /** Loads (or returns the cached) OWNERS of `org/repo` at the tip of `baseRef`, filtered to collaborators. */
  loadRepoOwners(org: string, repo: string, baseRef: string): Promise<RepoOwners>;
}

/** A local checkout of a repository for plugins that must read files at a commit (verify-owners, ...). */
export interface RepoCheckout {
  dir: string;
  release(): Promise<void>;
}

export interface GitClient {
  /** Checks out `ref` (a branch, SHA or `pull/N/head`) of `org/repo` into a private directory. */
  checkout(org: string, repo: string, ref: string): Promise<RepoCheckout>;
}

export interface Clock {
  now(): Date;
}

export interface PluginContext {
  /** GitHub client scoped to this plugin (logs carry `plugin`); writes are logged instead in --dry-run. */
  github: GitHubClient;
  /** Prow config.yaml (+ job config) snapshot taken when the handler started. Never cache its fields. */
  config: Config;
  /** plugins.yaml snapshot taken when the handler started (upstream agent.PluginConfig). */
  pluginConfig: PluginsConfig;
  jobs: JobCreator;
  owners?: OwnersClient;
  git?: GitClient;
  /** Child logger with component, plugin, delivery, event, org, repo, pr. */
  log: Logger;
  deliveryId: string;
  /**
   * True when this delivery was claimed before (its claim count is above 1): an earlier handling may have
   * written already, after a crash or a transient failure. Reads that exist only to keep a redelivery from
   * replying or writing twice (e.g. listing comments before a reply) are made only when this is true: a
   * delivery handled for the first time cannot have an earlier reply.
   */
  redelivery: boolean;
  clock: Clock;
}

// ---------------------------------------------------------------------------------------------------
// Help: upstream's pluginhelp.PluginHelp, camelCased here; /plugin-help serves upstream's keys.

export interface PluginCommand {
  /** e.g. "/hold [cancel]" */
  usage: string;
  /** Shown prominently in the command help page. */
  featured?: boolean;
  description: string;
  /** e.g. "Anyone", "Collaborators on the repository" */
  whoCanUse: string;
  examples: string[];
}

export interface PluginHelp {
  description: string;
  /** Per repo ("" or "org/repo") text describing the plugin's configuration. */
  config?: Record<string, string>;
  /** An example plugins.yaml snippet. */
  snippet?: string;
  commands?: PluginCommand[];
}

export type Handler<E> = (event: E, ctx: PluginContext) => Promise<void>;

export interface PluginHandlers {
  genericComment?: Handler<GenericCommentEvent>;
  issue?: Handler<IssueEvent>;
  issueComment?: Handler<IssueCommentEvent>;
  pullRequest?: Handler<PullRequestEvent>;
  review?: Handler<ReviewEvent>;
  reviewComment?: Handler<ReviewCommentEvent>;
  push?: Handler<PushEvent>;
  status?: Handler<StatusEvent>;
}

export interface Plugin {
  /** The registered name used in plugins.yaml (`release-note`, `config-updater`, ...). */
  name: string;
  help: PluginHelp;
  /**
   * Optional: configuration text for /plugin-help, computed from plugins.yaml for the repos the plugin is
   * enabled in (upstream HelpProvider). Keys are "" or "org/repo".
   */
  configHelp?: (pluginConfig: PluginsConfig, enabledRepos: string[]) => Record<string, string>;
  handlers: PluginHandlers;
}
