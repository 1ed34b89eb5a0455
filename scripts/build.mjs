// The build `npm ci` runs (package.json `prepare`) and bin/prow repeats in a checkout whose sources changed:
//   dist/prow.js     every subcommand in src/cli/ (listed here, so a new file is picked up) bundled with
//                    esbuild; packages stay in node_modules
//   dist/web/        deck's browser scripts (src/deck/web/*.ts, minified) and its CSS
// Plain JavaScript so that it runs on any Node without a TypeScript loader. Files are written beside their
// target and renamed into place, so processes building at once never see half a file.
import { copyFileSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');

function writeAtomically(path, contents) {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, contents);
  renameSync(tmp, path);
}

/** The entry: main() with every subcommand module, in file-name order (what src/cli/main.ts discovers). */
function entrySource() {
  const cliDir = join(root, 'src', 'cli');
  const files = readdirSync(cliDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && f !== 'main.ts').sort();
  const lines = [`import { main } from './src/cli/main.ts';`];
  files.forEach((f, i) => lines.push(`import * as m${i} from './src/cli/${f}';`));
  lines.push(`await main(process.argv, [${files.map((_, i) => `m${i}`).join(', ')}]);`);
  return lines.join('\n');
}

export async function buildAll() {
  const cli = await build({
    stdin: { contents: entrySource(), resolveDir: root, sourcefile: 'prow-entry.ts', loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    packages: 'external',
    outfile: join(dist, 'prow.js'),
    sourcemap: 'linked',
    write: false,
    logLevel: 'silent',
  });
  const webDir = join(root, 'src', 'deck', 'web');
  const web = await build({
    entryPoints: readdirSync(webDir).filter((f) => f.endsWith('.ts')).map((f) => join(webDir, f)),
    bundle: true,
    format: 'iife',
    target: 'es2020',
    minify: true,
    outdir: join(dist, 'web'),
    write: false,
    logLevel: 'silent',
  });
  // The entry last: bin/prow takes a dist/prow.js newer than every source as a finished build.
  const files = [...web.outputFiles, ...cli.outputFiles].sort((a, b) => Number(a.path.endsWith('prow.js')) - Number(b.path.endsWith('prow.js')));
  for (const f of files.filter((f) => !f.path.endsWith('prow.js'))) writeAtomically(f.path, f.contents);
  const css = join(dist, 'web', 'deck.css');
  mkdirSync(dirname(css), { recursive: true });
  copyFileSync(join(webDir, 'deck.css'), `${css}.${process.pid}.tmp`);
  renameSync(`${css}.${process.pid}.tmp`, css);
  for (const f of files.filter((f) => f.path.endsWith('prow.js'))) writeAtomically(f.path, f.contents);
  return files.map((f) => relative(root, f.path));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const written = await buildAll();
  process.stdout.write(`built ${written.join(', ')}, dist/web/deck.css\n`);
}
