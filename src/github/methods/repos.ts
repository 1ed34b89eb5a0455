// Repositories, refs, commits, file contents, branch protection and commit statuses.
import type { GitHubCall, Params } from '../call.js';
import { DRY_RUN_HEADER } from '../dry-run.js';
import { GitHubError } from '../errors.js';
import { NO_OCTOKIT_RETRY, writeOnce } from '../idempotent-writes.js';
import { toBranchProtection, toCommit, toRepo, toStatus } from '../map.js';
import type { BranchProtection, CombinedStatus, Commit, GitHubClient, Repo, Status, StatusInput } from '../types.js';

type RepoMethods = Pick<GitHubClient, 'getRepo' | 'getRef' | 'deleteRef' | 'getCommit' | 'getMergeBase' | 'getFile' | 'getBranchProtection' | 'getCombinedStatus' | 'listStatuses' | 'createStatus'>;

function normalizeRef(ref: string): string {
  const r = ref.replace(/^refs\//, '');
  return /^(heads|tags)\//.test(r) ? r : `heads/${r}`;
}

export function repoMethods(call: GitHubCall): RepoMethods {
  const m: RepoMethods = {
    async getRepo(org: string, repo: string): Promise<Repo> {
      return toRepo((await call.request(org, 'GET /repos/{owner}/{repo}', { owner: org, repo })).data);
    },

    async getRef(org: string, repo: string, ref: string): Promise<string> {
      const data = (await call.request(org, 'GET /repos/{owner}/{repo}/git/ref/{ref}', { owner: org, repo, ref: normalizeRef(ref) })).data as { object?: { sha?: string } };
      const sha = data.object?.sha;
      if (!sha) throw new GitHubError(200, 'GET', `/repos/${org}/${repo}/git/ref/${normalizeRef(ref)}`, 'response has no object.sha');
      return sha;
    },

    async deleteRef(org: string, repo: string, ref: string): Promise<void> {
      await call.request(org, 'DELETE /repos/{owner}/{repo}/git/refs/{ref}', { owner: org, repo, ref: normalizeRef(ref) });
    },

    async getCommit(org: string, repo: string, sha: string): Promise<Commit> {
      return toCommit((await call.request(org, 'GET /repos/{owner}/{repo}/commits/{ref}', { owner: org, repo, ref: sha })).data);
    },

    // upstream pkg/github/client.go GetMergeBase: GET compare/base...head, an error when no merge base is named
    async getMergeBase(org: string, repo: string, base: string, head: string): Promise<string> {
      const data = (await call.request(org, 'GET /repos/{owner}/{repo}/compare/{basehead}', { owner: org, repo, basehead: `${base}...${head}` })).data as { merge_base_commit?: { sha?: string } };
      const sha = data.merge_base_commit?.sha ?? '';
      if (sha === '') throw new Error(`no merge base found for ${base}...${head}`);
      return sha;
    },

    async getFile(org: string, repo: string, path: string, ref?: string): Promise<string | undefined> {
      const params: Params = { owner: org, repo, path };
      if (ref) params.ref = ref;
      const data = await call.orUndefined(async () => (await call.request(org, 'GET /repos/{owner}/{repo}/contents/{path}', params)).data);
      if (data === undefined || Array.isArray(data)) return undefined;
      const file = data as { type?: string; content?: string; encoding?: string };
      if (file.type !== 'file') return undefined;
      if (file.encoding === 'none') {
        // Over 1 MB GitHub leaves the content out; the raw media type returns it.
        const raw = await call.request(org, 'GET /repos/{owner}/{repo}/contents/{path}', { ...params, mediaType: { format: 'raw' } });
        return typeof raw.data === 'string' ? raw.data : Buffer.from(raw.data as ArrayBuffer).toString('utf8');
      }
      return file.encoding === 'base64' ? Buffer.from(file.content ?? '', 'base64').toString('utf8') : (file.content ?? '');
    },

    async getBranchProtection(org: string, repo: string, branch: string): Promise<BranchProtection | undefined> {
      return call.orUndefined(async () => toBranchProtection((await call.request(org, 'GET /repos/{owner}/{repo}/branches/{branch}/protection', { owner: org, repo, branch })).data));
    },

    async getCombinedStatus(org: string, repo: string, ref: string): Promise<CombinedStatus> {
      const statuses: Status[] = [];
      let sha = '';
      let state: CombinedStatus['state'] = 'pending';
      for (let page = 1; ; page++) {
        const data = (await call.request(org, 'GET /repos/{owner}/{repo}/commits/{ref}/status', { owner: org, repo, ref, per_page: 100, page })).data as {
          sha?: string; state?: string; total_count?: number; statuses?: unknown[];
        };
        sha = data.sha ?? sha;
        state = data.state === 'success' || data.state === 'failure' ? data.state : 'pending';
        const batch = (data.statuses ?? []).map(toStatus);
        statuses.push(...batch);
        if (batch.length === 0 || statuses.length >= (data.total_count ?? 0)) break;
      }
      return { sha, state, statuses };
    },

    async listStatuses(org: string, repo: string, ref: string): Promise<Status[]> {
      return (await call.paginate(org, 'GET /repos/{owner}/{repo}/commits/{ref}/statuses', { owner: org, repo, ref })).map(toStatus);
    },

    async createStatus(org: string, repo: string, sha: string, status: StatusInput): Promise<Status> {
      const params: Params = { owner: org, repo, sha, state: status.state, context: status.context };
      if (status.description !== undefined) params.description = status.description;
      if (status.targetUrl !== undefined) params.target_url = status.targetUrl;
      const dryRunAnswer = (): Status => ({ ...toStatus({}), state: status.state, context: status.context, description: status.description ?? '', targetUrl: status.targetUrl ?? '' });
      return writeOnce(call, {
        what: `status ${status.context} on ${org}/${repo}@${sha}`,
        send: async () => {
          const res = await call.request(org, 'POST /repos/{owner}/{repo}/statuses/{sha}', { ...params, ...NO_OCTOKIT_RETRY });
          return res.headers[DRY_RUN_HEADER] ? dryRunAnswer() : toStatus(res.data);
        },
        landed: async () => {
          // The newest status of the context already says this: sending it again would only add a duplicate.
          const latest = (await m.listStatuses(org, repo, sha)).find((s) => s.context === status.context);
          const same = latest && latest.state === status.state && latest.description === (status.description ?? '') && latest.targetUrl === (status.targetUrl ?? '');
          return same ? latest : undefined;
        },
      });
    },
  };
  return m;
}
