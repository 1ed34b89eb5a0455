// A JUnit XML summary for the job page (upstream's junit lens): every testcase with its outcome, failures first.
// A small streaming-free tokenizer is enough for the JUnit shape; malformed files give an error, not a crash.

export type TestOutcome = 'failed' | 'passed' | 'skipped';

export interface TestCase {
  suite: string;
  className: string;
  name: string;
  /** Seconds. */
  time?: number;
  outcome: TestOutcome;
  /** The failure or error message and body. */
  message?: string;
}

export interface JUnitSummary {
  file: string;
  tests: TestCase[];
  passed: number;
  failed: number;
  skipped: number;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (_, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return ENTITIES[e] ?? '';
  });
}

function attrs(src: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of src.matchAll(/([\w:.-]+)\s*=\s*("([^"]*)"|'([^']*)')/g)) out[m[1]!] = decode(m[3] ?? m[4] ?? '');
  return out;
}

const TOKEN = /<!\[CDATA\[([\s\S]*?)\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<(\/?)([\w:.-]+)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)|</g;

/** Parses one JUnit XML document (a `<testsuites>` or a single `<testsuite>`). */
export function parseJUnit(file: string, xml: string): JUnitSummary {
  const tests: TestCase[] = [];
  const suites: string[] = [];
  let current: TestCase | undefined;
  let inMessage = false;
  let sawRoot = false;
  for (const m of xml.matchAll(TOKEN)) {
    const [whole, cdata, closing, tag, attrSrc, selfClose, text] = m;
    if (whole === '<') throw new Error(`${file}: malformed XML near offset ${m.index}`);
    if (cdata !== undefined || text !== undefined) {
      if (current && inMessage) current.message = `${current.message ?? ''}${cdata ?? decode(text ?? '')}`;
      continue;
    }
    if (!tag) continue;
    const a = attrs(attrSrc ?? '');
    if (closing) {
      if (tag === 'testsuite') suites.pop();
      else if (tag === 'testcase') current = undefined;
      else if (tag === 'failure' || tag === 'error') inMessage = false;
      continue;
    }
    if (tag === 'testsuite' || tag === 'testsuites') sawRoot = true;
    if (tag === 'testsuite') {
      if (!selfClose) suites.push(a['name'] ?? '');
    } else if (tag === 'testcase') {
      const tc: TestCase = { suite: suites[suites.length - 1] ?? '', className: a['classname'] ?? '', name: a['name'] ?? '', outcome: 'passed' };
      const time = Number(a['time']);
      if (a['time'] !== undefined && Number.isFinite(time)) tc.time = time;
      tests.push(tc);
      current = selfClose ? undefined : tc;
    } else if (current && (tag === 'failure' || tag === 'error')) {
      current.outcome = 'failed';
      const msg = a['message'] ?? '';
      current.message = `${current.message ? `${current.message}\n` : ''}${msg}${msg ? '\n' : ''}`;
      inMessage = !selfClose;
    } else if (current && tag === 'skipped' && current.outcome !== 'failed') {
      current.outcome = 'skipped';
    }
  }
  if (!sawRoot) throw new Error(`${file}: no <testsuite> or <testsuites> element`);
  for (const t of tests) if (t.message !== undefined) t.message = t.message.trim();
  const order: Record<TestOutcome, number> = { failed: 0, skipped: 1, passed: 2 };
  tests.sort((x, y) => order[x.outcome] - order[y.outcome]);
  return {
    file,
    tests,
    passed: tests.filter((t) => t.outcome === 'passed').length,
    failed: tests.filter((t) => t.outcome === 'failed').length,
    skipped: tests.filter((t) => t.outcome === 'skipped').length,
  };
}
