import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileGoTemplate, TemplateError } from '../../src/go/template/template.js';
import { BOOL, goNameToSnake, INT, mapOf, ptr, slice, STRING, struct, TIME } from '../../src/go/reflect.js';

describe('go templates: language', () => {
  const render = (src: string, data: unknown): string => compileGoTemplate(src).render(data);
  const cases: { name: string; src: string; data?: unknown; want: string }[] = [
    { name: 'plain text', src: 'hello', want: 'hello' },
    { name: 'comment', src: 'a{{/* no */}}b', want: 'ab' },
    { name: 'trim markers', src: 'a  {{- "x" -}}  \n b', want: 'axb' },
    { name: 'trimmed comment', src: 'a \n{{- /* c */ -}}\n b', want: 'ab' },
    { name: 'negative number is not a trim marker', src: '{{-3}}', want: '-3' },
    { name: 'map field and missing key', src: '{{.a}}|{{.missing}}', data: { a: 1 }, want: '1|<no value>' },
    { name: 'snake_case fallback', src: '{{.BuildID}} {{.BaseSHA}}', data: { build_id: 'b', base_sha: 's' }, want: 'b s' },
    { name: 'case-insensitive fallback', src: '{{.Name}}', data: { name: 'n' }, want: 'n' },
    { name: 'if/else if/else', src: '{{if eq .n 1}}one{{else if eq .n 2}}two{{else}}many{{end}}', data: { n: 2 }, want: 'two' },
    { name: 'eq with several values', src: '{{if eq .s "a" "b" "c"}}yes{{end}}', data: { s: 'c' }, want: 'yes' },
    { name: 'with else', src: '{{with .x}}{{.}}{{else}}none{{end}}', data: { x: '' }, want: 'none' },
    { name: 'range with index and else', src: '{{range $i, $v := .l}}{{$i}}={{$v}};{{else}}empty{{end}}', data: { l: ['a', 'b'] }, want: '0=a;1=b;' },
    { name: 'range else on empty', src: '{{range .l}}x{{else}}empty{{end}}', data: { l: [] }, want: 'empty' },
    { name: 'range over map sorts keys', src: '{{range $k, $v := .m}}{{$k}}{{$v}}{{end}}', data: { m: { b: 2, a: 1 } }, want: 'a1b2' },
    { name: 'range break/continue', src: '{{range .l}}{{if eq . 2}}{{continue}}{{end}}{{if eq . 4}}{{break}}{{end}}{{.}}{{end}}', data: { l: [1, 2, 3, 4, 5] }, want: '13' },
    { name: 'dollar is the root inside range', src: '{{range .l}}{{$.p}}{{.}}{{end}}', data: { p: '-', l: [1, 2] }, want: '-1-2' },
    { name: 'variables and assignment', src: '{{$x := "a"}}{{if true}}{{$x = "b"}}{{end}}{{$x}}', want: 'b' },
    { name: 'variables are scoped to blocks', src: '{{$x := 1}}{{with 2}}{{$x := 3}}{{end}}{{$x}}', want: '1' },
    { name: 'lt le gt ge', src: '{{lt 1 2}} {{le 2 2}} {{gt "b" "a"}} {{ge 1 2}}', want: 'true true true false' },
    { name: 'and/or return operands', src: '{{and 1 0 2}} {{or 0 "" "x"}} {{not 0}}', want: '0 x true' },
    { name: 'and short-circuits', src: '{{if and .m (index .m "k")}}y{{else}}n{{end}}', data: { m: null }, want: 'n' },
    { name: 'index and len', src: '{{index .l 1}} {{len .l}} {{index .m "k"}} {{len "héllo"}}', data: { l: [5, 6], m: { k: 'v' } }, want: '6 2 v 6' },
    { name: 'printf verbs', src: '{{printf "%s-%d-%v-%q-%5s|%-3d|%05d|%x" "a" 7 true "q\\"" "r" 1 42 255}}', want: 'a-7-true-"q\\""-    r|1  |00042|ff' },
    { name: 'printf wrong type and missing', src: '{{printf "%d %s" "x"}}', want: '%!d(string=x) %!s(MISSING)' },
    { name: 'print and println', src: '{{print 1 2 "a" "b" 3}}|{{println "a" 1}}', want: '1 2ab3|a 1\n' },
    { name: 'pipelines pass the final argument', src: '{{"a b&c" | urlquery}} {{"x" | printf "%s-%s" "y"}}', want: 'a+b%26c y-x' },
    { name: 'html and js escaping', src: '{{html "<a href=\'x\'>&\\""}} {{js "<\'=\\\\>"}}', want: '&lt;a href=&#39;x&#39;&gt;&amp;&#34; \\u003C\\\'\\u003D\\\\\\u003E' },
    { name: 'parenthesised args with a field chain', src: '{{(index .l 0).name}}', data: { l: [{ name: 'n' }] }, want: 'n' },
    { name: 'literals', src: '{{1.5}} {{0x10}} {{\'a\'}} {{`raw\\n`}} {{nil | print}}', want: '1.5 16 97 raw\\n <nil>' },
    { name: 'slices and maps print like Go', src: '{{.l}} {{.m}}', data: { l: [1, 'a'], m: { b: 1, a: [2] } }, want: '[1 a] map[a:[2] b:1]' },
    { name: 'else with', src: '{{with .a}}A{{else with .b}}B={{.}}{{else}}none{{end}}', data: { b: 'x' }, want: 'B=x' },
    { name: 'with ... else if', src: '{{with .a}}A{{else if .b}}B{{end}}', data: { b: 1 }, want: 'B' },
    { name: 'trim markers around else and end', src: '{{if .a -}}\n  yes\n{{- else -}}\n  no\n{{- end}}', data: { a: true }, want: 'yes' },
    { name: 'pipeline into len and eq', src: '{{.l | len}} {{"a" | eq "a"}}', data: { l: [1, 2, 3] }, want: '3 true' },
    { name: 'with declaration', src: '{{with $p := index .l 0}}{{$p.n}}{{end}}', data: { l: [{ n: 'first' }] }, want: 'first' },
    { name: 'nil data prints no value', src: '{{.}}', data: undefined, want: '<no value>' },
    { name: 'newlines inside an action', src: '{{with\n .a}}{{.}}{{end}}', data: { a: 'x' }, want: 'x' },
  ];
  for (const c of cases) it(c.name, () => assert.equal(render(c.src, 'data' in c ? c.data : {}), c.want));
});

