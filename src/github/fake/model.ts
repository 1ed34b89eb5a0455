// The fake GitHub's world model: the records (state.ts) and the operations routes and tests share,
// over real git repositories whose work runs in one queue that every request waits for.
import { join } from 'node:path';
import { GitRepo } from './git.js';
import { builtinGraphQLHandlers, type GraphQLHandler } from './graphql.js';
import { HttpError, notFound, splitRepo, strings } from './http.js';
import { issueJson, pullJson, type RenderContext } from './render.js';
import { matchesQuery, sortFromQuery, tokenizeQuery } from './search.js';
import {
  emptyWorld, higherRole,
  type FakeComment, type FakeIssue, type FakeOrg, type FakeRepo, type FakeUser, type FakeWorld, type RepoRole, type SeedCommit,
  type SeedIssue, type SeedPull,
} from './state.js';

export type FakePullIssue = FakeIssue & { pull: NonNullable<FakeIssue['pull']> };

export class FakeModel {
  world: FakeWorld = emptyWorld();
  /** The REST base URL once listening (`…/api/v3` for Enterprise), for `url` fields and Link headers. */
  url = '';
  /** Each reset starts a generation with its own directory of repositories. */
  generation = 0;
  readonly render: RenderContext;
  readonly graphqlHandlers: GraphQLHandler[] = [...builtinGraphQLHandlers];
  readonly mergeableCache = new Map<string, boolean>();
  private pendingWork: Promise<void> = Promise.resolve();
  private pendingError: unknown;

  constructor(readonly dataDir: string, readonly now: () => Date) {
    this.render = { api: '', user: (login) => this.ensureUser(login) };
  }

  /** Settles when the git work queued so far is done (never rejects). */
  get pending(): Promise<void> {
    return this.pendingWork;
  }

  enqueue(work: () => Promise<void>): Promise<void> {
    const next = this.pendingWork.then(work);
    this.pendingWork = next.catch((err: unknown) => {
      this.pendingError = err;
    });
    return next;
  }

  async ready(): Promise<void> {
    await this.pendingWork;
    if (this.pendingError !== undefined) {
      const err = this.pendingError;
      this.pendingError = undefined;
      throw err;
    }
  }

  nextId(): number {
    return this.world.nextId++;
  }

