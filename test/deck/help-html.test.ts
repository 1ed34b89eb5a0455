import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSafeHref, sanitizeHelpHtml } from '../../src/deck/help-html.js';

const cases: { name: string; input: string; want: string }[] = [
  { name: 'keeps allowed tags', input: 'Use <code>/lgtm</code> or <b>b</b><i>i</i><em>e</em><strong>s</strong>', want: 'Use <code>/lgtm</code> or <b>b</b><i>i</i><em>e</em><strong>s</strong>' },
  { name: 'keeps an http link with rel', input: '<a href="https://git.k8s.io/community">docs</a>', want: '<a href="https://git.k8s.io/community" rel="noopener nofollow">docs</a>' },
  { name: 'keeps a relative link', input: "<a href='/command-help?repo=a/b'>here</a>", want: '<a href="/command-help?repo=a/b" rel="noopener nofollow">here</a>' },
  { name: 'drops a javascript: href', input: '<a href="javascript:alert(1)">x</a>', want: '<a>x</a>' },
  { name: 'drops an entity-hidden javascript: href', input: '<a href="java&#115;cript:alert(1)">x</a>', want: '<a>x</a>' },
  { name: 'drops a protocol-relative href', input: '<a href="//evil.example/">x</a>', want: '<a>x</a>' },
  { name: 'drops other attributes', input: '<b onclick="alert(1)" class="x">b</b><a title="t" onmouseover="x" href="http://a/">a</a>', want: '<b>b</b><a href="http://a/" rel="noopener nofollow">a</a>' },
  { name: 'escapes a script element', input: '<script>alert(1)</script>', want: '&lt;script&gt;alert(1)&lt;/script&gt;' },
  { name: 'escapes an img with onerror', input: '<img src=x onerror=alert(1)>', want: '&lt;img src=x onerror=alert(1)&gt;' },
  { name: 'escapes a lone angle bracket and a placeholder', input: '/test <job-name> & 1 < 2', want: '/test &lt;job-name&gt; &amp; 1 &lt; 2' },
  { name: 'keeps character references', input: 'a &amp; b &lt;c&gt; &#169;', want: 'a &amp; b &lt;c&gt; &#169;' },
  { name: 'closes what is left open and drops stray closers', input: '<ul><li>one<li>two</p>', want: '<ul><li>one<li>two</li></li></ul>' },
  { name: 'br is void, and its closing form is dropped', input: 'a<br>b<br/>c</br>', want: 'a<br>b<br>c' },
  { name: 'keeps pre and p', input: '<p>x</p><pre>y</pre>', want: '<p>x</p><pre>y</pre>' },
  { name: 'escapes quotes in text', input: 'say "hi"', want: 'say &quot;hi&quot;' },
];

describe('sanitizeHelpHtml', () => {
  for (const { name, input, want } of cases) {
    it(name, () => assert.equal(sanitizeHelpHtml(input).value, want));
  }
});

describe('isSafeHref', () => {
  for (const [href, want] of [
    ['https://a.b/c', true], ['HTTP://a', true], ['/x', true], ['x/y', true], ['#frag', true], ['?q=1', true],
    ['javascript:alert(1)', false], [' JavaScript:1', false], ['data:text/html,x', false], ['//host/x', false], ['mailto:a@b', false], ['vbscript:x', false],
  ] as const) {
    it(`${href} → ${want}`, () => assert.equal(isSafeHref(href), want));
  }
});
