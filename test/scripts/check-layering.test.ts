import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findFolderCycles, topFolder } from '../../scripts/check-layering.js';

/** Modules as dependency-cruiser reports them, from `file: [imports]`. */
function modules(graph: Record<string, string[]>): { source: string; dependencies: { resolved: string }[] }[] {
  return Object.entries(graph).map(([source, deps]) => ({ source, dependencies: deps.map((resolved) => ({ resolved })) }));
}

describe('check-layering: top-level folder cycles', () => {
  const cases: { name: string; graph: Record<string, string[]>; want: string[][] }[] = [
    {
      name: 'a layered tree has none',
      graph: { 'src/api/a.ts': ['src/go/g.ts'], 'src/config/c.ts': ['src/api/a.ts', 'src/go/g.ts'], 'src/go/g.ts': [] },
      want: [],
    },
    {
      name: 'two folders that import each other, through different modules',
      graph: { 'src/api/a.ts': ['src/config/c.ts'], 'src/config/d.ts': ['src/api/b.ts'] },
      want: [['api', 'config']],
    },
    {
      name: 'a cycle that enters a folder through a subfolder',
      graph: { 'src/config/c.ts': ['src/plugins/hold/hold.ts'], 'src/plugins/types.ts': ['src/config/types.ts'] },
      want: [['config', 'plugins']],
    },
    {
      name: 'a longer cycle is one set',
      graph: { 'src/a/x.ts': ['src/b/x.ts'], 'src/b/x.ts': ['src/c/x.ts'], 'src/c/x.ts': ['src/a/y.ts'], 'src/d/x.ts': ['src/a/x.ts'] },
      want: [['a', 'b', 'c']],
    },
    {
      name: 'imports inside one folder, node_modules and files outside src/ do not count',
      graph: { 'src/plugins/hold/hold.ts': ['src/plugins/types.ts'], 'src/plugins/registry.ts': ['src/plugins/hold/hold.ts', 'node_modules/re2/re2.js'], 'test/x.ts': ['src/plugins/registry.ts'] },
      want: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(findFolderCycles(modules(c.graph)).map((x) => x.folders), c.want));
  }
  it('names the imports that close the cycle', () => {
    const [cycle] = findFolderCycles(modules({ 'src/api/a.ts': ['src/config/c.ts'], 'src/config/d.ts': ['src/api/b.ts'], 'src/config/e.ts': ['src/go/g.ts'] }));
    assert.deepEqual(cycle?.edges.map((e) => `${e.example.from} → ${e.example.to}`), ['src/api/a.ts → src/config/c.ts', 'src/config/d.ts → src/api/b.ts']);
  });
  it('knows the top-level folder of a module', () => {
    assert.equal(topFolder('src/plugins/hold/hold.ts'), 'plugins');
    assert.equal(topFolder('src/main.ts'), undefined);
    assert.equal(topFolder('test/go/fmt.test.ts'), undefined);
  });
});
