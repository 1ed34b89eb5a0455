// Blame scoring for rifle (upstream pkg/plugins/rifle/blame.go): who last wrote the lines a PR changes,
// weighted by how many lines and how recently, with a bonus for OWNERS approvers and reviewers.
import type { GitHubClient, PullRequestFile } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';

/** One range of a file's blame (upstream github.BlameRange); `authorLogin` is "" when no GitHub user wrote it. */
export interface BlameRange {
  startingLine: number;
  endingLine: number;
  authorLogin: string;
  date: Date;
}

export interface LineRange {
  start: number;
  end: number;
}

const hunkHeaderRe = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/**
 * The old-side line ranges a unified diff touches. A pure addition (old count 0) has no old lines, so
 * the five lines above it stand in: whoever wrote the surroundings knows the code being extended.
 */
export function parseDiffHunks(patch: string): LineRange[] {
  const ranges: LineRange[] = [];
  for (const line of patch.split('\n')) {
    const m = hunkHeaderRe.exec(line);
    if (m === null) continue;
    const start = Number(m[1]);
    const count = m[2] === undefined ? 1 : Number(m[2]);
    if (count === 0) ranges.push({ start: Math.max(start - 5, 1), end: start });
    else ranges.push({ start, end: start + count - 1 });
  }
  return ranges;
}

export interface AuthorStats {
  lineCount: number;
  mostRecentDate: Date;
}

/** Per author: how many changed lines they last wrote, and the newest of those writes. */
export function intersectBlameWithChanges(blame: readonly BlameRange[], changed: readonly LineRange[]): Map<string, AuthorStats> {
  const stats = new Map<string, AuthorStats>();
  for (const br of blame) {
    if (br.authorLogin === '') continue;
    for (const cr of changed) {
      const from = Math.max(br.startingLine, cr.start);
      const to = Math.min(br.endingLine, cr.end);
      if (from > to) continue;
      const s = stats.get(br.authorLogin) ?? { lineCount: 0, mostRecentDate: new Date(0) };
      s.lineCount += to - from + 1;
      if (br.date.getTime() > s.mostRecentDate.getTime()) s.mostRecentDate = br.date;
      stats.set(br.authorLogin, s);
    }
  }
  return stats;
}

export function fileDir(path: string): string {
  const i = path.lastIndexOf('/');
  return i >= 0 ? path.slice(0, i) : '.';
}

/** At most `limit` files that still exist, taken round-robin across directories so a big PR is sampled evenly. */
export function diverseFileSelection<F extends Pick<PullRequestFile, 'filename' | 'status'>>(files: readonly F[], limit: number): F[] {
  const eligible = files.filter((f) => f.status !== 'removed');
  if (eligible.length <= limit) return eligible;
  const groups = new Map<string, F[]>();
  for (const f of eligible) {
    const dir = fileDir(f.filename);
    groups.set(dir, [...(groups.get(dir) ?? []), f]);
  }
  const selected: F[] = [];
  for (let round = 0; selected.length < limit; round++) {
    let added = false;
    for (const group of groups.values()) {
      if (selected.length >= limit) break;
      const f = group[round];
      if (f === undefined) continue;
      selected.push(f);
      added = true;
    }
    if (!added) break;
  }
  return selected;
}

const LINE_COUNT_WEIGHT = 10;
const RECENCY_WEIGHT = 5;
const APPROVER_BONUS = 3;
const REVIEWER_BONUS = 2;
/** Blame costs one GraphQL query per file: a large PR is sampled. */
export const MAX_BLAME_FILES = 20;

/** Reads a file's blame at a ref (upstream GetBlame). */
export type BlameGetter = (path: string) => Promise<BlameRange[]>;

export interface ScoreInput {
  blame: BlameGetter;
  approvers: ReadonlySet<string>;
  reviewers: ReadonlySet<string>;
  now: Date;
  log: Logger;
}

/** Upstream reviewerScorer.scoreReviewers: a score per login; a file whose blame fails is skipped. */
export async function scoreReviewers(input: ScoreInput, files: readonly Pick<PullRequestFile, 'filename' | 'status' | 'patch'>[]): Promise<Map<string, number>> {
  const scores = new Map<string, number>();
  const selected = diverseFileSelection(files, MAX_BLAME_FILES);
  if (selected.length < files.length) input.log.info({ totalFiles: files.length, selectedFiles: selected.length }, 'large PR: sampling diverse subset of files for blame scoring');
  for (const file of selected) {
    let blame: BlameRange[];
    try {
      blame = await input.blame(file.filename);
    } catch (err) {
      input.log.warn({ err, file: file.filename }, 'failed to get blame data, skipping file');
      continue;
    }
    const changed = parseDiffHunks(file.patch ?? '');
    if (changed.length === 0) continue;
    for (const [author, s] of intersectBlameWithChanges(blame, changed)) {
      const daysSince = (input.now.getTime() - s.mostRecentDate.getTime()) / 86_400_000;
      const recency = 1 / (1 + daysSince);
      scores.set(author, (scores.get(author) ?? 0) + s.lineCount * LINE_COUNT_WEIGHT + recency * RECENCY_WEIGHT);
    }
  }
  for (const [author, score] of scores) {
    if (input.approvers.has(author)) scores.set(author, score + APPROVER_BONUS);
    else if (input.reviewers.has(author)) scores.set(author, score + REVIEWER_BONUS);
  }
  return scores;
}

const blameQuery = `query($owner: String!, $name: String!, $ref: String!, $path: String!) {
  repository(owner: $owner, name: $name) {
    object(expression: $ref) {
      ... on Commit {
        blame(path: $path) { ranges { startingLine endingLine commit { author { user { login } date } } } }
      }
    }
  }
}`;

interface BlameQueryResult {
  repository?: { object?: { blame?: { ranges?: { startingLine: number; endingLine: number; commit: { author: { user: { login: string } | null; date: string } } }[] } } | null } | null;
}

/** Upstream pkg/github/client.go GetBlame: GitHub's GraphQL blame of `path` at `ref`, logins lower-cased. */
export async function getBlame(gh: Pick<GitHubClient, 'graphql'>, org: string, repo: string, ref: string, path: string): Promise<BlameRange[]> {
  const data = await gh.graphql<BlameQueryResult>(blameQuery, { owner: org, name: repo, ref, path }, org);
  return (data.repository?.object?.blame?.ranges ?? []).map((r) => ({
    startingLine: r.startingLine,
    endingLine: r.endingLine,
    authorLogin: r.commit.author.user?.login.toLowerCase() ?? '',
    date: new Date(r.commit.author.date),
  }));
}
