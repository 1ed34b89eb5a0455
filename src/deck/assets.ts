// Deck's static assets: the per-page scripts and the CSS. The built command (dist/prow.js) serves the
// scripts scripts/build.mjs bundled into dist/web/; run from the sources, the per-page TypeScript is
// bundled by esbuild in memory (once, on first use), so esbuild is loaded only then.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB_DIR = join(dirname(fileURLToPath(import.meta.url)), 'web');
export const PAGE_SCRIPTS = ['list', 'job'] as const;

export interface Assets {
  /** name ("list.js", "deck.css") → content and type; undefined for an unknown name. */
  get(name: string): Promise<{ body: string; type: string } | undefined>;
}

export function createAssets(): Assets {
  let bundles: Promise<Map<string, string>> | undefined;
  let css: Promise<string> | undefined;
  const bundle = async (): Promise<Map<string, string>> => {
    const prebuilt = PAGE_SCRIPTS.map((p) => join(WEB_DIR, `${p}.js`));
    if (prebuilt.every((f) => existsSync(f))) {
      return new Map(await Promise.all(PAGE_SCRIPTS.map(async (p, i) => [`${p}.js`, await readFile(prebuilt[i]!, 'utf8')] as const)));
    }
    const { build } = await import('esbuild');
    const result = await build({
      entryPoints: PAGE_SCRIPTS.map((p) => join(WEB_DIR, `${p}.ts`)),
      bundle: true,
      write: false,
      format: 'iife',
      target: 'es2020',
      minify: true,
      outdir: '/out',
      logLevel: 'silent',
    });
    return new Map(result.outputFiles.map((f) => [f.path.slice('/out/'.length), f.text]));
  };
  return {
    async get(name) {
      if (name === 'deck.css') {
        css ??= readFile(join(WEB_DIR, 'deck.css'), 'utf8');
        return { body: await css, type: 'text/css; charset=utf-8' };
      }
      if (!name.endsWith('.js')) return undefined;
      bundles ??= bundle();
      bundles.catch(() => (bundles = undefined));
      const body = (await bundles).get(name);
      return body === undefined ? undefined : { body, type: 'text/javascript; charset=utf-8' };
    },
  };
}
