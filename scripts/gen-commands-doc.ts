// Regenerates docs/commands.md from the plugin registry's help:
//   node --import tsx scripts/gen-commands-doc.ts          (write)
//   node --import tsx scripts/gen-commands-doc.ts --check  (exit 1 when stale)
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderCommandsMarkdown } from '../src/hook/plugin-help.js';
import { builtinPlugins } from '../src/plugins/registry.js';

const target = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'commands.md');
const want = renderCommandsMarkdown(builtinPlugins);
if (process.argv.includes('--check')) {
  let have = '';
  try {
    have = readFileSync(target, 'utf8');
  } catch {
    // missing counts as stale
  }
  if (have !== want) {
    process.stderr.write('docs/commands.md is stale: run `node --import tsx scripts/gen-commands-doc.ts`\n');
    process.exitCode = 1;
  }
} else {
  writeFileSync(target, want);
  process.stdout.write(`wrote ${target}\n`);
}
