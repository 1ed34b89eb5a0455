import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AnsiToHtml, ansiToHtml } from '../../src/deck/ansi.js';
import { parseJUnit } from '../../src/deck/junit.js';

describe('ANSI to HTML', () => {
  const cases: [string, string, string][] = [
    ['plain text is escaped', 'a <b> & "c"', 'a &lt;b&gt; &amp; &quot;c&quot;'],
    ['foreground colour and reset', '\u001b[31mred\u001b[0m plain', '<span class="ansi-fg-1">red</span> plain'],
    ['bold bright combined', '\u001b[1;92mok\u001b[m', '<span class="ansi-fg-10 ansi-bold">ok</span>'],
    ['256-colour basic range kept', '\u001b[38;5;4mblue', '<span class="ansi-fg-4">blue</span>'],
    ['true colour dropped, text kept', '\u001b[38;2;1;2;3mx\u001b[39m', 'x'],
    ['other CSI sequences stripped', 'a\u001b[2Kb\u001b[1Gc', 'abc'],
    ['background', '\u001b[41mbg', '<span class="ansi-bg-1">bg</span>'],
  ];
  for (const [name, input, want] of cases) it(name, () => assert.equal(ansiToHtml(input), want));

  it('keeps colour state and half sequences across streamed chunks', () => {
    const c = new AnsiToHtml();
    assert.equal(c.push('a\u001b[3'), 'a');
    assert.equal(c.push('2mgreen'), '<span class="ansi-fg-2">green</span>');
    assert.equal(c.push(' still'), '<span class="ansi-fg-2"> still</span>');
    assert.equal(c.push('\u001b[0mdone'), 'done');
  });
});

describe('JUnit summary', () => {
  it('counts outcomes, puts failures first, reads messages and CDATA', () => {
    const s = parseJUnit('artifacts/junit.xml', `<?xml version="1.0" encoding="UTF-8"?>
<testsuites><testsuite name="a" tests="4">
  <testcase classname="k" name="ok1" time="0.5"></testcase>
  <testcase classname="k" name="bad" time="2"><failure message="want &lt;1&gt;"><![CDATA[stack <here>]]></failure></testcase>
  <testcase classname="k" name="skip"><skipped message="later"/></testcase>
  <testcase classname="k" name="err"><error message="panic"/></testcase>
</testsuite></testsuites>`);
    assert.deepEqual([s.passed, s.failed, s.skipped], [1, 2, 1]);
    assert.deepEqual(s.tests.map((t) => t.name), ['bad', 'err', 'skip', 'ok1']);
    assert.equal(s.tests[0]!.message, 'want <1>\nstack <here>');
    assert.equal(s.tests[0]!.time, 2);
  });

  it('reads a single testsuite root and rejects non-JUnit input with the file name', () => {
    assert.equal(parseJUnit('f.xml', '<testsuite name="x"><testcase name="t"/></testsuite>').passed, 1);
    assert.throws(() => parseJUnit('artifacts/junit_x.xml', '<html></html>'), /artifacts\/junit_x.xml: no <testsuite>/);
  });
});
