// Build-log lines as deck shows them, on the server (the job page) and in the browser (live lines, earlier
// parts): a numbered row per line with a #L<n> permalink, error lines marked. Shared, so both agree.
import { AnsiToHtml } from './ansi.js';

// Lines worth finding in a failed log (after upstream spyglass's buildlog highlight regex, with test failures).
const ERROR_LINE_RE = /(?:Error|ERROR|error)s?:|\bFAIL(?:ED)?\b|\bFailure \[|\bpanic:|^E\d{4} \d\d:\d\d:\d\d\.\d{3}|\bfatal:|\bexit (?:status|code) [1-9]/;
// eslint-disable-next-line no-control-regex
const ANSI_RE = /\u001b\[[0-9;?]*[@-~]|\u001b[@-Z\\-_]/g;

export function isErrorLine(line: string): boolean {
  return ERROR_LINE_RE.test(line.replace(ANSI_RE, ''));
}

/** One row: `<span class="row" id="L7">` with the number as a link to itself, then the line's HTML. */
export function lineRow(n: number, lineHtml: string, error: boolean): string {
  return `<span class="row${error ? ' log-error' : ''}" id="L${n}"><a class="ln" href="#L${n}" aria-label="line ${n}">${n}</a><span class="lc">${lineHtml}</span>\n</span>`;
}

/**
 * Whole lines → rows numbered from `first`. `text` should end with a newline; a last line without one
 * is a row too (a live log's line still being written). ANSI state carries from line to line.
 */
export function renderLines(text: string, first: number, ansi = new AnsiToHtml()): { html: string; count: number } {
  if (text === '') return { html: '', count: 0 };
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  let html = '';
  lines.forEach((line, i) => {
    html += lineRow(first + i, ansi.push(line), isErrorLine(line));
  });
  return { html, count: lines.length };
}
