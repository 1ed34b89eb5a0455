// verify-owners (upstream pkg/plugins/verify-owners/verify-owners.go): a PR that changes OWNERS or
// OWNERS_ALIASES gets them checked: they must parse, carry no banned label, give the root approvers,
// and every login the PR adds must be trusted (trigger's rule). Any problem adds
// do-not-merge/invalid-owners-file with a review or a comment; a clean PR loses the label.
import RE2 from 're2';
import { parseDocument } from 'yaml';
import { ownersFilenamesFor, triggerFor } from '../../config/plugins.js';
import type { PluginsConfig, TriggerConfig } from '../../config/types.js';
import type { GenericCommentEvent, PullRequestEvent } from '../../github/event-types.js';
import type { GitHubClient, PullRequest, PullRequestFile } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';
import { parseAliases, type RepoAliases } from '../../owners/parse.js';
import { commentOnce, pruneBotComments } from '../shared/comments.js';
import { formatResponseRaw } from '../shared/respond.js';
import { addedLines } from '../golint/golint.js';
import { trustedUser } from '../trigger/trust.js';
import type { Plugin } from '../types.js';

export const INVALID_OWNERS_LABEL = 'do-not-merge/invalid-owners-file';
const verifyOwnersRe = new RE2('(?mi)^/verify-owners\\s*$');
/** upstream caps trust checks per event so a large OWNERS refactor cannot exhaust the token. */
const MAX_TRUST_CHECKS = 50;

export function untrustedResponse(ownersFile: string, joinOrgUrl: string, org: string): string {
  return `The OWNERS file contains untrusted users, which makes it INVALID. The following users are mentioned in ${ownersFile} file(s) but are untrusted for the following reasons. One way to make the user trusted is to add them as [members](${joinOrgUrl}) of the ${org} org. You can then trigger verification by writing \`/verify-owners\` in a comment.`;
}

export type VerifyOwnersGitHub = Pick<GitHubClient,
  'botUser' | 'isMember' | 'isCollaborator' | 'addLabel' | 'removeLabel' | 'listIssueLabels' | 'createComment' | 'listComments' | 'deleteComment' |
  'createReview' | 'listReviews' | 'listPullRequestFiles' | 'getPullRequest' | 'getFile'>;

export interface VerifyOwnersDeps {
  gh: VerifyOwnersGitHub;
  log: Logger;
  filenames: { owners: string; owners_aliases: string };
  bannedLabels: readonly string[];
  trigger: TriggerConfig;
  skipTrustedUserCheck: boolean;
  redelivery: boolean;
}

/** Upstream Configuration.SkipCollaborators. */
function skipCollaborators(pc: PluginsConfig, org: string, repo: string): boolean {
  return (pc.owners.skip_collaborators ?? []).some((r) => r === org || r === `${org}/${repo}`);
}

function depsFor(pc: PluginsConfig, org: string, repo: string, ctx: { github: VerifyOwnersGitHub; log: Logger; redelivery: boolean }): VerifyOwnersDeps {
  return {
    gh: ctx.github, log: ctx.log, redelivery: ctx.redelivery, filenames: ownersFilenamesFor(pc, org, repo), bannedLabels: pc.owners.labels_denylist ?? [],
    trigger: triggerFor(pc, org, repo), skipTrustedUserCheck: skipCollaborators(pc, org, repo),
  };
}

export const verifyOwnersPlugin: Plugin = {
  name: 'verify-owners',
  help: {
    description: `The verify-owners plugin validates OWNERS and OWNERS_ALIASES files (by default) and ensures that they always contain collaborators of the org, if they are modified in a PR. On validation failure it automatically adds the '${INVALID_OWNERS_LABEL}' label to the PR, and a review comment on the incriminating file(s). Per-repo configuration for filenames is possible.`,
    commands: [{ usage: '/verify-owners', description: INVALID_OWNERS_LABEL, featured: false, whoCanUse: 'Anyone', examples: ['/verify-owners'] }],
  },
  configHelp: (pc, enabledRepos) => {
    const describe = (f: { owners: string; owners_aliases: string }) => {
      const base = `${f.owners} and ${f.owners_aliases} files are validated.`;
      const banned = pc.owners.labels_denylist;
      return banned === undefined ? base : `${base} The verify-owners plugin will complain if ${f.owners} files contain any of the following banned labels: ${banned.join(', ')}.`;
    };
    const defaults = ownersFilenamesFor(pc, '', '');
    const out: Record<string, string> = { default: describe(defaults) };
    for (const full of enabledRepos) {
      const [org = '', repo = ''] = full.split('/');
      const f = ownersFilenamesFor(pc, org, repo);
      if (f.owners !== defaults.owners || f.owners_aliases !== defaults.owners_aliases) out[full] = describe(f);
    }
    return out;
  },
  handlers: {
    pullRequest: async (e, ctx) => {
      if (e.action !== 'opened' && e.action !== 'reopened' && e.action !== 'synchronize') return;
      await verifyOwners(depsFor(ctx.snapshot.plugins, e.org, e.repo, ctx), e.org, e.repo, prOfEvent(e));
    },
    genericComment: (e, ctx) => handleVerifyOwnersComment(depsFor(ctx.snapshot.plugins, e.org, e.repo, ctx), e),
  },
};

