// docs/commands.md is generated from the registry; this fails when someone changes a plugin's help
// (or registers a plugin) without regenerating it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { renderCommandsMarkdown } from '../../src/hook/plugin-help.js';
import { builtinPlugins } from '../../src/plugins/registry.js';
import type { Plugin } from '../../src/plugins/types.js';

const docPath = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'commands.md');

describe('docs/commands.md', () => {
  it('is up to date with the plugin registry', () => {
    const have = readFileSync(docPath, 'utf8');
    assert.ok(
      have === renderCommandsMarkdown(builtinPlugins),
      'docs/commands.md is stale: run `node --import tsx scripts/gen-commands-doc.ts` and commit docs/commands.md',
    );
  });

  it('renders commands sorted by plugin, escaping table cells', () => {
    const mk = (name: string, usage: string): Plugin => ({
      name,
      help: { description: `${name} does things.`, commands: [{ usage, description: 'a | b', whoCanUse: 'Anyone', examples: [usage] }] },
      handlers: { genericComment: async () => undefined },
    });
    const md = renderCommandsMarkdown([mk('zeta', '/zeta'), mk('alpha', '/alpha [x|y]')]);
    const rows = md.split('\n').filter((l) => l.startsWith('| `'));
    assert.deepEqual(rows, [
      '| `/alpha [x\\|y]` | [alpha](#alpha) | Anyone | a \\| b | `/alpha [x\\|y]` |',
      '| `/zeta` | [zeta](#zeta) | Anyone | a \\| b | `/zeta` |',
    ]);
    assert.ok(md.indexOf('### alpha') < md.indexOf('### zeta'));
  });
});
