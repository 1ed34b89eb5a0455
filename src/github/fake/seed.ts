// Seeding: a FakeSeed (users, orgs, teams, repos, issues, pull requests, Apps) added to the world.
// In-memory records change at once; git work is queued and the returned promise waits for it.
import { splitRepo } from './http.js';
import type { FakeModel } from './model.js';
import type { FakeRepo, FakeSeed, RepoRole, SeedRepo } from './state.js';

export function seedWorld(model: FakeModel, seed: FakeSeed): Promise<void> {
  if (model.generation === 0) model.generation = 1;
  const w = model.world;
  if (seed.bot) w.bot = seed.bot;
  model.ensureUser(w.bot, 'Bot');
  for (const [token, login] of Object.entries(seed.tokens ?? {})) w.tokens.set(token, login);
  if (seed.strictTokens !== undefined) w.strictTokens = seed.strictTokens;
  if (seed.refuseUnknownLabels !== undefined) w.refuseUnknownLabels = seed.refuseUnknownLabels;
  if (seed.rateLimit !== undefined) w.rateLimit.remaining = seed.rateLimit;
  for (const u of seed.users ?? []) {
    const s = typeof u === 'string' ? { login: u } : u;
    const user = model.ensureUser(s.login, s.type);
    if (s.name !== undefined) user.name = s.name;
    if (s.email !== undefined) user.email = s.email;
    if (s.limitedAvailability !== undefined) user.limitedAvailability = s.limitedAvailability;
  }
  for (const [login, o] of Object.entries(seed.orgs ?? {})) {
    const org = model.ensureOrg(login);
    for (const m of o.members ?? []) org.members.add(model.ensureUser(m).login);
    for (const m of o.admins ?? []) {
      org.members.add(model.ensureUser(m).login);
      org.admins.add(m);
    }
    for (const [slug, t] of Object.entries(o.teams ?? {})) {
      const team = org.teams.get(slug) ?? {
        id: model.nextId(), slug, name: t.name ?? slug, description: t.description ?? null, privacy: t.privacy ?? 'closed',
        members: new Map(), repos: new Map(),
      };
      org.teams.set(slug, team);
      for (const m of t.members ?? []) team.members.set(model.ensureUser(m).login, 'member');
      for (const m of t.maintainers ?? []) team.members.set(model.ensureUser(m).login, 'maintainer');
      for (const [repo, role] of Object.entries(t.repos ?? {})) team.repos.set(repo, role);
    }
  }
  for (const r of seed.repos ?? []) seedRepo(model, r);
  for (const i of seed.issues ?? []) {
    if (i.isPR) void model.openPull({ ...i });
    else model.createIssue(i);
  }
  for (const p of seed.pulls ?? []) void model.openPull(p);
  for (const a of seed.apps ?? []) {
    w.apps.set(a.id, { id: a.id, slug: a.slug ?? `app-${a.id}`, publicKey: a.publicKey, installations: new Map(Object.entries(a.installations ?? {})) });
    model.ensureUser(`${a.slug ?? `app-${a.id}`}[bot]`, 'Bot');
  }
  return model.ready();
}

function seedRepo(model: FakeModel, s: SeedRepo): FakeRepo {
  const full = s.repo ?? `${s.org ?? ''}/${s.name ?? ''}`;
  const [owner, name] = splitRepo(full);
  const repo = model.ensureRepo(owner, name, s.defaultBranch, s.files);
  if (s.private !== undefined) repo.private = s.private;
  if (s.archived !== undefined) repo.archived = s.archived;
  const collabs = Array.isArray(s.collaborators)
    ? Object.fromEntries(s.collaborators.map((c) => [c, 'write' as RepoRole]))
    : (s.collaborators ?? {});
  for (const [login, role] of Object.entries(collabs)) repo.collaborators.set(model.ensureUser(login).login.toLowerCase(), role);
  for (const l of s.labels ?? []) {
    const label = typeof l === 'string' ? { name: l } : l;
    repo.labels.set(label.name.toLowerCase(), { id: model.nextId(), name: label.name, color: label.color ?? 'ededed', description: label.description ?? null });
  }
  for (const m of s.milestones ?? []) {
    const ms = typeof m === 'string' ? { title: m } : m;
    const number = ms.number ?? repo.milestones.size + 1;
    repo.milestones.set(number, { id: model.nextId(), number, title: ms.title, state: ms.state ?? 'open', description: ms.description ?? null });
  }
  for (const [branch, p] of Object.entries(s.branchProtection ?? {})) repo.protection.set(branch, p);
  for (const [branch, files] of Object.entries(s.branches ?? {})) void model.pushToBranch(repo.fullName, branch, files);
  return repo;
}