describe('go templates: compile errors', () => {
  const cases: { name: string; src: string; line: number; column: number; re: RegExp }[] = [
    { name: 'unclosed action', src: 'a\n  {{.X', line: 2, column: 3, re: /unclosed action/ },
    { name: 'missing end', src: '{{if .X}}\nyes', line: 1, column: 3, re: /no \{\{end\}\}/ },
    { name: 'stray end', src: 'x\n\n{{end}}', line: 3, column: 3, re: /unexpected \{\{end\}\}/ },
    { name: 'unknown function', src: '{{ foo 1 }}', line: 1, column: 4, re: /function "foo" not defined/ },
    { name: 'define is unsupported', src: '{{define "x"}}{{end}}', line: 1, column: 3, re: /not supported/ },
    { name: 'template is unsupported', src: 'ab\n{{template "x"}}', line: 2, column: 3, re: /not supported/ },
    { name: 'unterminated string', src: '{{"abc}}', line: 1, column: 3, re: /unterminated quoted string/ },
    { name: 'unclosed comment', src: '{{/* abc', line: 1, column: 1, re: /unclosed comment/ },
    { name: 'argument to a field', src: '{{.A 1}}', line: 1, column: 3, re: /can't give argument to non-function/ },
    { name: 'break outside range', src: '{{if 1}}{{break}}{{end}}', line: 1, column: 11, re: /outside \{\{range\}\}/ },
    { name: 'unexpected paren', src: '{{ 1) }}', line: 1, column: 5, re: /unexpected right paren/ },
    { name: 'bad character', src: '{{ .A # }}', line: 1, column: 7, re: /unexpected "#"/ },
    { name: 'empty action', src: '{{}}', line: 1, column: 3, re: /missing value/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.throws(
        () => compileGoTemplate(c.src, 'my-template'),
        (e: unknown) => {
          assert.ok(e instanceof TemplateError, String(e));
          assert.match(e.message, c.re);
          assert.match(e.message, /^template: my-template:\d+:\d+: /);
          assert.deepEqual([e.line, e.column], [c.line, c.column]);
          return true;
        },
      );
    });
  }
  it('execution errors carry the position too', () => {
    assert.throws(() => compileGoTemplate('ok\n {{index .l 5}}').render({ l: [1] }), (e: unknown) => e instanceof TemplateError && e.line === 2 && /index out of range: 5/.test(e.message));
    assert.throws(() => compileGoTemplate('{{eq 1 "a"}}').render({}), /incompatible types for comparison/);
  });
});

