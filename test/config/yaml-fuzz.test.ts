import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseYamlFast } from '../../src/config/yaml-fast.js';
import { parseYamlFull, type YNode } from '../../src/config/yaml.js';

// Differential property test: random documents built from tricky fragments. Whenever the fast path
// answers, the yaml library must agree exactly, and the fast path must never accept a document the
// library rejects. Seeded, so every run checks the same documents.
function norm(n: YNode | null): unknown {
  if (!n) return null;
  if (n.kind === 'scalar') return n.value === null ? ['null'] : [n.line, n.value, typeof n.value === 'string' ? null : n.text];
  if (n.kind === 'seq') return [n.line, n.items.map(norm)];
  return [n.line, n.entries.map((e) => [e.key, e.keyLine, norm(e.value)])];
}

let seed = 1;
const rnd = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
const pick = <T,>(a: T[]): T => a[Math.floor(rnd() * a.length)]!;
const scalars = ['{a: [b, {c: d}], e: "f"}', '["x, y", \'z\']', '"esc \\u00e9 \\x41 \\\\"', 'a  # two spaces', '"x" # c', '[a, b] # c', '{a: 1}x', '"x"y', '0', '-0', '+0', '1_000', '0b101', '190:20:30', '.inf', '-.Inf', '.NaN', '1.0', '3.', 'x: ', 'key:  value', '\'a\' \'b\'', 'a', 'hello world', 'yes', 'No', 'on', '~', 'null', '', '12', '-3', '1.10', '0.5', '.', '-', '- x', 'a: b', 'a:b', 'http://x:8080/y', 'a #c', 'a#b', '"q"', "'s'", '"a\\tb"', "'it''s'", '[a, b]', '{k: v}', '[]', '{}', '0755', '1e3', '2001-01-01', '!tag x', '&anc x', '*ref', '? q', ': x', '|', '>', '|-', '1h30m', '^main$', 'release-\\d+', '@every 1h', '`x`', '%x', ' lead', 'trail ', 'x,y', '[a', 'a]', '{a', '0x1F', '+1', '.5', '1.', 'TRUE', 'Off', 'y', 'n'];
const keys = ['"a\\tb"', 'yes', 'Off', '0x10', '- x', '[a]', '{a: b}', '&k a', '*k', '!t k', '|', '#k', 'a', 'b', 'name', 'on', 'y', '1', '"q k"', "'s k'", 'k k', 'x-y', '<<', '? k', 'a:b', '1.10', 'null', '~'];
function gen(depth: number, indent: number): string[] {
  const kind = depth > 3 ? 0 : Math.floor(rnd() * 3);
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  if (kind === 2) { // seq
    const n = 1 + Math.floor(rnd() * 3);
    for (let i = 0; i < n; i++) {
      const r = rnd();
      if (r < 0.4) lines.push(`${pad}- ${pick(scalars)}`);
      else if (r < 0.6) { const sub = gen(depth + 1, indent + 2); lines.push(`${pad}- ${sub[0]!.trimStart()}`, ...sub.slice(1)); }
      else if (r < 0.7) { lines.push(`${pad}-`); lines.push(...gen(depth + 1, indent + 2)); }
      else if (r < 0.8) { lines.push(`${pad}- |`); lines.push(`${pad}  line1`, '', `${pad}    more`); }
      else lines.push(`${pad}- ${pick(scalars)} # c`);
    }
  } else { // map
    const n = 1 + Math.floor(rnd() * 3);
    for (let i = 0; i < n; i++) {
      const k = pick(keys);
      const r = rnd();
      if (r < 0.4) lines.push(`${pad}${k}: ${pick(scalars)}`);
      else if (r < 0.6) { lines.push(`${pad}${k}:`); lines.push(...gen(depth + 1, indent + (rnd() < 0.3 ? 0 : 2))); }
      else if (r < 0.7) { lines.push(`${pad}${k}: ${pick(['|', '>', '|-', '>-', '|+', '>+', '| # c', '|2', '|-  '])}`); const bi = pad + ' '.repeat(1 + Math.floor(rnd() * 4)); lines.push(`${bi}t1`, ...(rnd() < 0.3 ? [`${bi}  deeper`] : []), `${bi}t2`, ...(rnd() < 0.5 ? [''] : []), ...(rnd() < 0.2 ? [`${bi}`] : []), `${bi}t3`, ...(rnd() < 0.3 ? ['', ''] : [])); }
      else if (r < 0.8) { lines.push(`${pad}${k}: ${pick(scalars)}`, `${pad}${' '.repeat(1 + Math.floor(rnd() * 3))}${pick(scalars)}`, ...(rnd() < 0.3 ? ['', `${pad}   ${pick(scalars)}`] : [])); }
      else if (r < 0.9) lines.push(`${pad}# comment`, `${pad}${k}:`);
      else lines.push(`${pad}${k}: [${pick(scalars)}, ${pick(scalars)}]`);
    }
  }
  return lines;
}

describe('fast YAML path, randomized against the yaml library', () => {
  for (const s of [1, 2, 3]) {
    it(`seed ${s}: 800 documents`, () => {
      seed = s;
      let answered = 0;
      for (let i = 0; i < 800; i++) {
        const src = gen(0, 0).join('\n') + (rnd() < 0.5 ? '\n' : '');
        const fast = parseYamlFast(src);
        if (!fast) continue;
        answered++;
        const full = parseYamlFull(src);
        assert.deepEqual(full.errors, [], `the fast path accepted a document the library rejects:\n${src}`);
        assert.deepEqual(norm(fast.root), norm(full.root), src);
      }
      assert.ok(answered > 100, `the fast path answered only ${answered} documents`);
    });
  }
});
