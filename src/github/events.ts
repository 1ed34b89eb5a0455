// Demultiplex one webhook delivery (X-GitHub-Event + parsed JSON) into our typed event and, for the
// comment-like events, a GenericCommentEvent (docs/hook.md; upstream
// pkg/hook/events.go and github.GeneralizeComment). Reads are defensive: GitHub sends nulls where the
// schema is loose, and a malformed payload must produce no event rather than a crash.
import type { Logger } from '../observability/logger.js';
import { validateEventPayload } from './event-validation.js';
import type { GenericCommentAction, GenericCommentEvent, IssueCommentEvent, IssueCommentPayload, IssueEvent, IssuesPayload, PullRequestEvent, PullRequestPayload, PushEvent, PushPayload, ReviewCommentEvent, ReviewCommentPayload, ReviewEvent, ReviewPayload, StatusEvent, StatusPayload, TypedEvent } from './event-types.js';

/** The X-GitHub-Event values with typed handlers. Everything else goes to external plugins only. */
const HANDLED_EVENT_TYPES = [
  'issues',
  'issue_comment',
  'pull_request',
  'pull_request_review',
  'pull_request_review_comment',
  'push',
  'status',
] as const;

export interface DemuxedEvent {
  /** The typed event, or undefined for event types hook does not handle (or an unusable payload). */
  typed?: TypedEvent;
  /** The comment-like view, when the event and action map to one (upstream pkg/github/helpers.go GeneralizeComment). */
  generic?: GenericCommentEvent;
}

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {};
}
function s(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
function n(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}
function login(user: unknown): string {
  return s(obj(user).login);
}
function logins(list: unknown): string[] {
  return Array.isArray(list) ? list.map(login).filter((l) => l !== '') : [];
}

/** upstream github.GeneralizeCommentAction */
export function generalizeCommentAction(action: string): GenericCommentAction | undefined {
  switch (action) {
    case 'created':
    case 'opened':
    case 'submitted':
      return 'created';
    case 'edited':
      return 'edited';
    case 'deleted':
    case 'dismissed':
      return 'deleted';
    default:
      return undefined;
  }
}

// Actions that never carry new text: not coercing them is expected, not worth a log line.
const NON_COMMENT_ISSUE_ACTIONS = new Set([
  'assigned', 'unassigned', 'labeled', 'unlabeled', 'milestoned', 'demilestoned', 'closed', 'reopened',
  'pinned', 'unpinned', 'transferred', 'locked', 'unlocked', 'typed', 'untyped',
]);
const NON_COMMENT_PR_ACTIONS = new Set([
  'assigned', 'unassigned', 'review_requested', 'review_request_removed', 'labeled', 'unlabeled', 'closed',
  'reopened', 'synchronize', 'ready_for_review', 'converted_to_draft', 'locked', 'unlocked',
  'auto_merge_enabled', 'auto_merge_disabled', 'enqueued', 'dequeued', 'milestoned', 'demilestoned',
]);

function repoCoords(repository: unknown, ownerKey: 'login' | 'name' = 'login'): { org: string; repo: string } {
  const r = obj(repository);
  const owner = obj(r.owner);
  let org = s(owner[ownerKey]) || s(owner.login);
  let repo = s(r.name);
  if ((org === '' || repo === '') && s(r.full_name).includes('/')) {
    const [o, name] = s(r.full_name).split('/', 2) as [string, string];
    org ||= o;
    repo ||= name;
  }
  return { org, repo };
}

/**
 * Builds the typed and generic events for one delivery. Unknown event types give `{}` with a debug log;
 * a known type whose payload lacks its repository also gives `{}` (with a warning): there is no repo to
 * look plugins up for.
 */
export function demuxEvent(eventType: string, deliveryId: string, payload: Obj, log?: Logger): DemuxedEvent {
  const problem = validateEventPayload(eventType, payload);
  if (problem !== undefined) {
    const what = problem.got === 'undefined' || problem.got === 'null' ? `lacks ${problem.field}` : `field ${problem.field} is ${problem.got}, not ${problem.want}`;
    log?.warn({ event: eventType, field: problem.field, want: problem.want, got: problem.got }, `payload ${what}: no plugin handles it`);
    return {};
  }
  const sender = login(payload.sender);
  const action = s(payload.action);
  const base = { deliveryId, eventType, sender };
  const defaultBranch = s(obj(payload.repository).default_branch) || undefined;

  switch (eventType) {
    case 'issues': {
      const issue = obj(payload.issue);
      const { org, repo } = repoCoords(payload.repository);
      if (org === '' || repo === '' || issue.number === undefined) return missing(log, eventType);
      const isPR = issue.pull_request !== undefined && issue.pull_request !== null;
      const typed: IssueEvent = {
        ...base, kind: 'issue', org, repo, action, number: n(issue.number), isPR,
        issue: payload.issue as IssueEvent['issue'],
        label: s(obj(payload.label).name) || undefined,
        assignee: login(payload.assignee) || undefined,
        payload: payload as unknown as IssuesPayload,
      };
      const ga = generalize(log, eventType, action, NON_COMMENT_ISSUE_ACTIONS);
      if (ga === undefined) return { typed };
      return {
        typed,
        generic: {
          ...base, kind: 'genericComment', org, repo, action: ga, isPR,
          body: s(issue.body), htmlURL: s(issue.html_url), user: login(issue.user),
          id: n(issue.id), nodeId: s(issue.node_id), number: n(issue.number),
          ...issueFields(issue), defaultBranch,
        },
      };
    }
    case 'issue_comment': {
      const issue = obj(payload.issue);
      const comment = obj(payload.comment);
      const { org, repo } = repoCoords(payload.repository);
      if (org === '' || repo === '' || issue.number === undefined) return missing(log, eventType);
      const isPR = issue.pull_request !== undefined && issue.pull_request !== null;
      const typed: IssueCommentEvent = {
        ...base, kind: 'issueComment', org, repo, action, number: n(issue.number), isPR,
        issue: payload.issue as IssueCommentEvent['issue'],
        comment: payload.comment as IssueCommentEvent['comment'],
        payload: payload as unknown as IssueCommentPayload,
      };
      const ga = generalize(log, eventType, action, new Set());
      if (ga === undefined) return { typed };
      return {
        typed,
        generic: {
          ...base, kind: 'genericComment', org, repo, action: ga, isPR,
          body: s(comment.body), htmlURL: s(comment.html_url), user: login(comment.user),
          // upstream GenericCommentEvent (pkg/github/helpers.go): ID and NodeID are the issue's for issue_comment
          commentId: n(comment.id), id: n(issue.id), nodeId: s(issue.node_id), number: n(issue.number),
          ...issueFields(issue), defaultBranch,
        },
      };
    }
    case 'pull_request': {
      const pr = obj(payload.pull_request);
      const { org, repo } = repoCoords(obj(pr.base).repo ?? payload.repository);
      if (org === '' || repo === '' || pr.number === undefined) return missing(log, eventType);
      const lacking = lackingPullField(pr);
      if (lacking !== undefined) return missingField(log, eventType, lacking);
      const headSHA = s(obj(pr.head).sha);
      const typed: PullRequestEvent = {
        ...base, kind: 'pullRequest', org, repo, action, number: n(payload.number) || n(pr.number),
        pullRequest: payload.pull_request as PullRequestEvent['pullRequest'],
        headSHA, baseRef: s(obj(pr.base).ref),
        label: s(obj(payload.label).name) || undefined,
        payload: payload as unknown as PullRequestPayload,
      };
      // Only opened and edited carry new text on a PR; a deleted PR does not exist.
      const ga = action === 'opened' || action === 'edited' ? generalizeCommentAction(action) : undefined;
      if (ga === undefined) {
        if (!NON_COMMENT_PR_ACTIONS.has(action)) log?.debug({ event: eventType, action }, 'not a comment-like action');
        return { typed };
      }
      return {
        typed,
        generic: {
          ...base, kind: 'genericComment', org, repo, action: ga, isPR: true,
          body: s(pr.body), htmlURL: s(pr.html_url), user: login(pr.user),
          id: n(pr.id), nodeId: s(pr.node_id), number: typed.number,
          ...issueFields(pr), headSHA, defaultBranch,
        },
      };
    }
    case 'pull_request_review': {
      const pr = obj(payload.pull_request);
      const review = obj(payload.review);
      const { org, repo } = repoCoords(obj(pr.base).repo ?? payload.repository);
      if (org === '' || repo === '' || pr.number === undefined) return missing(log, eventType);
      const lacking = lackingPullField(pr);
      if (lacking !== undefined) return missingField(log, eventType, lacking);
      const headSHA = s(obj(pr.head).sha);
      const typed: ReviewEvent = {
        ...base, kind: 'review', org, repo, action, number: n(pr.number),
        pullRequest: payload.pull_request as ReviewEvent['pullRequest'],
        review: payload.review as ReviewEvent['review'],
        reviewState: s(review.state).toLowerCase(), headSHA,
        payload: payload as unknown as ReviewPayload,
      };
      const ga = generalize(log, eventType, action, new Set());
      if (ga === undefined) return { typed };
      return {
        typed,
        generic: {
          ...base, kind: 'genericComment', org, repo, action: ga, isPR: true,
          body: s(review.body), htmlURL: s(review.html_url), user: login(review.user),
          id: n(review.id), nodeId: s(review.node_id), number: n(pr.number),
          ...issueFields(pr), headSHA, defaultBranch,
        },
      };
    }
    case 'pull_request_review_comment': {
      const pr = obj(payload.pull_request);
      const comment = obj(payload.comment);
      const { org, repo } = repoCoords(obj(pr.base).repo ?? payload.repository);
      if (org === '' || repo === '' || pr.number === undefined) return missing(log, eventType);
      const lacking = lackingPullField(pr);
      if (lacking !== undefined) return missingField(log, eventType, lacking);
      const headSHA = s(obj(pr.head).sha);
      const typed: ReviewCommentEvent = {
        ...base, kind: 'reviewComment', org, repo, action, number: n(pr.number),
        pullRequest: payload.pull_request as ReviewCommentEvent['pullRequest'],
        comment: payload.comment as ReviewCommentEvent['comment'],
        headSHA,
        payload: payload as unknown as ReviewCommentPayload,
      };
      const ga = generalize(log, eventType, action, new Set());
      if (ga === undefined) return { typed };
      return {
        typed,
        generic: {
          ...base, kind: 'genericComment', org, repo, action: ga, isPR: true,
          body: s(comment.body), htmlURL: s(comment.html_url), user: login(comment.user),
          commentId: n(comment.id), id: n(comment.id), nodeId: s(comment.node_id), number: n(pr.number),
          ...issueFields(pr), headSHA, defaultBranch,
        },
      };
    }
    case 'push': {
      // Upstream looks plugins up by `repository.owner.name` (not login) for push events.
      const { org, repo } = repoCoords(payload.repository, 'name');
      if (org === '' || repo === '') return missing(log, eventType);
      const ref = s(payload.ref);
      const changed = new Set<string>();
      for (const c of Array.isArray(payload.commits) ? payload.commits : []) {
        for (const key of ['added', 'removed', 'modified'] as const) {
          const files = obj(c)[key];
          if (Array.isArray(files)) for (const f of files) if (typeof f === 'string') changed.add(f);
        }
      }
      const typed: PushEvent = {
        ...base, kind: 'push', org, repo, ref,
        branch: ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : ref,
        before: s(payload.before), after: s(payload.after),
        created: payload.created === true, deleted: payload.deleted === true,
        compare: s(payload.compare), changedFiles: [...changed],
        payload: payload as unknown as PushPayload,
      };
      return { typed };
    }
    case 'status': {
      const { org, repo } = repoCoords(payload.repository);
      if (org === '' || repo === '') return missing(log, eventType);
      const typed: StatusEvent = {
        ...base, kind: 'status', org, repo,
        sha: s(payload.sha), state: s(payload.state), context: s(payload.context),
        description: s(payload.description), targetURL: s(payload.target_url),
        payload: payload as unknown as StatusPayload,
      };
      return { typed };
    }
    default:
      log?.debug({ event: eventType }, 'ignoring unhandled event type (external plugins may still get it)');
      return {};
  }
}

/**
 * The first field every pull_request object carries (GitHub's schema marks them required) that this
 * one lacks: plugins read them without checks, so such a payload is refused here, by name.
 */
function lackingPullField(pr: Obj): string | undefined {
  const base = obj(pr.base);
  const baseRepo = obj(base.repo);
  if (s(base.ref) === '') return 'pull_request.base.ref';
  if (s(baseRepo.name) === '') return 'pull_request.base.repo.name';
  if (login(baseRepo.owner) === '') return 'pull_request.base.repo.owner.login';
  if (s(obj(pr.head).sha) === '') return 'pull_request.head.sha';
  return undefined;
}

function missingField(log: Logger | undefined, eventType: string, field: string): DemuxedEvent {
  log?.warn({ event: eventType, field }, `payload lacks ${field}: no plugin handles it`);
  return {};
}

function missing(log: Logger | undefined, eventType: string): DemuxedEvent {
  log?.warn({ event: eventType }, 'payload lacks its repository or number: no plugin handles it');
  return {};
}

function generalize(
  log: Logger | undefined,
  eventType: string,
  action: string,
  silent: Set<string>,
): GenericCommentAction | undefined {
  const ga = generalizeCommentAction(action);
  if (ga === undefined && !silent.has(action)) {
    log?.info({ event: eventType, action }, `could not coerce ${eventType} event to a generic comment event`);
  }
  return ga;
}

function issueFields(issue: Obj): Pick<
  GenericCommentEvent,
  'issueAuthor' | 'assignees' | 'issueState' | 'issueTitle' | 'issueBody' | 'issueHTMLURL'
> {
  return {
    issueAuthor: login(issue.user),
    assignees: logins(issue.assignees),
    issueState: s(issue.state),
    issueTitle: s(issue.title),
    issueBody: s(issue.body),
    issueHTMLURL: s(issue.html_url),
  };
}
