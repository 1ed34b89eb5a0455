// Deck's static assets: the per-page TypeScript bundled by esbuild in memory (once, on first use) and the CSS.
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

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
