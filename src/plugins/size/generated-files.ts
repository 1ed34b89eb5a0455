// Which changed files size ignores (upstream pkg/plugins/size/size.go): those named by the repo's
// `.generated_files` (upstream pkg/genfiles) and those marked `linguist-generated=true` in the root
// `.gitattributes` (upstream pkg/gitattributes). Both are read at the PR's base SHA.
import RE2 from 're2';
import type { GitHubClient } from '../../github/types.js';

export type GeneratedFilesGitHub = Pick<GitHubClient, 'getFile'>;

export const GENERATED_FILES_CONFIG = '.generated_files';
export const GITATTRIBUTES = '.gitattributes';

/** A line of `.generated_files` that is not `<key> <value>` with a known key. */
export class GeneratedFilesParseError extends Error {
  override readonly name = 'GeneratedFilesParseError';
  constructor(readonly file: string, readonly line: number, readonly text: string) {
    super(`${file}:${line}: invalid config line: ${JSON.stringify(text)}`);
  }
}

/** The `.generated_files` statements: exact paths, leaf names, path prefixes and leaf prefixes. */
export class GeneratedFiles {
  readonly paths = new Set<string>();
  readonly fileNames = new Set<string>();
  readonly pathPrefixes = new Set<string>();
  readonly filePrefixes = new Set<string>();

  /**
   * Parses one `.generated_files` text. Returns the files named by `paths-from-repo`, which the caller
   * loads with loadPaths. Stops at the first bad line, keeping what came before (as upstream).
   */
  load(text: string, file = GENERATED_FILES_CONFIG): string[] {
    const fromRepo: string[] = [];
    for (const [i, raw] of text.split('\n').entries()) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      const fields = line.split(/\s+/);
      const [key, value] = fields;
      if (fields.length !== 2 || key === undefined || value === undefined) throw new GeneratedFilesParseError(file, i + 1, line);
      switch (key) {
        case 'prefix':
        case 'path-prefix':
          this.pathPrefixes.add(value);
          break;
        case 'file-prefix':
          this.filePrefixes.add(value);
          break;
        case 'file-name':
          this.fileNames.add(value);
          break;
        case 'path':
          this.paths.add(value);
          break;
        case 'paths-from-repo':
          fromRepo.push(value);
          break;
        default:
          throw new GeneratedFilesParseError(file, i + 1, line);
      }
    }
    return fromRepo;
  }

  /** Adds every non-empty, non-comment line of a `paths-from-repo` file as an exact path. */
  loadPaths(text: string): void {
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (line !== '' && !line.startsWith('#')) this.paths.add(line);
    }
  }

  match(path: string): boolean {
    if (this.paths.has(path)) return true;
    for (const p of this.pathPrefixes) if (path.startsWith(p)) return true;
    const base = path.slice(path.lastIndexOf('/') + 1);
    if (this.fileNames.has(base)) return true;
    for (const p of this.filePrefixes) if (base.startsWith(p)) return true;
    return false;
  }
}

/** Translates one path segment of a Go filepath.Match pattern (`*`, `?`, `[...]`, `\x`) to RE2. */
function segmentRegex(glob: string): InstanceType<typeof RE2> {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '\\' && i + 1 < glob.length) out += `\\x{${(glob.codePointAt(++i) ?? 0).toString(16)}}`;
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) throw new Error(`bad pattern ${JSON.stringify(glob)}: unclosed [`);
      let cls = glob.slice(i + 1, end);
      const negate = cls.startsWith('^');
      if (negate) cls = cls.slice(1);
      out += `[${negate ? '^' : ''}${cls.replace(/[\]\\[]/g, '\\$&')}]`;
      i = end;
    } else out += `\\x{${(c.codePointAt(0) ?? 0).toString(16)}}`;
  }
  return new RE2(`^${out}$`);
}

/** One `.gitattributes` pattern with gitignore-like rules (no negation, no directory patterns). */
class AttributePattern {
  private readonly segments: (InstanceType<typeof RE2> | '' | '**')[];
  private readonly isPath: boolean;
  /** A path pattern with `**` inside a segment (like `a**b`) never matches, as upstream. */
  private readonly dead: boolean;

