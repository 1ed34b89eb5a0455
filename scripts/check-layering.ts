// Checks the layering of src/ (docs/architecture.md): the rules in .dependency-cruiser.cjs, and no cycle
// between the top-level folders of src/. dependency-cruiser's own folder rule aggregates each folder to
// the leaf folders of what it imports, so it can miss a cycle that enters a folder through a subfolder
// (src/plugins/hold); this check folds every module to its top-level folder and finds the cycles exactly.
// Run: node --import tsx scripts/check-layering.ts   (npm test runs it after tsc). Exit 1 on a violation.
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** One import that crosses from one top-level folder of src/ to another, as an example of the edge. */
export interface FolderEdge {
  from: string;
  to: string;
  example: { from: string; to: string };
}

/** The top-level folder of src/ a module lives in (`src/plugins/hold/hold.ts` → `plugins`), if any. */
export function topFolder(source: string): string | undefined {
  return /^src\/([^/]+)\//.exec(source)?.[1];
}

/** Every cycle (strongly connected set of two or more folders) in the top-level folder graph, with its edges. */
export function findFolderCycles(modules: { source: string; dependencies: { resolved: string }[] }[]): { folders: string[]; edges: FolderEdge[] }[] {
  const edges = new Map<string, FolderEdge>();
  for (const m of modules) {
    const from = topFolder(m.source);
    if (!from) continue;
    for (const d of m.dependencies) {
      const to = topFolder(d.resolved);
      if (!to || to === from || edges.has(`${from}→${to}`)) continue;
      edges.set(`${from}→${to}`, { from, to, example: { from: m.source, to: d.resolved } });
    }
  }
  const next = new Map<string, string[]>();
  for (const e of edges.values()) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);

  // Tarjan's strongly connected components.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: { folders: string[]; edges: FolderEdge[] }[] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length < 2) return;
    cycles.push({ folders: component.sort(), edges: shortestCycle(component, edges) });
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) visit(v);
  return cycles;
}

/** The shortest cycle through the first folder of a strongly connected set: the edges to show for it. */
function shortestCycle(component: string[], edges: Map<string, FolderEdge>): FolderEdge[] {
  const inside = new Set(component);
  const start = [...component].sort()[0]!;
  const back = new Map<string, FolderEdge>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i]!;
    for (const e of edges.values()) {
      if (e.from !== v || !inside.has(e.to)) continue;
      if (e.to === start) {
        const path = [e];
        for (let at = v; at !== start; at = back.get(at)!.from) path.unshift(back.get(at)!);
        return path;
      }
      if (!back.has(e.to)) {
        back.set(e.to, e);
        queue.push(e.to);
      }
    }
  }
  return [];
}

/** The report: one line per violation, the reason once per rule. Empty when the layering holds. */
function describeViolations(result: ICruiseResult, comments: Map<string, string>): string[] {
  const lines: string[] = [];
  const byRule = new Map<string, string[]>();
  for (const v of result.summary.violations) {
    const what = v.cycle ? v.cycle.map((c) => c.name).join(' → ') : `${v.from} → ${v.to}`;
    byRule.set(v.rule.name, [...(byRule.get(v.rule.name) ?? []), what]);
  }
  for (const c of findFolderCycles(result.modules)) {
    const path = [...c.edges.map((e) => e.from), c.edges[0]?.from].join(' → ');
    const what = `${path} (${c.edges.map((e) => `${e.example.from} → ${e.example.to}`).join('; ')}); in the cycle: ${c.folders.join(', ')}`;
    byRule.set('no-top-level-folder-cycle', [...(byRule.get('no-top-level-folder-cycle') ?? []), what]);
  }
  for (const [rule, whats] of byRule) {
    lines.push(`${rule}: ${comments.get(rule) ?? ''}`);
    for (const w of whats) lines.push(`  ${w}`);
  }
  return lines;
}

/** Cruises `src` under `baseDir` with the rules in `configFile`; the report lines are empty when the layering holds. */
export async function checkLayering({ baseDir, configFile }: { baseDir: string; configFile: string }): Promise<{ lines: string[]; modules: number; imports: number }> {
  const options = await extractDepcruiseOptions(configFile);
  const tsConfig = extractTSConfig(join(baseDir, 'tsconfig.json'));
  const { output } = await cruise(['src'], { ...options, baseDir, outputType: 'json' }, {}, { tsConfig });
  const result: ICruiseResult = typeof output === 'string' ? JSON.parse(output) : output;
  const comments = new Map<string, string>(
    (options.ruleSet?.forbidden ?? []).map((r) => [r.name ?? '', r.comment ?? '']),
  );
  comments.set(
    'no-top-level-folder-cycle',
    'The top-level folders of src/ form a cycle: move the shared piece down a floor (a types.ts, src/api or src/go).',
  );
  return {
    lines: describeViolations(result, comments),
    modules: result.summary.totalCruised,
    imports: result.summary.totalDependenciesCruised ?? 0,
  };
}

async function main(): Promise<void> {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const { lines, modules, imports } = await checkLayering({ baseDir: root, configFile: join(root, '.dependency-cruiser.cjs') });
  if (lines.length === 0) {
    process.stdout.write(`layering: ok (${modules} modules, ${imports} imports; no folder cycle)\n`);
    return;
  }
  process.stderr.write(`layering: violations of .dependency-cruiser.cjs (docs/architecture.md)\n${lines.join('\n')}\n`);
  process.exitCode = 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
