// Reviewer selection from OWNERS, shared by blunderbuss and rifle (upstream pkg/reviewer/reviewer.go GetReviewers, and pkg/layeredsets for
// the layered candidate sets): one random leaf reviewer per distinct OWNERS file, then more leaf reviewers,
// then reviewers from any level, until `minReviewers` are chosen.
import type { RepoOwners } from '../../owners/types.js';

/** Picks and removes one candidate (upstream FindReviewer); "" when none is acceptable. */
export type ReviewerSelector = (candidates: LayeredSet) => Promise<string>;

/** Upstream layeredsets.String: a set in layers; random picks come from the lowest non-empty layer. */
export class LayeredSet {
  private readonly layers: Set<string>[] = [];

  constructor(...layers: Iterable<string>[]) {
    layers.forEach((items, i) => this.insert(i, ...items));
  }

  insert(layer: number, ...items: string[]): void {
    while (this.layers.length <= layer) this.layers.push(new Set());
    for (const item of items) if (!this.has(item)) this.layers[layer]!.add(item);
  }

  has(item: string): boolean {
    return this.layers.some((l) => l.has(item));
  }

  get size(): number {
    return this.layers.reduce((n, l) => n + l.size, 0);
  }

  /** Every item, layer by layer, sorted within a layer. */
  list(): string[] {
    return this.layers.flatMap((l) => [...l].sort());
  }

  without(other: ReadonlySet<string>): LayeredSet {
    const out = new LayeredSet();
    this.layers.forEach((l, i) => out.insert(i, ...[...l].sort().filter((x) => !other.has(x))));
    return out;
  }

  union(other: LayeredSet): LayeredSet {
    const out = new LayeredSet();
    this.layers.forEach((l, i) => out.insert(i, ...[...l].sort()));
    other.layers.forEach((l, i) => out.insert(i, ...[...l].sort()));
    return out;
  }

  /** Every item, in no layer order (upstream layeredsets Set()). */
  items(): Set<string> {
    return new Set(this.layers.flatMap((l) => [...l]));
  }

  delete(item: string): void {
    for (const l of this.layers) l.delete(item);
  }

  /** Removes and returns a random item of the lowest non-empty layer ("" when empty). */
  popRandom(random: () => number): string {
    for (const layer of this.layers) {
      if (layer.size === 0) continue;
      const sorted = [...layer].sort();
      const pick = sorted[Math.floor(random() * sorted.length)]!;
      this.delete(pick);
      return pick;
    }
    return '';
  }
}

/** Which OWNERS sets a selection reads: reviewers, or approvers standing in for them (FallbackReviewersClient). */
export interface ReviewerSource {
  ownersFileFor(path: string): string;
  /** Candidates for `path`: its nearest level first, then every level above. */
  reviewers(path: string): LayeredSet;
  leafReviewers(path: string): Set<string>;
  requiredReviewers(path: string): Set<string>;
}

/**
 * Upstream's layered Reviewers(path): each candidate sits in the layer of the nearest OWNERS level that
 * names it (0 = the file's own directory), so random picks prefer the closest owners.
 */
function layered(path: string, all: Set<string>, leafAt: (p: string) => Set<string>): LayeredSet {
  const out = new LayeredSet();
  const parts = path.split('/');
  const base = parts.pop()!;
  let layer = 0;
  // The same file name one directory up at a time: the leaf set there is the next level's owners.
  for (let i = parts.length; i >= 0 && out.size < all.size; i--) {
    const probe = [...parts.slice(0, i), base].join('/');
    const names = [...leafAt(probe)].filter((x) => all.has(x)).sort();
    if (names.some((x) => !out.has(x))) out.insert(layer++, ...names);
  }
  out.insert(layer, ...[...all].sort());
  return out;
}

export function reviewersOf(o: RepoOwners): ReviewerSource {
  return {
    ownersFileFor: (p) => o.findReviewersOwnersForFile(p),
    reviewers: (p) => layered(p, o.reviewers(p), (q) => o.leafReviewers(q)),
    leafReviewers: (p) => o.leafReviewers(p),
    requiredReviewers: (p) => o.requiredReviewers(p),
  };
}

/** Upstream FallbackReviewersClient: approvers in the reviewers' place. */
export function approversOf(o: RepoOwners): ReviewerSource {
  return {
    ownersFileFor: (p) => o.findApproverOwnersForFile(p),
    reviewers: (p) => layered(p, o.approvers(p), (q) => o.leafApprovers(q)),
    leafReviewers: (p) => o.leafApprovers(p),
    requiredReviewers: (p) => o.requiredReviewers(p),
  };
}

/** Upstream GetReviewers: the chosen reviewers (in upstream's order) and the OWNERS required reviewers. */
export async function getReviewers(
  src: ReviewerSource, select: ReviewerSelector, author: string, files: readonly string[], minReviewers: number,
): Promise<{ reviewers: string[]; required: string[] }> {
  const authorSet = new Set([author.toLowerCase()]);
  const reviewers = new LayeredSet();
  const required = new Set<string>();
  if (minReviewers === 0) return { reviewers: [], required: [] };
  let leaves = new LayeredSet();
  const seen = new Set<string>();
  for (const file of files) {
    const ownersFile = src.ownersFileFor(file);
    if (seen.has(ownersFile)) continue;
    seen.add(ownersFile);
    for (const r of src.requiredReviewers(file)) required.add(r);
    const unused = new LayeredSet([...src.leafReviewers(file)].sort()).without(new Set(reviewers.list())).without(authorSet);
    if (unused.size === 0) continue;
    leaves = leaves.union(unused);
    const r = await select(unused);
    if (r !== '') reviewers.insert(0, r);
  }
  const unusedLeaves = leaves.without(new Set(reviewers.list()));
  while (reviewers.size < minReviewers && unusedLeaves.size > 0) {
    const r = await select(unusedLeaves);
    if (r === '') break;
    reviewers.insert(1, r);
  }
  for (const file of files) {
    if (reviewers.size >= minReviewers) break;
    const fileReviewers = src.reviewers(file).without(authorSet);
    while (reviewers.size < minReviewers && fileReviewers.size > 0) {
      const r = await select(fileReviewers);
      if (r === '') break;
      reviewers.insert(2, r);
    }
  }
  return { reviewers: reviewers.list(), required: [...required].sort() };
}