  constructor(pattern: string) {
    if (pattern.startsWith('!')) throw new Error(`negative patterns are forbidden: <${pattern}>`);
    const p = pattern.endsWith('\\ ') ? pattern : pattern.replace(/ +$/, '');
    if (p.endsWith('/')) throw new Error(`directory patterns are not matched recursively, use path/** instead: <${p}>`);
    this.isPath = p.includes('/');
    const parts = p.split('/');
    this.dead = this.isPath && parts.some((s) => s !== '**' && s.includes('**'));
    this.segments = parts.map((s) => (s === '' || (s === '**' && this.isPath) ? s : segmentRegex(s)));
  }

  match(path: string): boolean {
    if (this.dead) return false;
    const elems = path.split('/');
    if (!this.isPath) {
      const first = this.segments[0];
      return first instanceof RE2 && elems.some((e) => first.test(e));
    }
    let rest = elems;
    let matched = false;
    let canTraverse = false;
    for (const [i, seg] of this.segments.entries()) {
      if (seg === '') {
        canTraverse = false;
        continue;
      }
      if (seg === '**') {
        if (i === this.segments.length - 1) break;
        canTraverse = true;
        continue;
      }
      if (rest.length === 0) return false;
      if (canTraverse) {
        canTraverse = false;
        matched = false;
        while (rest.length > 0) {
          const e = rest[0] as string;
          rest = rest.slice(1);
          if (seg.test(e)) {
            matched = true;
            break;
          }
        }
        if (!matched) return false;
      } else {
        if (!seg.test(rest[0] as string)) return false;
        matched = true;
        rest = rest.slice(1);
      }
    }
    return matched;
  }
}

/** The `linguist-generated=true` patterns of a `.gitattributes`. */
export class LinguistGenerated {
  private readonly patterns: AttributePattern[] = [];

  load(text: string): void {
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      const [pattern, ...attrs] = line.split(/\s+/);
      if (pattern === undefined || attrs.length === 0) continue;
      if (attrs.includes('linguist-generated=true')) this.patterns.push(new AttributePattern(pattern));
    }
  }

  match(path: string): boolean {
    return this.patterns.some((p) => p.match(path));
  }
}

export interface GeneratedMatcher {
  isGenerated(path: string): boolean;
  /** Problems that made part of the configuration unusable (logged, never fatal). */
  warnings: string[];
}

/**
 * Reads `.generated_files` (and its `paths-from-repo` files) and `.gitattributes` at `sha`. `linguist: false`
 * skips `.gitattributes`, for callers that follow upstream genfiles alone (buildifier).
 */
export async function loadGeneratedMatcher(gh: GeneratedFilesGitHub, org: string, repo: string, sha: string, o: { linguist?: boolean } = {}): Promise<GeneratedMatcher> {
  const warnings: string[] = [];
  const gen = new GeneratedFiles();
  const config = await gh.getFile(org, repo, GENERATED_FILES_CONFIG, sha);
  if (config !== undefined) {
    let fromRepo: string[] = [];
    try {
      fromRepo = gen.load(config);
    } catch (err) {
      if (!(err instanceof GeneratedFilesParseError)) throw err;
      warnings.push(err.message);
    }
    for (const f of fromRepo) {
      const text = await gh.getFile(org, repo, f, sha);
      if (text === undefined) throw new Error(`${org}/${repo}@${sha}: ${GENERATED_FILES_CONFIG} names paths-from-repo ${f}, which does not exist`);
      gen.loadPaths(text);
    }
  }
  const linguist = new LinguistGenerated();
  const attrs = o.linguist === false ? undefined : await gh.getFile(org, repo, GITATTRIBUTES, sha);
  if (attrs !== undefined) {
    try {
      linguist.load(attrs);
    } catch (err) {
      warnings.push(`${GITATTRIBUTES}: ${(err as Error).message}`);
    }
  }
  return { isGenerated: (p) => gen.match(p) || linguist.match(p), warnings };
}