type PrView = Pick<PullRequest, 'number' | 'body' | 'htmlUrl'> & { user: { login: string }; head: { sha: string } };

function prOfEvent(e: PullRequestEvent): PrView {
  const pr = e.pullRequest as { number: number; body?: string | null; html_url?: string; user?: { login?: string } };
  return { number: e.number, body: pr.body ?? '', htmlUrl: pr.html_url ?? '', user: { login: pr.user?.login ?? '' }, head: { sha: e.headSHA } };
}

export async function handleVerifyOwnersComment(d: VerifyOwnersDeps, e: GenericCommentEvent): Promise<void> {
  if (e.issueState !== 'open' || !e.isPR || e.action !== 'created' || !verifyOwnersRe.test(e.body)) return;
  await verifyOwners(d, e.org, e.repo, await d.gh.getPullRequest(e.org, e.repo, e.number));
}

interface FileProblem {
  /** Line of the file the review comment sits on. */
  line: number | undefined;
  message: string;
}

/** Untrusted login → upstream's reason and the further files adding it (upstream records files after the first). */
type Untrusted = Map<string, { reason: string; files: string[] }>;

export async function verifyOwners(d: VerifyOwnersDeps, org: string, repo: string, pr: PrView): Promise<void> {
  const { gh, filenames } = d;
  const number = pr.number;
  const changes = await gh.listPullRequestFiles(org, repo, number);
  const ownersChanges = changes.filter((c) => basename(c.filename) === filenames.owners && c.status !== 'removed');
  const aliasesChange = changes.find((c) => c.filename === filenames.owners_aliases);
  const hasLabel = (await gh.listIssueLabels(org, repo, number)).includes(INVALID_OWNERS_LABEL);
  if (ownersChanges.length === 0 && aliasesChange === undefined && !hasLabel) return;
  const addLabel = async () => {
    if (!hasLabel) await gh.addLabel(org, repo, number, INVALID_OWNERS_LABEL);
  };

  // Upstream clones and merges the PR into its base; the files here are read at the PR head instead.
  const trusted = new Set<string>();
  const untrusted: Untrusted = new Map();
  let aliases: RepoAliases = new Map();
  const aliasesText = await gh.getFile(org, repo, filenames.owners_aliases, pr.head.sha);
  try {
    if (aliasesText !== undefined) aliases = parseAliases(aliasesText, filenames.owners_aliases);
  } catch (err) {
    d.log.info({ err }, 'OWNERS_ALIASES does not parse');
    await addLabel();
    await commentOnce(gh, org, repo, number, 'The content of OWNERS_ALIASES is invalid.', d.redelivery);
    return;
  }
  if (aliasesChange !== undefined && !d.skipTrustedUserCheck) {
    const everyone = [...new Set([...aliases.values()].flatMap((s) => [...s]))].sort();
    for (const login of everyone) await checkTrusted(d, org, repo, login, aliasesChange.patch ?? '', filenames.owners_aliases, untrusted, trusted);
  }
  if ([...aliases.values()].some((members) => members.size === 0)) {
    await commentOnce(gh, org, repo, number, 'There are empty aliases in OWNER_ALIASES, cleanup is advised.', d.redelivery);
  }

  const wrong = new Map<string, FileProblem>();
  for (const c of ownersChanges) {
    const text = (await gh.getFile(org, repo, c.filename, pr.head.sha)) ?? '';
    const parsed = parseOwnersStrict(text, c, d.bannedLabels, filenames.owners);
    if ('problem' in parsed) {
      wrong.set(c.filename, parsed.problem);
      continue;
    }
    if (d.skipTrustedUserCheck) continue;
    for (const owner of parsed.owners) {
      if (aliases.has(owner.toLowerCase())) continue;
      await checkTrusted(d, org, repo, owner, c.patch ?? '', c.filename, untrusted, trusted);
    }
  }

  if (wrong.size > 0) {
    await addLabel();
    const s = wrong.size === 1 ? '' : 's';
    const body = formatResponseRaw(pr.body, pr.htmlUrl, pr.user.login, `${wrong.size} invalid ${filenames.owners} file${s}`);
    const already = d.redelivery && (await gh.listReviews(org, repo, number)).some((r) => r.body === body && r.commitId === pr.head.sha);
    if (!already) {
      await gh.createReview(org, repo, number, {
        body, event: 'COMMENT', commitId: pr.head.sha || undefined,
        comments: [...wrong].map(([path, p]) => ({ path, body: p.message, ...(p.line === undefined ? {} : { line: p.line, side: 'RIGHT' as const }) })),
      });
    }
  }

  const joinOrgUrl = d.trigger.join_org_url || `https://github.com/orgs/${org}/people`;
  const marker = untrustedResponse(filenames.owners, joinOrgUrl, org);
  if (untrusted.size > 0) {
    await addLabel();
    const lines = [marker];
    for (const [user, r] of untrusted) lines.push(`- ${user}`, `  - ${r.reason}`, ...r.files.map((f) => `  - ${f}`));
    const body = lines.join('\n');
    await pruneBotComments(gh, org, repo, number, (c) => c.body.includes(marker) && c.body !== body);
    await commentOnce(gh, org, repo, number, body, d.redelivery);
  }
  if (wrong.size === 0 && untrusted.size === 0) {
    if (hasLabel) await gh.removeLabel(org, repo, number, INVALID_OWNERS_LABEL);
    await pruneBotComments(gh, org, repo, number, (c) => c.body.includes(marker));
  }
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '.' : path.slice(0, i);
}