// A small Go type, as a caller would declare one (the ProwJob's is src/api/prowjob-go-type.ts).
const ITEM = struct('pkg.Item', { ID: ['id', INT], Label: ['label', STRING] }, { String: (i: { id?: number }) => ({ v: `item-${i.id ?? 0}`, t: STRING }) });
const BOX = struct(
  'pkg.Box',
  {
    Name: [['meta', 'name'], STRING],
    Open: ['open', BOOL],
    Count: ['count', INT],
    Items: ['items', slice(ITEM)],
    First: ['first', ptr(ITEM)],
    Tags: ['tags', mapOf(STRING)],
    Created: ['created', TIME],
    Extra: ['extra', { kind: 'dynamic' }],
  },
  { Full: (b: { count?: number }) => ({ v: (b.count ?? 0) > 2, t: BOOL }) },
);

describe('go templates: typed data', () => {
  const render = (src: string, data: unknown): string => compileGoTemplate(src).render(data, { type: BOX });
  const cases: { name: string; src: string; data: unknown; want: string }[] = [
    { name: 'Go names over JSON keys, nested key paths', src: '{{.Name}} {{.Count}}', data: { meta: { name: 'b' }, count: 3 }, want: 'b 3' },
    { name: 'absent fields read as zero values', src: '[{{.Name}}][{{.Open}}][{{.Count}}][{{.Items}}][{{.Tags}}][{{.Created}}]', data: {}, want: '[][false][0][[]][map[]][0001-01-01 00:00:00 +0000 UTC]' },
    { name: 'methods on the type', src: '{{.Full}} {{with index .Items 0}}{{.String}}{{end}}', data: { count: 5, items: [{ id: 7 }] }, want: 'true item-7' },
    { name: 'a Stringer prints through String', src: '{{.Items}} {{.First}}', data: { items: [{ id: 1 }, { id: 2 }], first: { id: 3 } }, want: '[item-1 item-2] item-3' },
    { name: 'a nil pointer is false', src: '{{if .First}}y{{else}}n{{end}}', data: {}, want: 'n' },
    { name: 'a struct is always true', src: '{{with index .Items 0}}{{.Label}}|{{.ID}}{{end}}', data: { items: [{}] }, want: '|0' },
    { name: 'map values keep their element type', src: '{{index .Tags "x"}}|{{len .Tags}}', data: { tags: { y: 'v' } }, want: '|1' },
    { name: 'dynamic fields fall back to key lookup', src: '{{.Extra.SomeKey}}', data: { extra: { some_key: 'k' } }, want: 'k' },
    { name: 'timestamps print as time.Time', src: '{{.Created}}', data: { created: '2020-01-02T03:04:05.500Z' }, want: '2020-01-02 03:04:05.5 +0000 UTC' },
  ];
  for (const c of cases) it(c.name, () => assert.equal(render(c.src, c.data), c.want));
  it('a field through a nil pointer is an execution error', () => {
    assert.throws(() => render('{{.First.Label}}', {}), (e: unknown) => e instanceof TemplateError && /nil pointer evaluating \*pkg\.Item\.Label/.test(e.message));
  });
  it('an unknown field of a struct is an execution error', () => {
    assert.throws(() => render('{{.Nope}}', {}), /can't evaluate field Nope in type pkg.Box/);
  });
  it('Go names map to snake case as Go spells them', () => {
    assert.equal(goNameToSnake('RerunCommand'), 'rerun_command');
    assert.equal(goNameToSnake('CloneURI'), 'clone_uri');
    assert.equal(goNameToSnake('BuildID'), 'build_id');
  });
});
