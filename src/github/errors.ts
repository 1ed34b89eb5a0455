// Typed GitHub errors. The request hook (request-hook.ts) turns every failed call into one of these, so
// callers branch on classes, never on GitHub's message text.

/** A call GitHub answered with a non-2xx status (or that failed to reach GitHub: status 0). */
export class GitHubError extends Error {
  override readonly name: string = 'GitHubError';
  constructor(
    readonly status: number,
    readonly method: string,
    /** Path with its parameters filled in, never with a token. */
    readonly path: string,
    message: string,
    options?: ErrorOptions & { documentationUrl?: string; errors?: unknown[] },
  ) {
    super(`${method} ${path}: ${status}: ${message}`, options);
    this.documentationUrl = options?.documentationUrl;
    this.errors = options?.errors ?? [];
  }
  readonly documentationUrl: string | undefined;
  /** GitHub's `errors` array (validation details on 422). */
  readonly errors: unknown[];
}

/** PUT .../merge answered 405: the pull request cannot be merged (conflicts, checks, draft…). */
export class UnmergeablePullRequestError extends GitHubError {
  override readonly name: string = 'UnmergeablePullRequestError';
}

/** PUT .../merge answered 409: the head moved past the SHA we asked to merge. */
export class ModifiedHeadError extends GitHubError {
  override readonly name: string = 'ModifiedHeadError';
}

/** Any 422 Unprocessable Entity ("Validation Failed"); the classes below narrow it by GitHub's text. */
export class ValidationFailedError extends GitHubError {
  override readonly name: string = 'ValidationFailedError';
}

/** POST .../statuses/{sha}: the context already has GitHub's maximum of statuses on this SHA. */
export class StatusLimitError extends ValidationFailedError {
  override readonly name: string = 'StatusLimitError';
}

/** The SHA is unknown to GitHub (a force push removed it). */
export class CommitNotFoundError extends ValidationFailedError {
  override readonly name: string = 'CommitNotFoundError';
}

/** PATCH of an issue or pull request state GitHub refuses (a merged PR, a deleted head branch). */
export class StateCannotChangeError extends ValidationFailedError {
  override readonly name: string = 'StateCannotChangeError';
}

/** POST .../requested_reviewers naming a user or team that is not a collaborator. */
export class ReviewerNotCollaboratorError extends ValidationFailedError {
  override readonly name: string = 'ReviewerNotCollaboratorError';
}

/** POST .../requested_reviewers naming the pull request's author. */
export class ReviewerIsAuthorError extends ValidationFailedError {
  override readonly name: string = 'ReviewerIsAuthorError';
}

type GitHubErrorClass = new (...args: ConstructorParameters<typeof GitHubError>) => GitHubError;

/**
 * Which 422 text maps to which class. GitHub puts the text in `message` or in `errors` (as strings
 * or as `{message}`); the first row whose text appears in either wins. Upstream matches the same
 * texts in pkg/crier/reporters/github/reporter.go and pkg/github/client.go.
 */
export const VALIDATION_ERRORS: readonly { text: string; error: GitHubErrorClass }[] = [
  { text: 'This SHA and context has reached the maximum number of statuses', error: StatusLimitError },
  { text: 'No commit found for SHA', error: CommitNotFoundError },
  { text: 'state cannot be changed', error: StateCannotChangeError },
  { text: 'Reviews may only be requested from collaborators', error: ReviewerNotCollaboratorError },
  { text: 'Review cannot be requested from pull request author', error: ReviewerIsAuthorError },
];

/** Some users could not be assigned / requested / unassigned (upstream github.MissingUsers). */
export class MissingUsersError extends Error {
  override readonly name = 'MissingUsersError';
  constructor(
    readonly users: string[],
    /** 'assign' | 'unassign' | 'request a PR review from' | 'remove the PR review request of' */
    readonly action: string,
    options?: ErrorOptions,
  ) {
    super(`could not ${action} the following user(s): ${users.join(', ')}`, options);
  }
}

/** POST /graphql answered 200 with `errors`. */
export class GraphQLError extends Error {
  override readonly name = 'GraphQLError';
  constructor(readonly errors: { message: string; type?: string; path?: (string | number)[] }[], readonly data: unknown) {
    super(`graphql: ${errors.map((e) => e.message).join('; ')}`);
  }
}

export function isNotFound(err: unknown): boolean {
  return err instanceof GitHubError && err.status === 404;
}

/** What @octokit/request throws (a RequestError), by shape. */
interface RequestErrorLike {
  status: number;
  message: string;
  response?: { data?: unknown; headers?: Record<string, unknown> };
}

export function isRequestError(err: unknown): err is RequestErrorLike & Error {
  return err instanceof Error && typeof (err as { status?: unknown }).status === 'number';
}

function validationTexts(message: string, errors: unknown[]): string {
  const parts = [message];
  for (const e of errors) {
    if (typeof e === 'string') parts.push(e);
    else if (typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string') parts.push((e as { message: string }).message);
  }
  return parts.join('\n');
}

function classFor(status: number, path: string, message: string, errors: unknown[]): GitHubErrorClass {
  if (status === 405 && path.endsWith('/merge')) return UnmergeablePullRequestError;
  if (status === 409 && path.endsWith('/merge')) return ModifiedHeadError;
  if (status !== 422) return GitHubError;
  const text = validationTexts(message, errors);
  return VALIDATION_ERRORS.find((row) => text.includes(row.text))?.error ?? ValidationFailedError;
}

/** Maps anything a request threw to the typed error; a GitHubError passes through unchanged. */
export function toGitHubError(err: unknown, method: string, path: string): GitHubError {
  if (err instanceof GitHubError) return err;
  if (isRequestError(err)) {
    const data = err.response?.data as { message?: unknown; documentation_url?: unknown; errors?: unknown } | undefined;
    const message = typeof data?.message === 'string' ? data.message : err.message;
    const errors = Array.isArray(data?.errors) ? (data.errors as unknown[]) : [];
    const Class = classFor(err.status, path, message, errors);
    return new Class(err.status, method, path, message, {
      cause: err,
      documentationUrl: typeof data?.documentation_url === 'string' ? data.documentation_url : undefined,
      errors,
    });
  }
  return new GitHubError(0, method, path, err instanceof Error ? err.message : String(err), { cause: err });
}