/** Upstream checkIfTrustedUser: only logins this patch adds (`+ - login`) are checked, at most 50 per event. */
async function checkTrusted(d: VerifyOwnersDeps, org: string, repo: string, owner: string, patch: string, file: string, untrusted: Untrusted, trusted: Set<string>): Promise<void> {
  if (untrusted.size + trusted.size > MAX_TRUST_CHECKS) return;
  if (!new RE2(`\\+\\s*-\\s*\\b${escapeRe(owner)}\\b`).test(patch)) return;
  const known = untrusted.get(owner);
  if (known !== undefined) {
    if (!known.files.includes(file)) known.files.push(file);
    return;
  }
  if (trusted.has(owner)) return;
  const r = await trustedUser(d.gh, d.trigger, owner, org, repo);
  if (r.trusted) trusted.add(owner);
  else untrusted.set(owner, { reason: r.reason, files: [] });
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number');

/**
 * Upstream parseOwnersFile: the simple form first, then the full one (`filters`); a problem is bound to
 * the line the YAML error names when the patch adds that line, else to the first line of the patch.
 */
export function parseOwnersStrict(text: string, change: PullRequestFile, banned: readonly string[], ownersName: string): { owners: string[] } | { problem: FileProblem } {
  const added = addedLines(change.patch ?? '');
  const firstAdded = [...added.keys()].sort((a, b) => a - b)[0];
  const doc = parseDocument(text, { version: '1.1', uniqueKeys: false });
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    const at = err.linePos?.[0]?.line;
    const line = at !== undefined && added.has(at) ? at : firstAdded;
    return { problem: { line, message: `Cannot parse file: ${err.message.split('\n')[0]!.replace(/[:.]$/, '')}.` } };
  }
  const value: unknown = doc.toJS() ?? {};
  const rec = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  const list = (v: unknown): string[] => (isStringList(v) ? v.map(String) : []);
  let reviewers = list(rec.reviewers);
  let approvers = list(rec.approvers);
  let labels = list(rec.labels);
  const simpleEmpty = reviewers.length === 0 && approvers.length === 0 && labels.length === 0 && list(rec.required_reviewers).length === 0;
  if (simpleEmpty) {
    const filters = rec.filters;
    if (filters !== undefined && filters !== null && (typeof filters !== 'object' || Array.isArray(filters))) {
      return { problem: { line: firstAdded, message: 'Cannot parse file: filters must be a map of regular expressions to owners.' } };
    }
    for (const f of Object.values((filters ?? {}) as Record<string, unknown>)) {
      const fr = (typeof f === 'object' && f !== null ? f : {}) as Record<string, unknown>;
      reviewers = [...reviewers, ...list(fr.reviewers)];
      approvers = [...approvers, ...list(fr.approvers)];
      labels = [...labels, ...list(fr.labels)];
    }
  }
  const bannedHere = [...new Set(labels.filter((l) => banned.includes(l)))].sort();
  if (bannedHere.length > 0) return { problem: { line: firstAdded, message: `File contains banned labels: [${bannedHere.join(' ')}].` } };
  if (dirname(change.filename) === '.' && approvers.length === 0) {
    return { problem: { line: firstAdded, message: `No approvers defined in this root directory ${ownersName} file.` } };
  }
  return { owners: [...reviewers, ...approvers] };
}
