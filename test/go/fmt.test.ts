import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { goQuote, sprint, sprintf } from '../../src/go/fmt.js';
import { BOOL, INT, ptr, STRING, struct, TIME, type Value } from '../../src/go/reflect.js';

// Expected strings are what Go's fmt prints for the same values (fmt_test.go, strconv/quote_test.go).
describe('goQuote (strconv.Quote)', () => {
  const cases: [string, string][] = [
    ['plain', '"plain"'],
    ['a"b\\c', '"a\\"b\\\\c"'],
    ['\x07\b\f\n\r\t\v', '"\\a\\b\\f\\n\\r\\t\\v"'],
    ['\x01\x7f', '"\\x01\\x7f"'],
    ['\u0085', '"\\u0085"'],
    ['héllo ☺', '"héllo ☺"'],
  ];
  for (const [input, want] of cases) it(JSON.stringify(input), () => assert.equal(goQuote(input), want));
});

describe('sprintf (fmt.Sprintf)', () => {
  const str = (v: string): Value => ({ v, t: STRING });
  const int = (v: number): Value => ({ v, t: INT });
  const cases: { name: string; format: string; args: Value[]; want: string }[] = [
    { name: 'verbs and padding', format: '%s|%5d|%-4s|%05d|%x|%X|%#x|%o|%b|%c', args: [str('a'), int(42), str('b'), int(-7), int(255), int(255), int(255), int(8), int(5), int(65)], want: 'a|   42|b   |-0007|ff|FF|0xff|10|101|A' },
    { name: 'floats', format: '%f %.2f %e %g %+d', args: [{ v: 1.5 }, { v: 3.14159 }, { v: 1234.5 }, { v: 0.5 }, int(3)], want: '1.500000 3.14 1.234500e+03 0.5 +3' },
    { name: 'quoted and typed', format: '%q %q %t %#v', args: [str('x"'), int(97), { v: true, t: BOOL }, str('s')], want: '"x\\"" \'a\' true "s"' },
    { name: 'precision truncates strings', format: '%.3s', args: [str('abcdef')], want: 'abc' },
    { name: 'wrong type, missing and extra', format: '%d %s', args: [str('x')], want: '%!d(string=x) %!s(MISSING)' },
    { name: 'extra arguments', format: 'x', args: [int(1), str('a')], want: 'x%!(EXTRA int=1, string=a)' },
    { name: 'percent and no verb', format: '100%% %', args: [], want: '100% %!(NOVERB)' },
    { name: 'time prints as time.Time', format: '%v', args: [{ v: '2017-09-01T10:00:00Z', t: TIME }], want: '2017-09-01 10:00:00 +0000 UTC' },
  ];
  for (const c of cases) it(c.name, () => assert.equal(sprintf(c.format, c.args), c.want));
});

describe('sprint (fmt.Sprint)', () => {
  it('adds spaces only between operands when neither is a string', () => {
    assert.equal(sprint([{ v: 1, t: INT }, { v: 2, t: INT }, { v: 'a', t: STRING }, { v: 'b', t: STRING }, { v: 3, t: INT }]), '1 2ab3');
  });
  it('a pointer to a struct prints with & at the top, through String when it has one', () => {
    const plain = ptr(struct('pkg.P', { A: ['a', STRING], N: ['n', INT] }));
    const stringer = ptr(struct('pkg.S', { A: ['a', STRING] }, { String: (s: { a?: string }) => ({ v: `S(${s.a ?? ''})`, t: STRING }) }));
    assert.equal(sprint([{ v: { a: 'x' }, t: plain }]), '&{x 0}');
    assert.equal(sprint([{ v: { a: 'x' }, t: stringer }]), 'S(x)');
  });
});
