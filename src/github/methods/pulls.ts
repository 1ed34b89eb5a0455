// Pull requests: reads, state, merge, reviews, review comments and review requests.
import type { GitHubCall, Params } from '../call.js';
import { DRY_RUN_HEADER } from '../dry-run.js';
import { MissingUsersError, ValidationFailedError } from '../errors.js';
import { toCommit, toPullRequest, toPullRequestFile, toReview, toReviewComment } from '../map.js';
import type {
  Commit, GitHubClient, ListPullRequestsOptions, MergeInput, MergeResult, PullRequest, PullRequestFile, PullRequestPatch, Review,
  ReviewComment, ReviewInput,
} from '../types.js';

type PullMethods = Pick<GitHubClient, 'getPullRequest' | 'listPullRequests' | 'listPullRequestFiles' | 'listPullRequestCommits' | 'patchPullRequest' | 'closePullRequest' | 'reopenPullRequest' | 'mergePullRequest' | 'listReviewComments' | 'listReviews' | 'createReview' | 'requestReview' | 'unrequestReview'>;

/** `org/team` entries become team slugs when org is the repo's org; others are missing. */
function splitReviewers(org: string, logins: string[]): { users: string[]; teams: string[]; missing: string[] } {
  const users: string[] = [];
  const teams: string[] = [];
  const missing: string[] = [];
  for (const login of logins) {
    const parts = login.split('/');
    if (parts.length === 1) users.push(login);
    else if (parts.length === 2 && parts[0]?.toLowerCase() === org.toLowerCase() && parts[1]) teams.push(parts[1]);
    else missing.push(login);
  }
  return { users, teams, missing };
}

export function pullMethods(call: GitHubCall): PullMethods {
  const m: PullMethods = {
    async getPullRequest(org: string, repo: string, number: number): Promise<PullRequest> {
      return toPullRequest((await call.request(org, 'GET /repos/{owner}/{repo}/pulls/{pull_number}', { owner: org, repo, pull_number: number })).data);
    },

    async listPullRequests(org: string, repo: string, options: ListPullRequestsOptions = {}): Promise<PullRequest[]> {
      const params: Params = { owner: org, repo, state: options.state ?? 'open' };
      if (options.base) params.base = options.base;
      if (options.head) params.head = options.head;
      return (await call.paginate(org, 'GET /repos/{owner}/{repo}/pulls', params)).map(toPullRequest);
    },

    async listPullRequestFiles(org: string, repo: string, number: number): Promise<PullRequestFile[]> {
      return (await call.paginate(org, 'GET /repos/{owner}/{repo}/pulls/{pull_number}/files', { owner: org, repo, pull_number: number })).map(toPullRequestFile);
    },

    async listPullRequestCommits(org: string, repo: string, number: number): Promise<Commit[]> {
      return (await call.paginate(org, 'GET /repos/{owner}/{repo}/pulls/{pull_number}/commits', { owner: org, repo, pull_number: number })).map(toCommit);
    },

    async patchPullRequest(org: string, repo: string, number: number, patch: PullRequestPatch): Promise<PullRequest> {
      return toPullRequest((await call.request(org, 'PATCH /repos/{owner}/{repo}/pulls/{pull_number}', { owner: org, repo, pull_number: number, ...patch })).data);
    },

    async closePullRequest(org: string, repo: string, number: number): Promise<void> {
      await m.patchPullRequest(org, repo, number, { state: 'closed' });
    },

    async reopenPullRequest(org: string, repo: string, number: number): Promise<void> {
      await m.patchPullRequest(org, repo, number, { state: 'open' });
    },

    async mergePullRequest(org: string, repo: string, number: number, input: MergeInput = {}): Promise<MergeResult> {
      const params: Params = { owner: org, repo, pull_number: number, merge_method: input.method ?? 'merge' };
      if (input.sha) params.sha = input.sha;
      if (input.commitTitle !== undefined) params.commit_title = input.commitTitle;
      if (input.commitMessage !== undefined) params.commit_message = input.commitMessage;
      const data = (await call.request(org, 'PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge', params)).data as { sha?: string; merged?: boolean; message?: string };
      return { sha: data.sha ?? '', merged: data.merged ?? false, message: data.message ?? '' };
    },

    async listReviewComments(org: string, repo: string, number: number): Promise<ReviewComment[]> {
      return (await call.paginate(org, 'GET /repos/{owner}/{repo}/pulls/{pull_number}/comments', { owner: org, repo, pull_number: number })).map(toReviewComment);
    },

    async listReviews(org: string, repo: string, number: number): Promise<Review[]> {
      return (await call.paginate(org, 'GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews', { owner: org, repo, pull_number: number })).map(toReview);
    },

    async createReview(org: string, repo: string, number: number, review: ReviewInput): Promise<Review> {
      const params: Params = { owner: org, repo, pull_number: number, event: review.event };
      if (review.body !== undefined) params.body = review.body;
      if (review.commitId) params.commit_id = review.commitId;
      if (review.comments) params.comments = review.comments;
      return toReview((await call.request(org, 'POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews', params)).data);
    },

    async requestReview(org: string, repo: string, number: number, logins: string[]): Promise<void> {
      const { users, teams, missing } = splitReviewers(org, logins);
      const route = 'POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers';
      const send = (reviewers: string[], teamReviewers: string[]): Promise<unknown> =>
        call.request(org, route, { owner: org, repo, pull_number: number, reviewers, team_reviewers: teamReviewers });
      if (users.length + teams.length > 0) {
        try {
          await send(users, teams);
        } catch (err) {
          if (!(err instanceof ValidationFailedError)) throw err;
          // One refused login fails the whole call: retry one at a time to learn which.
          for (const u of users) {
            try {
              await send([u], []);
            } catch (e) {
              if (!(e instanceof ValidationFailedError)) throw e;
              missing.push(u);
            }
          }
          for (const t of teams) {
            try {
              await send([], [t]);
            } catch (e) {
              if (!(e instanceof ValidationFailedError)) throw e;
              missing.push(`${org}/${t}`);
            }
          }
        }
      }
      if (missing.length > 0) throw new MissingUsersError(missing, 'request a PR review from');
    },

    async unrequestReview(org: string, repo: string, number: number, logins: string[]): Promise<void> {
      const { users, teams, missing } = splitReviewers(org, logins);
      if (users.length + teams.length > 0) {
        const res = await call.request(org, 'DELETE /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers', { owner: org, repo, pull_number: number, reviewers: users, team_reviewers: teams });
        if (!res.headers[DRY_RUN_HEADER]) {
          const pr = toPullRequest(res.data);
          const still = new Set(pr.requestedReviewers.map((r) => r.toLowerCase()));
          for (const u of users) if (still.has(u.toLowerCase())) missing.push(u);
          for (const t of teams) if (pr.requestedTeams.includes(t)) missing.push(`${org}/${t}`);
        }
      }
      if (missing.length > 0) throw new MissingUsersError(missing, 'remove the PR review request of');
    },
  };
  return m;
}
