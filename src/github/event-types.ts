// Webhook events as plugins and the dispatcher see them: GitHub's raw payload types (from its OpenAPI webhook
// schemas) and the normalised, typed views src/github/events.ts builds from one delivery.
import type { components } from '@octokit/openapi-webhooks-types';

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
  /** Id / node id of the issue or PR (issues, issue_comment, pull_request), the review, or the review comment, as upstream. */
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
