// Glob matching as upstream's config-updater does it (github.com/mattn/go-zglob Match): `**` spans
// directories (also none), `*` and `?` stay within one path segment, `[...]` is a class and `{a,b}`
// picks one of several alternatives.

const cache = new Map<string, RegExp>();

function translate(glob: string): string {
  let out = '';
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        i++;
        if (glob[i + 1] === '/') {
          i++;
          out += '(?:.*/)?';
        } else out += '.*';
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else {
        let cls = glob.slice(i + 1, end);
        if (cls.startsWith('!') || cls.startsWith('^')) cls = `^${cls.slice(1)}`;
        out += `[${cls.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '{') {
      braces++;
      out += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      out += ')';
    } else if (c === ',' && braces > 0) out += '|';
    else if (c === '\\' && i + 1 < glob.length) out += `\\${glob[++i]!}`;
    else out += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return out;
}

/** Whether `path` (repository-relative, `/`-separated) matches `glob`. */
export function zglobMatch(glob: string, path: string): boolean {
  let re = cache.get(glob);
  if (re === undefined) {
    re = new RegExp(`^${translate(glob)}$`);
    cache.set(glob, re);
  }
  return re.test(path);
}
