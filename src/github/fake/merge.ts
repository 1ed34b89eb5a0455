// PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge: merge, squash or rebase with real git, refused
// as GitHub refuses (405 not mergeable or a required status not green, 409 head moved).
import { HttpError } from './http.js';
import type { FakeModel, FakePullIssue } from './model.js';
import { latestStatuses, type FakeRepo } from './state.js';

export async function mergePull(model: FakeModel, repo: FakeRepo, issue: FakePullIssue, b: Record<string, unknown>, actor: string): Promise<{ sha: string; merged: boolean; message: string }> {
  const p = issue.pull;
  if (issue.state !== 'open' || p.merged) throw new HttpError(405, 'Pull Request is not mergeable');
  const head = await model.prHead(repo, issue);
  const base = await model.prBase(repo, issue);
  if (typeof b.sha === 'string' && b.sha !== head) throw new HttpError(409, 'Head branch was modified. Review and try the merge again.');
  if (p.draft) throw new HttpError(405, 'Pull Request is still a draft');
  const mergeable = await model.mergeable(repo, issue, head, base);
  if (mergeable === false) throw new HttpError(405, 'Pull Request is not mergeable');
  const protection = repo.protection.get(p.baseRef);
  if (protection?.contexts) {
    const latest = latestStatuses(repo.statuses.get(head) ?? []);
    for (const context of protection.contexts) {
      const s = latest.find((x) => x.context === context);
      if (s?.state !== 'success') throw new HttpError(405, `Required status check "${context}" is ${s ? `${s.state === 'pending' ? 'expected' : 'failing'}` : 'expected'}.`);
    }
  }
  const method = typeof b.merge_method === 'string' ? b.merge_method : 'merge';
  if (!['merge', 'squash', 'rebase'].includes(method)) throw new HttpError(422, 'Validation Failed', [{ resource: 'PullRequest', code: 'invalid', field: 'merge_method' }]);
  const who = model.identity(actor);
  const title = typeof b.commit_title === 'string' ? b.commit_title : undefined;
  const message = typeof b.commit_message === 'string' ? b.commit_message : undefined;
  let sha: string;
  if (method === 'rebase') {
    let current = base;
    for (const ci of await repo.git.commitsBetween(base, head)) {
      const tree = await repo.git.applyCommit(current, ci.sha);
      if (!tree) throw new HttpError(405, 'Pull Request is not mergeable');
      current = await repo.git.commitTree(tree, [current], ci.message, { name: ci.authorName, email: ci.authorEmail }, model.now(), who);
    }
    sha = current;
  } else {
    const tree = await repo.git.mergeTree(base, head);
    if (!tree) throw new HttpError(405, 'Pull Request is not mergeable');
    if (method === 'merge') {
      const msg = `${title ?? `Merge pull request #${issue.number} from ${repo.owner}/${p.headRef}`}\n\n${message ?? issue.title}`;
      sha = await repo.git.commitTree(tree, [base, head], msg, who, model.now());
    } else {
      const commits = await repo.git.commitsBetween(base, head);
      const msg = `${title ?? `${issue.title} (#${issue.number})`}\n\n${message ?? commits.map((ci) => `* ${ci.message}`).join('\n\n')}`;
      sha = await repo.git.commitTree(tree, [base], msg, model.identity(issue.user), model.now(), who);
    }
  }
  await repo.git.setBranch(p.baseRef, sha);
  p.headSha = head;
  p.merged = true;
  p.mergedAt = model.stamp();
  p.mergedBy = actor;
  p.mergeCommitSha = sha;
  issue.state = 'closed';
  issue.closedAt = p.mergedAt;
  model.addEvent(issue, 'merged', actor);
  model.addEvent(issue, 'closed', actor);
  model.touch(issue);
  return { sha, merged: true, message: 'Pull Request successfully merged' };
}
