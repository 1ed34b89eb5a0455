import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkLayering, findFolderCycles, topFolder } from '../../scripts/check-layering.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

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

/** A source tree in a temp dir: `file: [relative imports]`; every file exports something. */
async function tree(t: { after(fn: () => Promise<void>): void }, files: Record<string, string[]>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'layering-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true }, include: ['src', 'test'] }));
  for (const [file, imports] of Object.entries(files)) {
    await mkdir(dirname(join(dir, file)), { recursive: true });
    await writeFile(join(dir, file), `${imports.map((i) => `import '${i}';`).join('\n')}\nexport const x = 1;\n`);
  }
  return dir;
}

function rulesIn(lines: string[]): string[] {
  return [...new Set(lines.filter((l) => !l.startsWith(' ')).map((l) => l.slice(0, l.indexOf(':'))))].sort();
}

// The real .dependency-cruiser.cjs over small trees: each rule fires on its violation, and the seams stay open.
describe('check-layering: the rules in .dependency-cruiser.cjs', () => {
  const configFile = join(REPO, '.dependency-cruiser.cjs');
  it('every rule fires on a tree that breaks it, naming the import', async (t) => {
    const dir = await tree(t, {
      'src/go/a.ts': ['../api/a.js'],
      'src/api/a.ts': ['../config/a.js'],
      'src/config/a.ts': ['../plugins/hold/hold.js'],
      'src/plugins/types.ts': [],
      'src/plugins/registry.ts': [],
      'src/plugins/hold/hold.ts': ['../types.js', '../../config/b.js'],
      'src/config/b.ts': [],
      'src/github/a.ts': ['../owners/a.js'],
      'src/github/b.ts': [],
      'src/owners/a.ts': ['../github/b.js'],
      'src/sinker/a.ts': ['../crier/a.js'],
      'src/crier/a.ts': [],
      'src/executor/a.ts': ['../crier/a.js'],
      'src/tot/a.ts': ['../cli/a.js'],
      'src/cli/a.ts': [],
      'src/hook/a.ts': ['../plugins/registry.js'],
      'src/controller/a.ts': ['../store/sqlite/store.js'],
      'src/store/sqlite/store.ts': [],
      'src/deck/a.ts': ['../../test/x.js', './nope.js'],
      'test/x.ts': [],
    });
    const { lines } = await checkLayering({ baseDir: dir, configFile });
    assert.deepEqual(rulesIn(lines), [
      'api-imports-only-api-and-go', 'components-never-import-each-other', 'go-imports-nothing-of-ours',
      'hook-sees-only-the-plugin-contract', 'lower-floors-never-import-a-component', 'no-folder-cycle',
      'no-top-level-folder-cycle', 'no-unresolvable-import', 'nothing-imports-cli', 'only-cli-picks-an-implementation',
      'src-never-imports-tests',
    ]);
    for (const want of [
      '  src/go/a.ts → src/api/a.ts', '  src/sinker/a.ts → src/crier/a.ts', '  src/controller/a.ts → src/store/sqlite/store.ts',
      '  src/hook/a.ts → src/plugins/registry.ts', '  src/deck/a.ts → test/x.ts', '  src/deck/a.ts → ./nope.js',
    ]) assert.ok(lines.includes(want), `${want} in\n${lines.join('\n')}`);
    assert.ok(lines.some((l) => l.startsWith('  config → plugins → config')), lines.join('\n'));
  });
  it('a layered tree passes: seam types, the plugin contract, wiring in cli, an implementation\'s own parts', async (t) => {
    const dir = await tree(t, {
      'src/go/a.ts': [],
      'src/api/a.ts': ['../go/a.js'],
      'src/config/a.ts': ['../api/a.js'],
      'src/executor/types.ts': ['../api/a.js'],
      'src/store/types.ts': ['../api/a.js'],
      'src/store/sqlite/store.ts': ['../types.js', './deliveries.js'],
      'src/store/sqlite/deliveries.ts': ['../types.js'],
      'src/plugins/types.ts': ['../config/a.js'],
      'src/plugins/select.ts': ['./types.js'],
      'src/plugins/hold/hold.ts': ['../types.js'],
      'src/plugins/registry.ts': ['./hold/hold.js'],
      'src/hook/a.ts': ['../plugins/types.js', '../plugins/select.js', '../store/types.js'],
      'src/sinker/a.ts': ['../executor/types.js', '../store/types.js', '../config/a.js'],
      'src/cli/a.ts': ['../hook/a.js', '../sinker/a.js', '../store/sqlite/store.js', '../plugins/registry.js'],
    });
    const { lines, modules } = await checkLayering({ baseDir: dir, configFile });
    assert.deepEqual(lines, []);
    assert.equal(modules, 14);
  });
});
