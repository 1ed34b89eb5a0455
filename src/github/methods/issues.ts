// Issues (and the issue side of pull requests): state, labels, comments, reactions, events,
// assignees and milestones.
import type { GitHubCall } from '../call.js';
import { DRY_RUN_HEADER } from '../dry-run.js';
import { findLandedComment, NO_OCTOKIT_RETRY, writeOnce } from '../idempotent-writes.js';
import { MissingUsersError } from '../errors.js';
import { labelNames, toIssue, toIssueComment, toIssueEvent, toLabel, toMilestone } from '../map.js';
import type { GitHubClient, Issue, IssueComment, IssueEvent, IssuePatch, Label, Milestone, ReactionContent } from '../types.js';

type IssueMethods = Pick<GitHubClient, 'getIssue' | 'patchIssue' | 'closeIssue' | 'reopenIssue' | 'listIssueLabels' | 'listRepoLabels' | 'addLabel' | 'addLabels' | 'removeLabel' | 'createComment' | 'editComment' | 'listComments' | 'deleteComment' | 'createCommentReaction' | 'createIssueReaction' | 'listIssueEvents' | 'assignIssue' | 'unassignIssue' | 'listMilestones'>;

export function issueMethods(call: GitHubCall): IssueMethods {
  const m: IssueMethods = {
    async getIssue(org: string, repo: string, number: number): Promise<Issue> {
      return toIssue((await call.request(org, 'GET /repos/{owner}/{repo}/issues/{issue_number}', { owner: org, repo, issue_number: number })).data);
    },

    async patchIssue(org: string, repo: string, number: number, patch: IssuePatch): Promise<Issue> {
      return toIssue((await call.request(org, 'PATCH /repos/{owner}/{repo}/issues/{issue_number}', { owner: org, repo, issue_number: number, ...patch })).data);
    },

    async closeIssue(org: string, repo: string, number: number): Promise<void> {
      await m.patchIssue(org, repo, number, { state: 'closed' });
    },

    async reopenIssue(org: string, repo: string, number: number): Promise<void> {
      await m.patchIssue(org, repo, number, { state: 'open' });
    },

    async listIssueLabels(org: string, repo: string, number: number): Promise<string[]> {
      return labelNames(await call.paginate(org, 'GET /repos/{owner}/{repo}/issues/{issue_number}/labels', { owner: org, repo, issue_number: number }));
    },

    async listRepoLabels(org: string, repo: string): Promise<Label[]> {
      return (await call.paginate(org, 'GET /repos/{owner}/{repo}/labels', { owner: org, repo })).map(toLabel);
    },

    async addLabel(org: string, repo: string, number: number, label: string): Promise<void> {
      await m.addLabels(org, repo, number, [label]);
    },

    async addLabels(org: string, repo: string, number: number, labels: string[]): Promise<void> {
      if (labels.length === 0) return;
      await writeOnce(call, {
        what: `labels ${labels.join(',')} on ${org}/${repo}#${number}`,
        send: async () => void (await call.request(org, 'POST /repos/{owner}/{repo}/issues/{issue_number}/labels', { owner: org, repo, issue_number: number, labels, ...NO_OCTOKIT_RETRY })),
        landed: async () => {
          const on = new Set((await m.listIssueLabels(org, repo, number)).map((l) => l.toLowerCase()));
          return labels.every((l) => on.has(l.toLowerCase())) ? null : undefined;
        },
      });
    },

    async removeLabel(org: string, repo: string, number: number, label: string): Promise<void> {
      await call.orUndefined(() => call.request(org, 'DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}', { owner: org, repo, issue_number: number, name: label }));
    },

    async createComment(org: string, repo: string, number: number, body: string): Promise<IssueComment> {
      const since = new Date();
      return writeOnce(call, {
        what: `comment on ${org}/${repo}#${number}`,
        send: async () => toIssueComment((await call.request(org, 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner: org, repo, issue_number: number, body, ...NO_OCTOKIT_RETRY })).data),
        landed: async () => findLandedComment(await m.listComments(org, repo, number), body, since),
      });
    },

    async editComment(org: string, repo: string, commentId: number, body: string): Promise<IssueComment> {
      return toIssueComment((await call.request(org, 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', { owner: org, repo, comment_id: commentId, body })).data);
    },

    async listComments(org: string, repo: string, number: number): Promise<IssueComment[]> {
      return (await call.paginate(org, 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner: org, repo, issue_number: number })).map(toIssueComment);
    },

    async deleteComment(org: string, repo: string, commentId: number): Promise<void> {
      await call.request(org, 'DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}', { owner: org, repo, comment_id: commentId });
    },

    async createCommentReaction(org: string, repo: string, commentId: number, content: ReactionContent): Promise<void> {
      await call.request(org, 'POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions', { owner: org, repo, comment_id: commentId, content });
    },

    async createIssueReaction(org: string, repo: string, number: number, content: ReactionContent): Promise<void> {
      await call.request(org, 'POST /repos/{owner}/{repo}/issues/{issue_number}/reactions', { owner: org, repo, issue_number: number, content });
    },

    async listIssueEvents(org: string, repo: string, number: number): Promise<IssueEvent[]> {
      return (await call.paginate(org, 'GET /repos/{owner}/{repo}/issues/{issue_number}/events', { owner: org, repo, issue_number: number })).map(toIssueEvent);
    },

    async assignIssue(org: string, repo: string, number: number, logins: string[]): Promise<void> {
      if (logins.length === 0) return;
      const res = await call.request(org, 'POST /repos/{owner}/{repo}/issues/{issue_number}/assignees', { owner: org, repo, issue_number: number, assignees: logins });
      if (res.headers[DRY_RUN_HEADER]) return;
      const assigned = new Set(toIssue(res.data).assignees.map((a) => a.toLowerCase()));
      const missing = logins.filter((l) => !assigned.has(l.toLowerCase()));
      if (missing.length > 0) throw new MissingUsersError(missing, 'assign');
    },

    async unassignIssue(org: string, repo: string, number: number, logins: string[]): Promise<void> {
      if (logins.length === 0) return;
      const res = await call.request(org, 'DELETE /repos/{owner}/{repo}/issues/{issue_number}/assignees', { owner: org, repo, issue_number: number, assignees: logins });
      if (res.headers[DRY_RUN_HEADER]) return;
      const still = new Set(toIssue(res.data).assignees.map((a) => a.toLowerCase()));
      const missing = logins.filter((l) => still.has(l.toLowerCase()));
      if (missing.length > 0) throw new MissingUsersError(missing, 'unassign');
    },

    async listMilestones(org: string, repo: string): Promise<Milestone[]> {
      return (await call.paginate(org, 'GET /repos/{owner}/{repo}/milestones', { owner: org, repo, state: 'all' })).map((m) => toMilestone(m) as Milestone);
    },
  };
  return m;
}
