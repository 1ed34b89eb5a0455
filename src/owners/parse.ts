// OWNERS and OWNERS_ALIASES parsing (docs/plugins-core.md, upstream pkg/repoowners/repoowners.go).
// The simple form is tried first; when it does not parse or names nobody, the full form with `filters`
// is tried. Problems never throw: a file that fits neither form contributes nothing, as upstream.
import { parse as parseYamlText } from 'yaml';
import { normLogin } from '../github/login.js';

export interface DirOptions {
  no_parent_owners?: boolean;
  auto_approve_unowned_subfolders?: boolean;
}

export interface OwnersEntry {
  approvers: string[];
  reviewers: string[];
  required_reviewers: string[];
  labels: string[];
}

export interface ParsedOwnersFile {
  options: DirOptions;
  /** Filter pattern (relative path regex) → entry; null is the whole directory (simple form or `.*`). */
  filters: { pattern: string | null; entry: OwnersEntry }[];
}

export class OwnersParseError extends Error {
  override readonly name = 'OwnersParseError';
  constructor(readonly file: string, detail: string, options?: ErrorOptions) {
    super(`${file}: ${detail}`, options);
  }
}

function loadYaml(text: string, file: string): unknown {
  try {
    return parseYamlText(text, { version: '1.1', uniqueKeys: false });
  } catch (err) {
    throw new OwnersParseError(file, `invalid YAML: ${(err as Error).message}`, { cause: err });
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringList(v: unknown, file: string, field: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new OwnersParseError(file, `${field} must be a list`);
  return v.map((x, i) => {
    if (typeof x === 'string') return x;
    if (typeof x === 'number' || typeof x === 'boolean') return String(x);
    throw new OwnersParseError(file, `${field}[${i}] must be a string`);
  });
}

function parseOptions(v: unknown, file: string): DirOptions {
  if (v === undefined || v === null) return {};
  if (!isRecord(v)) throw new OwnersParseError(file, 'options must be a map');
  const out: DirOptions = {};
  if (v.no_parent_owners === true) out.no_parent_owners = true;
  if (v.auto_approve_unowned_subfolders === true) out.auto_approve_unowned_subfolders = true;
  return out;
}

function parseEntry(v: Record<string, unknown>, file: string, where: string): OwnersEntry {
  return {
    approvers: stringList(v.approvers, file, `${where}approvers`),
    reviewers: stringList(v.reviewers, file, `${where}reviewers`),
    required_reviewers: stringList(v.required_reviewers, file, `${where}required_reviewers`),
    labels: stringList(v.labels, file, `${where}labels`),
  };
}

function isEmptyEntry(e: OwnersEntry): boolean {
  return e.approvers.length === 0 && e.reviewers.length === 0 && e.required_reviewers.length === 0 && e.labels.length === 0;
}

/**
 * Parses one OWNERS file. Returns undefined when it fits neither form (upstream logs and skips it).
 * `file` only names the file in errors.
 */
export function parseOwnersFile(text: string, file = 'OWNERS'): ParsedOwnersFile | undefined {
  let doc: unknown;
  try {
    doc = loadYaml(text, file);
  } catch {
    return undefined;
  }
  if (doc === null || doc === undefined) doc = {};
  if (!isRecord(doc)) return undefined;
  let simple: { options: DirOptions; entry: OwnersEntry } | undefined;
  try {
    simple = { options: parseOptions(doc.options, file), entry: parseEntry(doc, file, '') };
  } catch {
    simple = undefined;
  }
  if (simple && !isEmptyEntry(simple.entry)) {
    return { options: simple.options, filters: [{ pattern: null, entry: simple.entry }] };
  }
  try {
    const options = parseOptions(doc.options, file);
    const filters: ParsedOwnersFile['filters'] = [];
    if (doc.filters !== undefined && doc.filters !== null) {
      if (!isRecord(doc.filters)) return undefined;
      for (const [pattern, cfg] of Object.entries(doc.filters)) {
        const entry = isRecord(cfg) ? parseEntry(cfg, file, `filters[${JSON.stringify(pattern)}].`) : parseEntry({}, file, '');
        filters.push({ pattern: pattern === '.*' ? null : pattern, entry });
      }
    }
    return { options, filters };
  } catch {
    return undefined;
  }
}

/** The YAML header of a markdown file (`---\n...\n---` at the very start), as an OWNERS simple form. */
export function parseMarkdownHeader(text: string, file = 'README.md'): ParsedOwnersFile | undefined {
  if (!text.startsWith('---\n')) return undefined;
  const end = text.lastIndexOf('\n---');
  if (end < 3) return undefined;
  const header = text.slice(4, end);
  let doc: unknown;
  try {
    doc = loadYaml(header, file);
  } catch {
    return undefined;
  }
  if (!isRecord(doc)) return undefined;
  try {
    return { options: parseOptions(doc.options, file), filters: [{ pattern: null, entry: parseEntry(doc, file, '') }] };
  } catch {
    return undefined;
  }
}

export type RepoAliases = Map<string, Set<string>>;

/**
 * Parses OWNERS_ALIASES (`aliases: {name: [logins]}`); names and members are normalised. A scalar
 * value is an error (thrown, naming the alias); an empty value is an empty set; a map's keys are members.
 */
export function parseAliases(text: string, file = 'OWNERS_ALIASES'): RepoAliases {
  const doc = loadYaml(text, file);
  const out: RepoAliases = new Map();
  if (doc === null || doc === undefined) return out;
  if (!isRecord(doc)) throw new OwnersParseError(file, 'expected a map with an `aliases` key');
  const data = doc.aliases;
  if (data === undefined || data === null) return out;
  if (!isRecord(data)) throw new OwnersParseError(file, '`aliases` must be a map of alias name to logins');
  for (const [alias, members] of Object.entries(data)) {
    const name = normLogin(alias);
    if (members === null || members === undefined) out.set(name, new Set());
    else if (Array.isArray(members)) {
      const set = new Set<string>();
      members.forEach((m, i) => {
        if (typeof m !== 'string') throw new OwnersParseError(file, `aliases.${alias}[${i}]: unexpected type for alias group member: ${typeof m}`);
        set.add(normLogin(m));
      });
      out.set(name, set);
    } else if (isRecord(members)) out.set(name, new Set(Object.keys(members).map(normLogin)));
    else throw new OwnersParseError(file, `alias group '${alias}' must contain a list of members`);
  }
  return out;
}

/** Normalises logins and replaces alias names by their members. */
export function expandAliases(logins: readonly string[], aliases: RepoAliases | undefined): Set<string> {
  const out = new Set<string>();
  for (const l of logins) {
    const n = normLogin(l);
    const members = aliases?.get(n);
    if (members) for (const m of members) out.add(m);
    else out.add(n);
  }
  return out;
}
