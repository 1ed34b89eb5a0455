// Where the installed package lives (a checkout or node_modules/prow-ts) and its version: the package.json
// nearest above this code, whether it runs from src/ or from the built dist/prow.js.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackage(): { root: string; version: string } | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'prow-ts') return { root: dir, version: pkg.version ?? 'unknown' };
    } catch {
      // no package.json here: keep walking up
    }
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

export function packageVersion(): string {
  return findPackage()?.version ?? 'unknown';
}

/** The package's examples/ (shipped in the npm package), or undefined when it cannot be found. */
export function packagedExamplesDir(): string | undefined {
  const found = findPackage();
  return found ? join(found.root, 'examples') : undefined;
}
