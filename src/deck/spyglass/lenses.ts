// Spyglass lenses (upstream pkg/spyglass): which lenses a build directory shows, chosen by
// `deck.spyglass.lenses` as upstream's renderSpyglass (cmd/deck/main.go) chooses them. A lens is shown when
// every one of its `required_files` regexes matches some file of the build (paths relative to the build
// directory, unanchored RE2 as Go's MatchString); it then reads those files and what `optional_files` matched.
import type { ArtifactStore } from '../../artifacts/types.js';
import type { LensConfig, Spyglass } from '../../config/types.js';
import { compileRegex } from '../../go/regex.js';
import type { SafeHtml } from '../html.js';

export interface LensFile {
  /** Relative to the build directory: `build-log.txt`, `artifacts/junit_1.xml`. */
  name: string;
  /** Relative to the bucket. */
  path: string;
  size: number;
}

/** Where the bucket view's own URLs for one object are. */
export interface ViewLinks {
  /** The raw object (plain text or JSON, byte ranges). */
  raw(path: string): string;
  /** Whole lines of a log before a byte (`?before=`): the build log's "load earlier". */
  logSlice(path: string): string;
}

export interface LensInput {
  store: ArtifactStore;
  /** The build directory, relative to the bucket. */
  dir: string;
  files: LensFile[];
  /** The lens's own `lens.config`. */
  config: unknown;
  spyglass: Partial<Spyglass>;
  links: ViewLinks;
  /** `bucket` of the view, for gcs_browser_prefixes_by_bucket. */
  bucket: string;
}

export interface Lens {
  name: string;
  title: string;
  /** Lower shows first (upstream's lens priorities). */
  priority: number;
  /** The body brings its own heading (the JUnit summary is the job page's, titled "Tests"). */
  ownHeading?: boolean;
  body(input: LensInput): Promise<SafeHtml>;
}

/**
 * What the bucket view shows when `deck.spyglass.lenses` is not set (upstream shows nothing then): the
 * lens list of test-infra's own config.yaml for the lenses we have.
 */
export const DEFAULT_LENSES: LensConfig[] = [
  { lens: { name: 'metadata' }, required_files: ['^(?:started|finished)\\.json$'], optional_files: ['^(?:podinfo|prowjob)\\.json$'] },
  { lens: { name: 'buildlog' }, required_files: ['^.*build-log\\.txt$'] },
  { lens: { name: 'junit' }, required_files: ['^artifacts/.*junit.*\\.xml$'] },
  { lens: { name: 'podinfo' }, required_files: ['^podinfo\\.json$'] },
  { lens: { name: 'links' }, required_files: ['^artifacts/.*\\.link\\.txt$'] },
];

export interface ChosenLens {
  lens: Lens;
  files: LensFile[];
  config: unknown;
}

export interface LensChoice {
  shown: ChosenLens[];
  /** Lens names in the config that deck does not have (remote lenses included): said on the page and in the log. */
  unknown: string[];
}

export function chooseLenses(configured: LensConfig[] | undefined, files: LensFile[], available: readonly Lens[]): LensChoice {
  const byName = new Map(available.map((l) => [l.name, l]));
  const shown: ChosenLens[] = [];
  const unknown: string[] = [];
  for (const entry of configured && configured.length > 0 ? configured : DEFAULT_LENSES) {
    const name = entry.lens?.name ?? '';
    const lens = byName.get(name);
    if (!lens || entry.remote_config) {
      const label = entry.remote_config ? `${name} (remote)` : name;
      if (!unknown.includes(label)) unknown.push(label);
      continue;
    }
    const matched = new Set<LensFile>();
    let complete = true;
    for (const re of entry.required_files ?? []) {
      const rx = compileRegex(re);
      const hits = files.filter((f) => rx.test(f.name));
      if (hits.length === 0) {
        complete = false;
        break;
      }
      hits.forEach((f) => matched.add(f));
    }
    if (!complete) continue;
    for (const re of entry.optional_files ?? []) {
      const rx = compileRegex(re);
      files.filter((f) => rx.test(f.name)).forEach((f) => matched.add(f));
    }
    shown.push({ lens, files: [...matched].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)), config: entry.lens.config });
  }
  // Upstream orders lenses by priority, then name (pkg/spyglass/spyglass.go Lenses).
  shown.sort((a, b) => a.lens.priority - b.lens.priority || a.lens.name.localeCompare(b.lens.name));
  return { shown, unknown };
}

/** Reads a small file a lens parses whole; undefined with a reason when it is larger than `limit`. */
export async function readSmall(store: ArtifactStore, file: LensFile, limit: number): Promise<{ text: string } | { error: string }> {
  if (file.size > limit) return { error: `${file.name}: too large to show (${file.size} bytes, the limit is ${limit})` };
  const buf = await store.get(file.path);
  if (!buf) return { error: `${file.name}: gone` };
  return { text: buf.toString('utf8') };
}

/** Upstream Spyglass.GetGCSBrowserPrefix: by repo, then by bucket, then `*` (gcs_browser_prefix is the old `*`). */
export function gcsBrowserPrefix(s: Partial<Spyglass>, bucket: string, org = '', repo = ''): string | undefined {
  const byRepo = s.gcs_browser_prefixes ?? {};
  const byBucket = s.gcs_browser_prefixes_by_bucket ?? {};
  if (org) {
    const hit = byRepo[`${org}/${repo}`] ?? byRepo[org];
    if (hit !== undefined) return hit;
  }
  return byBucket[bucket] ?? byRepo['*'] ?? s.gcs_browser_prefix ?? byBucket['*'];
}
