// An in-memory GitHub for the reporter's narrow interface. It is strict like GitHub: editing or deleting a
// comment that does not exist is a 404, and it records every write as a short string.
import type { IssueComment, Status, StatusInput, User } from '../../../src/github/types.js';
import { GitHubError } from '../../../src/github/types.js';
import type { CrierGitHub } from '../../../src/crier/github/reporter.js';

export interface FakeComment {
  id: number;
  repo: string;
  number: number;
  user: string;
  body: string;
}

export class FakeCrierGitHub implements CrierGitHub {
  statuses: { repo: string; sha: string; status: StatusInput }[] = [];
  comments: FakeComment[] = [];
  writes: string[] = [];
  private nextId = 100;
  failures: { op: string; err: Error }[] = [];

  constructor(readonly botLogin = 'k8s-ci-robot') {}

  private maybeFail(op: string): void {
    const i = this.failures.findIndex((f) => f.op === op);
    if (i >= 0) throw this.failures.splice(i, 1)[0]!.err;
  }

  addHumanComment(repo: string, number: number, user: string, body: string): number {
    const id = this.nextId++;
    this.comments.push({ id, repo, number, user, body });
    return id;
  }

  prComments(repo: string, number: number): FakeComment[] {
    return this.comments.filter((c) => c.repo === repo && c.number === number);
  }

  latestStatus(repo: string, sha: string, context: string): StatusInput | undefined {
    return this.statuses.filter((s) => s.repo === repo && s.sha === sha && s.status.context === context).at(-1)?.status;
  }

  async botUser(): Promise<User> {
    return { login: this.botLogin, id: 1, type: 'User', name: null, email: null };
  }

  async createStatus(org: string, repo: string, sha: string, status: StatusInput): Promise<Status> {
    this.maybeFail('createStatus');
    if (status.description !== undefined && Buffer.byteLength(status.description) > 140) {
      throw new GitHubError(422, 'POST', `/repos/${org}/${repo}/statuses/${sha}`, 'description is too long (maximum is 140 characters)');
    }
    this.statuses.push({ repo: `${org}/${repo}`, sha, status });
    this.writes.push(`${org}/${repo}@${sha}:${status.context}=${status.state}`);
    return { ...status, description: status.description ?? '', targetUrl: status.targetUrl ?? '', creator: this.botLogin } as unknown as Status;
  }

  async listComments(org: string, repo: string, number: number): Promise<IssueComment[]> {
    this.maybeFail('listComments');
    return this.prComments(`${org}/${repo}`, number).map((c) => ({
      id: c.id, body: c.body, user: { login: c.user, id: 2, type: 'User' }, authorAssociation: 'NONE', htmlUrl: '', createdAt: '', updatedAt: '',
    }));
  }

  async createComment(org: string, repo: string, number: number, body: string): Promise<IssueComment> {
    this.maybeFail('createComment');
    const id = this.nextId++;
    this.comments.push({ id, repo: `${org}/${repo}`, number, user: this.botLogin, body });
    this.writes.push(`${org}/${repo}#${number}:comment+${id}`);
    return { id, body, user: { login: this.botLogin, id: 1, type: 'User' }, authorAssociation: 'NONE', htmlUrl: '', createdAt: '', updatedAt: '' };
  }

  async editComment(org: string, repo: string, commentId: number, body: string): Promise<IssueComment> {
    this.maybeFail('editComment');
    const c = this.comments.find((x) => x.id === commentId && x.repo === `${org}/${repo}`);
    if (!c) throw new GitHubError(404, 'PATCH', `/repos/${org}/${repo}/issues/comments/${commentId}`, 'Not Found');
    c.body = body;
    this.writes.push(`${org}/${repo}:comment~${commentId}`);
    return { id: c.id, body, user: { login: c.user, id: 1, type: 'User' }, authorAssociation: 'NONE', htmlUrl: '', createdAt: '', updatedAt: '' };
  }

  async deleteComment(org: string, repo: string, commentId: number): Promise<void> {
    this.maybeFail('deleteComment');
    const i = this.comments.findIndex((x) => x.id === commentId && x.repo === `${org}/${repo}`);
    if (i < 0) throw new GitHubError(404, 'DELETE', `/repos/${org}/${repo}/issues/comments/${commentId}`, 'Not Found');
    this.comments.splice(i, 1);
    this.writes.push(`${org}/${repo}:comment-${commentId}`);
  }
}