  stamp(): string {
    return this.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  ensureUser(login: string, type?: string): FakeUser {
    const key = login.toLowerCase();
    let u = this.world.users.get(key);
    if (!u) {
      u = { login, id: this.nextId(), type: type ?? (login.endsWith('[bot]') ? 'Bot' : 'User'), name: null, email: null };
      this.world.users.set(key, u);
    } else if (type) {
      u.type = type;
    }
    return u;
  }

  ensureOrg(login: string): FakeOrg {
    let org = this.world.orgs.get(login.toLowerCase());
    if (!org) {
      org = { login, id: this.ensureUser(login, 'Organization').id, members: new Set(), admins: new Set(), teams: new Map() };
      this.world.orgs.set(login.toLowerCase(), org);
    }
    return org;
  }


  ensureRepo(owner: string, name: string, defaultBranch = 'main', files?: Record<string, string>): FakeRepo {
    const key = `${owner}/${name}`.toLowerCase();
    const existing = this.world.repos.get(key);
    if (existing) return existing;
    this.ensureUser(owner);
    const dir = join(this.dataDir, `gen-${this.generation}`, owner, `${name}.git`);
    const git = GitRepo.lazy(dir, defaultBranch, files ?? { 'README.md': `# ${name}\n` }, this.identity(owner), this.now);
    const repo: FakeRepo = {
      id: this.nextId(), owner, name, fullName: `${owner}/${name}`, defaultBranch, private: false, archived: false, git,
      collaborators: new Map(), labels: new Map(), issues: new Map(), comments: new Map(), statuses: new Map(),
      milestones: new Map(), protection: new Map(), nextNumber: 1,
    };
    this.world.repos.set(key, repo);
    return repo;
  }

  identity(login: string): { name: string; email: string } {
    const u = this.ensureUser(login);
    return { name: u.name ?? login, email: u.email ?? `${u.id}+${login}@users.noreply.github.com` };
  }

  repoOrThrow(owner: string, name: string): FakeRepo {
    const repo = this.world.repos.get(`${owner}/${name}`.toLowerCase());
    if (!repo) throw notFound();
    return repo;
  }

  repoByName(full: string): FakeRepo {
    const [owner, name] = splitRepo(full);
    const repo = this.world.repos.get(`${owner}/${name}`.toLowerCase());
    if (!repo) throw new Error(`fake github: no repo ${full}`);
    return repo;
  }

  issueOrThrow(repo: FakeRepo, n: string | number): FakeIssue {
    const issue = repo.issues.get(Number(n));
    if (!issue) throw notFound();
    return issue;
  }

  pullOrThrow(repo: FakeRepo, n: string | number): FakePullIssue {
    const issue = this.issueOrThrow(repo, n);
    if (!issue.pull) throw notFound();
    return issue as FakePullIssue;
  }

  /** Effective role on a repo: explicit collaborator, org owner, or team access. */
  roleOf(repo: FakeRepo, login: string): RepoRole | undefined {
    const key = login.toLowerCase();
    let role = repo.collaborators.get(key);
    const org = this.world.orgs.get(repo.owner.toLowerCase());
    if (org) {
      if ([...org.admins].some((a) => a.toLowerCase() === key)) role = 'admin';
      for (const team of org.teams.values()) {
        const teamRole = team.repos.get(repo.fullName) ?? team.repos.get(repo.name);
        if (teamRole && [...team.members.keys()].some((m) => m.toLowerCase() === key)) role = higherRole(role, teamRole);
      }
    }
    if (repo.owner.toLowerCase() === key) role = 'admin';
    return role;
  }

  isOrgMember(org: string, login: string): boolean {
    const o = this.world.orgs.get(org.toLowerCase());
    return o !== undefined && [...o.members].some((m) => m.toLowerCase() === login.toLowerCase());
  }

  association(repo: FakeRepo, login: string): string {
    if (repo.owner.toLowerCase() === login.toLowerCase()) return 'OWNER';
    if (this.isOrgMember(repo.owner, login)) return 'MEMBER';
    if (this.roleOf(repo, login)) return 'COLLABORATOR';
    const authored = [...repo.issues.values()].some((i) => i.pull?.merged && i.user.toLowerCase() === login.toLowerCase());
    return authored ? 'CONTRIBUTOR' : 'NONE';
  }

  touch(issue: FakeIssue): void {
    issue.updatedAt = this.stamp();
  }

  addEvent(issue: FakeIssue, event: string, actor: string, extra: { label?: string; assignee?: string } = {}): void {
    issue.events.push({ id: this.nextId(), event, actor, createdAt: this.stamp(), ...extra });
  }

  createIssue(s: SeedIssue): number {
    const [owner, name] = splitRepo(s.repo);
    const repo = this.ensureRepo(owner, name);
    const issue = this.newIssue(repo, s);
    return issue.number;
  }

  newIssue(repo: FakeRepo, s: SeedIssue | SeedPull): FakeIssue {
    const number = s.number ?? repo.nextNumber;
    repo.nextNumber = Math.max(repo.nextNumber, number + 1);
    const author = this.ensureUser(s.author ?? 'alice').login;
    const now = this.stamp();
    const labels: string[] = [];
    for (const l of s.labels ?? []) labels.push(this.ensureRepoLabel(repo, l, true).name);
    let milestone: number | null = null;
    if (s.milestone !== undefined) {
      const m = [...repo.milestones.values()].find((x) => x.title === s.milestone);
      if (m) milestone = m.number;
      else {
        const num = repo.milestones.size + 1;
        repo.milestones.set(num, { id: this.nextId(), number: num, title: s.milestone, state: 'open', description: null });
        milestone = num;
      }
    }
    const issue: FakeIssue = {
      number, title: s.title ?? `Issue ${number}`, body: s.body ?? '', user: author, state: s.state ?? 'open',
      labels, assignees: (s.assignees ?? []).map((a) => this.ensureUser(a).login), milestone, locked: s.locked ?? false,
      createdAt: now, updatedAt: now, closedAt: s.state === 'closed' ? now : null, events: [], reactions: [],
    };
    repo.issues.set(number, issue);
    for (const c of s.comments ?? []) this.addCommentTo(repo, issue, c.author, c.body);
    return issue;
  }

  ensureRepoLabel(repo: FakeRepo, name: string, create: boolean): { name: string } {
    const existing = repo.labels.get(name.toLowerCase());
    if (existing) return existing;
    if (!create) throw new HttpError(422, 'Validation Failed', [{ resource: 'Label', code: 'invalid', field: 'name', value: name }]);
    const label = { id: this.nextId(), name, color: 'ededed', description: null };
    repo.labels.set(name.toLowerCase(), label);
    return label;
  }

  addCommentTo(repo: FakeRepo, issue: FakeIssue, author: string, body: string): FakeComment {
    const now = this.stamp();
    const c: FakeComment = { id: this.nextId(), issue: issue.number, user: this.ensureUser(author).login, body, createdAt: now, updatedAt: now, reactions: [] };
    repo.comments.set(c.id, c);
    this.touch(issue);
    return c;
  }

  addComment(repo: string, number: number, author: string, body: string): number {
    const r = this.repoByName(repo);
    const issue = r.issues.get(number);
    if (!issue) throw new Error(`fake github: no issue ${repo}#${number}`);
    return this.addCommentTo(r, issue, author, body).id;
  }

  openPull(p: SeedPull): Promise<number> {
    const [owner, name] = splitRepo(p.repo);
    const repo = this.ensureRepo(owner, name);
    const issue = this.newIssue(repo, p);
    const number = issue.number;
    const headRef = p.head ?? `pr-${number}`;
    issue.pull = {
      baseRef: p.base ?? repo.defaultBranch, headRef, draft: p.draft ?? false, merged: false, mergedAt: null, mergedBy: null,
      mergeCommitSha: null, mergeableOverride: p.mergeable, requestedReviewers: (p.requestedReviewers ?? []).map((r) => this.ensureUser(r).login),
      requestedTeams: [], reviews: [], reviewComments: [],
    };
    if (issue.title === `Issue ${number}`) issue.title = `Pull request ${number}`;
    const commits: SeedCommit[] = p.commits ?? [{ files: p.files ?? { [`pr-${number}.txt`]: `change ${number}\n` } }];
    const pull = issue.pull;
    const author = issue.user;
    return this.enqueue(async () => {
      const baseSha = await repo.git.resolve(`refs/heads/${pull.baseRef}`);
      if (!baseSha) throw new Error(`fake github: ${repo.fullName} has no branch ${pull.baseRef}`);
      const existing = await repo.git.resolve(`refs/heads/${headRef}`);
      const shas = await repo.git.commitSeries({
        branch: headRef, parent: existing ?? baseSha, alsoPoint: [`refs/pull/${number}/head`],
        commits: commits.map((c) => ({ files: c.files, message: c.message ?? issue.title, author: this.identity(c.author ?? author), date: this.now() })),
      });
      const parent = shas[shas.length - 1] ?? baseSha;
      for (const rv of p.reviews ?? []) {
        pull.reviews.push({ id: this.nextId(), user: this.ensureUser(rv.author).login, body: rv.body ?? '', state: rv.state, commitId: parent, submittedAt: this.stamp() });
      }
      for (const rc of p.reviewComments ?? []) {
        const now = this.stamp();
        pull.reviewComments.push({ id: this.nextId(), user: this.ensureUser(rc.author).login, body: rc.body, path: rc.path, line: rc.line ?? null, commitId: parent, inReplyToId: null, createdAt: now, updatedAt: now });
      }
    }).then(() => number);
  }

  pushToBranch(repoName: string, branch: string, files: Record<string, string | null>, options: { message?: string; author?: string } = {}): Promise<string> {
    const repo = this.repoByName(repoName);
    let sha = '';
    return this.enqueue(async () => {
      const parent = (await repo.git.resolve(`refs/heads/${branch}`)) ?? (await repo.git.resolve(`refs/heads/${repo.defaultBranch}`));
      // GitHub keeps refs/pull/<n>/head at each open PR's head: clonerefs fetches it.
      const pullRefs = [...repo.issues.values()]
        .filter((i) => i.pull && !i.pull.merged && i.state === 'open' && i.pull.headRef === branch)
        .map((i) => `refs/pull/${i.number}/head`);
      [sha = ''] = await repo.git.commitSeries({
        branch, parent, alsoPoint: pullRefs,
        commits: [{ files, message: options.message ?? `Update ${branch}`, author: this.identity(options.author ?? repo.owner), date: this.now() }],
      });
    }).then(() => sha);
  }

  async pushToPull(repoName: string, number: number, files: Record<string, string | null>, options: { message?: string; author?: string } = {}): Promise<string> {
    const repo = this.repoByName(repoName);
    const issue = repo.issues.get(number);
    if (!issue?.pull) throw new Error(`fake github: ${repoName}#${number} is not a pull request`);
    const sha = await this.pushToBranch(repoName, issue.pull.headRef, files, { message: options.message ?? 'Address review comments', author: options.author ?? issue.user });
    this.touch(issue);
    return sha;
  }

  /** Head SHAs of every pull request, for searches that name a commit. */
  async pullHeads(): Promise<Map<FakeIssue, string>> {
    const heads = new Map<FakeIssue, string>();
    for (const repo of this.world.repos.values()) {
      for (const issue of repo.issues.values()) {
        if (issue.pull) heads.set(issue, await this.prHead(repo, issue).catch(() => ''));
      }
    }
    return heads;
  }

  async prHead(repo: FakeRepo, issue: FakeIssue): Promise<string> {
    const p = issue.pull;
    if (!p) throw notFound();
    if (p.headSha) return p.headSha;
    if (p.headOwner) {
      const forked = await repo.git.resolve(`refs/pull/${issue.number}/head`);
      if (forked) return forked;
    }
    // GitHub keeps refs/pull/<n>/head: a PR still answers after its head branch is deleted (branchcleaner).
    const sha = (await repo.git.resolve(`refs/heads/${p.headRef}`)) ?? (await repo.git.resolve(`refs/pull/${issue.number}/head`));
    if (!sha) throw new HttpError(500, `head branch ${p.headRef} is missing`);
    return sha;
  }

  async prBase(repo: FakeRepo, issue: FakeIssue): Promise<string> {
    const sha = await repo.git.resolve(`refs/heads/${issue.pull?.baseRef ?? repo.defaultBranch}`);
    if (!sha) throw new HttpError(500, `base branch ${issue.pull?.baseRef ?? ''} is missing`);
    return sha;
  }

  async mergeable(repo: FakeRepo, issue: FakeIssue, head: string, base: string): Promise<boolean | null> {
    const p = issue.pull;
    if (!p) return null;
    if (p.mergeableOverride !== undefined) return p.mergeableOverride;
    const key = `${repo.fullName}:${base}:${head}`;
    let value = this.mergeableCache.get(key);
    if (value === undefined) {
      value = (await repo.git.mergeTree(base, head)) !== undefined;
      this.mergeableCache.set(key, value);
    }
    return value;
  }

  async renderPull(repo: FakeRepo, issue: FakeIssue): Promise<Record<string, unknown>> {
    const head = await this.prHead(repo, issue);
    const base = await this.prBase(repo, issue);
    const diffBase = issue.pull?.merged ? (issue.pull.mergeCommitSha ? `${issue.pull.mergeCommitSha}^1` : base) : base;
    const files = await repo.git.changedFiles(diffBase, head).catch(() => []);
    const commits = await repo.git.commitsBetween(diffBase, head).catch(() => []);
    return pullJson(this.render, repo, issue, {
      headSha: head, baseSha: base, mergeable: await this.mergeable(repo, issue, head, base), association: this.association(repo, issue.user),
      additions: files.reduce((n, f) => n + f.additions, 0), deletions: files.reduce((n, f) => n + f.deletions, 0),
      changedFiles: files.length, commits: commits.length,
    });
  }

  renderIssue(repo: FakeRepo, issue: FakeIssue): Record<string, unknown> {
    return issueJson(this.render, repo, issue, this.association(repo, issue.user));
  }


  isAssignable(repo: FakeRepo, issue: FakeIssue, login: string): boolean {
    if (!this.world.users.has(login.toLowerCase())) return false;
    const key = login.toLowerCase();
    if (this.roleOf(repo, login) || this.isOrgMember(repo.owner, login)) return true;
    if (issue.user.toLowerCase() === key) return true;
    return [...repo.comments.values()].some((cm) => cm.issue === issue.number && cm.user.toLowerCase() === key);
  }

  patchIssue(repo: FakeRepo, issue: FakeIssue, b: Record<string, unknown>, actor: string): void {
    if (typeof b.title === 'string') {
      if (b.title !== issue.title) this.addEvent(issue, 'renamed', actor);
      issue.title = b.title;
    }
    if (typeof b.body === 'string') issue.body = b.body;
    if ('milestone' in b) {
      if (b.milestone === null) issue.milestone = null;
      else {
        const n = Number(b.milestone);
        if (!repo.milestones.has(n)) throw new HttpError(422, 'Validation Failed', [{ resource: 'Issue', code: 'invalid', field: 'milestone', value: b.milestone }]);
        issue.milestone = n;
        this.addEvent(issue, 'milestoned', actor);
      }
    }
    if (b.state === 'closed' || b.state === 'open') {
      if (b.state === 'open' && issue.pull?.merged) throw new HttpError(422, 'Validation Failed', [{ resource: 'PullRequest', code: 'custom', field: 'state', message: 'state cannot be changed. The pull request cannot be reopened because it was merged.' }]);
      if (b.state !== issue.state) {
        issue.state = b.state;
        issue.closedAt = b.state === 'closed' ? this.stamp() : null;
        this.addEvent(issue, b.state === 'closed' ? 'closed' : 'reopened', actor);
      }
    } else if (b.state !== undefined) {
      throw new HttpError(422, 'Validation Failed', [{ resource: 'Issue', code: 'invalid', field: 'state' }]);
    }
    if (Array.isArray(b.labels)) issue.labels = strings(b.labels).map((l) => this.ensureRepoLabel(repo, l, true).name);
    if (Array.isArray(b.assignees)) issue.assignees = strings(b.assignees).filter((a) => this.isAssignable(repo, issue, a));
    this.touch(issue);
  }


  search(q: string, sort: string | undefined, order: string | undefined, heads?: ReadonlyMap<FakeIssue, string>): { repo: FakeRepo; issue: FakeIssue }[] {
    const terms = tokenizeQuery(q);
    const found: { repo: FakeRepo; issue: FakeIssue }[] = [];
    for (const repo of this.world.repos.values()) {
      for (const issue of repo.issues.values()) {
        if (matchesQuery(terms, repo, issue, (login) => this.association(repo, login), (i) => heads?.get(i))) found.push({ repo, issue });
      }
    }
    const s = sortFromQuery(terms) ?? (sort === 'created' || sort === 'updated' || sort === 'comments' ? { field: sort, order: order === 'asc' ? 'asc' : 'desc' } : undefined);
    if (s) {
      const key = (x: { repo: FakeRepo; issue: FakeIssue }): string | number =>
        s.field === 'created' ? x.issue.createdAt : s.field === 'updated' ? x.issue.updatedAt : [...x.repo.comments.values()].filter((cm) => cm.issue === x.issue.number).length;
      found.sort((a, b) => {
        const ka = key(a);
        const kb = key(b);
        const cmp = ka < kb ? -1 : ka > kb ? 1 : a.issue.number - b.issue.number;
        return s.order === 'asc' ? cmp : -cmp;
      });
    }
    return found;
  }
}
