// The --job-config-path walk: recursive, lexical order, *.yaml/*.yml only, `..`-prefixed entries
// skipped (ConfigMap symlink internals), gitignore-style `.prowignore` files honoured.
import { lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

interface IgnoreRule {
  re: RegExp;
  negate: boolean;
  dirOnly: boolean;
}

interface IgnoreScope {
  /** Directory the .prowignore lives in. */
  base: string;
  rules: IgnoreRule[];
}

function globToRegExp(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const atStart = i === 0 || glob[i - 1] === '/';
        const atEnd = i + 2 === glob.length || glob[i + 2] === '/';
        if (atStart && atEnd) {
          if (glob[i + 2] === '/') {
            out += '(?:.*/)?';
            i += 2;
          } else {
            out += '.*';
            i += 1;
          }
          continue;
        }
      }
      out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else {
        let cls = glob.slice(i + 1, end);
        if (cls.startsWith('!')) cls = '^' + cls.slice(1);
        out += `[${cls.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < glob.length) {
      out += '\\' + glob[++i];
    } else out += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return out;
}

/** Parses a .prowignore (gitignore syntax). */
export function parseIgnoreFile(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (let raw of text.split(/\r?\n/)) {
    raw = raw.replace(/(?<!\\)\s+$/, '');
    if (raw === '' || raw.startsWith('#')) continue;
    let negate = false;
    if (raw.startsWith('!')) {
      negate = true;
      raw = raw.slice(1);
    }
    let dirOnly = false;
    if (raw.endsWith('/')) {
      dirOnly = true;
      raw = raw.slice(0, -1);
    }
    const anchored = raw.includes('/');
    if (raw.startsWith('/')) raw = raw.slice(1);
    const body = globToRegExp(raw);
    const re = new RegExp(anchored ? `^${body}(?:/.*)?$` : `(?:^|/)${body}(?:/.*)?$`);
    rules.push({ re, negate, dirOnly });
  }
  return rules;
}

function ignored(scopes: IgnoreScope[], path: string, isDir: boolean): boolean {
  let result = false;
  for (const scope of scopes) {
    const rel = relative(scope.base, path).split(sep).join('/');
    for (const rule of scope.rules) {
      if (rule.dirOnly && !isDir) {
        // a dir-only rule still excludes files beneath a matching directory: handled when the dir was skipped
        continue;
      }
      if (rule.re.test(rel)) result = !rule.negate;
    }
  }
  return result;
}

function isYaml(name: string): boolean {
  return name.endsWith('.yaml') || name.endsWith('.yml');
}

/** Every job-config file under `root` (or `root` itself when it is a file), in Go filepath.Walk order. */
export function listJobConfigFiles(root: string): string[] {
  const st = statSync(root);
  if (!st.isDirectory()) return [root];
  const out: string[] = [];
  walk(root, [], out);
  return out;
}

function walk(dir: string, scopes: IgnoreScope[], out: string[]): void {
  let names = readdirSync(dir).sort();
  let here = scopes;
  if (names.includes('.prowignore')) {
    const rules = parseIgnoreFile(readFileSync(join(dir, '.prowignore'), 'utf8'));
    here = [...scopes, { base: dir, rules }];
  }
  names = names.filter((n) => !n.startsWith('..'));
  for (const name of names) {
    const p = join(dir, name);
    // Like Go's filepath.Walk: entries are lstat'ed, so a symlinked directory is not descended into,
    // while a symlinked file (ConfigMap mounts: name.yaml -> ..data/name.yaml) is read through the link.
    let st;
    try {
      st = lstatSync(p);
      if (st.isSymbolicLink()) {
        const target = statSync(p);
        if (target.isDirectory()) continue;
        st = target;
      }
    } catch {
      continue; // a dangling symlink
    }
    if (st.isDirectory()) {
      if (ignored(here, p, true)) continue;
      walk(p, here, out);
    } else if (isYaml(name)) {
      if (ignored(here, p, false)) continue;
      out.push(p);
    }
  }
}
