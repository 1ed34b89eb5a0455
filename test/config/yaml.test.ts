import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseYamlFast } from '../../src/config/yaml-fast.js';
import { parseYaml, parseYamlFull, type YNode } from '../../src/config/yaml.js';

// The fast path must give exactly what the yaml library gives, or step aside (undefined).
function norm(n: YNode | null): unknown {
  if (!n) return null;
  if (n.kind === 'scalar') return n.value === null ? ['null'] : [n.line, n.value, typeof n.value === 'string' ? null : n.text];
  if (n.kind === 'seq') return [n.line, n.items.map(norm)];
  return [n.line, n.entries.map((e) => [e.key, e.keyLine, norm(e.value)])];
}

const handled: Record<string, string> = {
  'nested maps and k8s-style sequences': `presubmits:
  org/repo:
  - name: unit
    always_run: true
    branches:
    - ^main$
    - release-\\d+
    spec:
      containers:
      - image: alpine
        command: [sh, -c]
        args:
        - "echo hi"
`,
  'comments everywhere': `# top
a: 1 # trailing
# between
b:   # empty value with comment
c: 'x' # after quotes
d: [1, 2] # after flow
e: a#b
`,
  'YAML 1.1 scalars': 'a: yes\nb: No\nc: on\nd: OFF\ne: ~\nf: null\ng: 12\nh: -3\ni: 1.10\nj: 0\nk: .\nl: 1h30m\nm: "yes"\nn: y\no: true\np: 0.5\n',
  'quoted scalars and escapes': `a: "tab\\tnew\\nline \\"q\\" \\\\ \\u00e9 \\x41"
b: 'it''s'
"quoted key": v
'single key': w
c: ""
d: ''
`,
  'literal and folded block scalars': `a: |
  line one
    indented
  line three

  after blank
b: |-
  stripped
c: |+
  kept

d: >
  folded
  text

  para
e: >-
  folded strip
f: |
  last
g: x
`,
  'block scalar in a sequence': `args:
- |
  set -e
  make test
- --flag
`,
  'flow collections': 'a: [x, "y z", 1, true, {k: v, n: 2}]\nb: {}\nc: []\nd: {a: [1, 2], b: "c"}\ne: [ spaced , items ]\n',
  'compact nested sequences and maps': '- - a\n  - b\n- k: v\n  l: w\n-\n- x\n',
  'sequence item value on the next line': 'a:\n-\n  k: v\n- \n  - z\n',
  'multi-line plain scalars': 'description: this is a long\n  description that wraps\n\n  with a paragraph\nnext: 1\n- x\n'.replace('- x\n', ''),
  'document start marker': '---\na: 1\n',
  'keys with spaces and colons in values': 'some key: http://example.com:8080/x\nurl: https://a/b?c=d:e\nk: "a: b"\n',
  'empty document': '',
  'only comments': '# nothing\n\n# here\n',
  'top-level sequence': '- a\n- b: c\n',
  'trailing spaces': 'a: b   \nc:   \n  - d\n',
  'non-string keys': 'on: 1\n1.10: 2\n10: 3\n{a: b, yes: c, 2.50: d}: 4\n'.replace('{a: b, yes: c, 2.50: d}: 4\n', 'f: {yes: c, 2.50: d}\n'),
};

const fallback: Record<string, string> = {
  anchors: 'a: &x 1\nb: *x\n',
  'merge keys': 'base: &b {x: 1}\nc:\n  <<: *b\n',
  tabs: 'a:\n\tb: 1\n',
  tags: 'a: !!str 1\n',
  'multi-line quoted': 'a: "one\n  two"\n',
  'multi-line flow': 'a: [1,\n  2]\n',
  'complex key': '? a\n: b\n',
  octal: 'a: 0755\n',
  timestamp: 'a: 2001-12-14\n',
  'exponent float': 'a: 1e3\n',
  'two documents': 'a: 1\n---\nb: 2\n',
  'bad indentation': 'a:\n  b: 1\n c: 2\n',
};

describe('fast YAML path', () => {
  for (const [name, src] of Object.entries(handled)) {
    it(`handles ${name} exactly like the yaml library`, () => {
      const fast = parseYamlFast(src);
      assert.ok(fast, 'the fast path stepped aside');
      const full = parseYamlFull(src);
      assert.deepEqual(full.errors, []);
      assert.deepEqual(norm(fast.root), norm(full.root));
    });
  }
  for (const [name, src] of Object.entries(fallback)) {
    it(`steps aside for ${name}`, () => {
      assert.equal(parseYamlFast(src), undefined);
      // parseYaml still answers (through the library), errors included.
      const r = parseYaml(src);
      assert.deepEqual(norm(r.root), norm(parseYamlFull(src).root));
    });
  }
  it('reads a lone "." as a string, as go-yaml does (the library alone would give NaN)', () => {
    const full = parseYamlFull('a: .\n');
    assert.deepEqual(norm(full.root), [1, [['a', 1, [1, '.', null]]]]);
  });
  it('gives the literal block value byte for byte', () => {
    const r = parseYaml('a: |\n  x\n\n    y\nb: 1\n');
    assert.equal(r.root?.kind === 'map' && r.root.entries[0]!.value.kind === 'scalar' ? r.root.entries[0]!.value.value : null, 'x\n\n  y\n');
  });
});
