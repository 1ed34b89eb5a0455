// What contributing a change takes: a fork, a pull request from it, a PR's patch, a new issue
// (upstream pkg/github/client.go CreateFork, CreatePullRequest, GetPullRequestPatch, CreateIssue).
import type { GitHubCall } from '../call.js';
import { GitHubError } from '../errors.js';
import { toIssue, toPullRequest, toRepo } from '../map.js';
import type { GitHubClient, Issue, NewIssue, NewPullRequest, PullRequest, Repo } from '../types.js';

type ContributionMethods = Pick<GitHubClient, 'createFork' | 'createPullRequest' | 'getPullRequestPatch' | 'createIssue'>;

export function contributionMethods(call: GitHubCall): ContributionMethods {
  return {
    async createFork(org: string, repo: string): Promise<Repo> {
      return toRepo((await call.request(org, 'POST /repos/{owner}/{repo}/forks', { owner: org, repo })).data);
    },

    async createPullRequest(org: string, repo: string, input: NewPullRequest): Promise<PullRequest> {
      return toPullRequest((await call.request(org, 'POST /repos/{owner}/{repo}/pulls', {
        owner: org, repo, title: input.title, body: input.body, head: input.head, base: input.base,
        maintainer_can_modify: input.maintainerCanModify ?? true,
      })).data);
    },

    async getPullRequestPatch(org: string, repo: string, number: number): Promise<string> {
      const { data } = await call.request(org, 'GET /repos/{owner}/{repo}/pulls/{pull_number}', { owner: org, repo, pull_number: number, mediaType: { format: 'patch' } });
      if (typeof data !== 'string') throw new GitHubError(200, 'GET', `/repos/${org}/${repo}/pulls/${number}`, 'the patch media type did not answer a patch');
      return data;
    },

    async createIssue(org: string, repo: string, input: NewIssue): Promise<Issue> {
      return toIssue((await call.request(org, 'POST /repos/{owner}/{repo}/issues', {
        owner: org, repo, title: input.title, body: input.body, labels: input.labels ?? [], assignees: input.assignees ?? [],
      })).data);
    },
  };
}
