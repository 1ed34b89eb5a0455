// A fast path for the YAML that Prow configuration actually contains: block mappings and sequences,
// plain and quoted one-line scalars, literal/folded block scalars and one-line flow collections.
// It returns null as soon as it meets anything else (anchors, tags, multi-line plain or quoted scalars,
// complex keys, odd numbers…), and the caller then uses the full `yaml` library, so results never
// differ: the fast path either produces exactly what parseYaml would, or nothing. It exists because
// the full parser spends ~0.5 s per MB, and a Kubernetes-sized job config is 15 MB.
import { goScalarString } from '../go/scalar.js';
import type { YEntry, YNode, YScalar } from './yaml.js';

class Bail extends Error {}
const bail = (): never => {
  throw new Bail();
};

const NULL_RE = /^(?:~|[Nn]ull|NULL)?$/;
const TRUE_RE = /^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/;
const FALSE_RE = /^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/;
const INT_RE = /^[-+]?(?:0|[1-9][0-9]*)$/;
const FLOAT_RE = /^[-+]?(?:0|[1-9][0-9]*)\.[0-9]+$/;
// Everything else YAML 1.1 might read as a number, a date or a special float: leave it to the library.
const SPECIAL_RES = [
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/,
  /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*$/,
  /^[-+]?0b[0-1_]+$/,
  /^[-+]?0[0-7_]+$/,
  /^[-+]?[0-9][0-9_]*$/,
  /^[-+]?0x[0-9a-fA-F_]+$/,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/,
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/,
];

function resolvePlain(s: string, line: number): YScalar {
  const c = s.charCodeAt(0);
  // Fast: most plain scalars start with a letter that cannot begin a special value.
  const maybeSpecial = s.length === 0 || c === 126 /* ~ */ || c === 43 || c === 45 || c === 46 || (c >= 48 && c <= 57) ||
    'yYnNtTfFoO'.includes(s[0]!);
  if (!maybeSpecial) return { kind: 'scalar', line, value: s, text: s };
  if (NULL_RE.test(s)) return { kind: 'scalar', line, value: null, text: s };
  if (TRUE_RE.test(s)) return { kind: 'scalar', line, value: true, text: s };
  if (FALSE_RE.test(s)) return { kind: 'scalar', line, value: false, text: s };
  if (INT_RE.test(s)) {
    const n = Number(s);
    if (!Number.isSafeInteger(n)) bail();
    return { kind: 'scalar', line, value: n, text: s };
  }
  if (FLOAT_RE.test(s)) return { kind: 'scalar', line, value: parseFloat(s), text: s };
  if (s === '.') return { kind: 'scalar', line, value: s, text: s }; // the 1.1 float pattern matches ".", yet it stays a string
  for (const re of SPECIAL_RES) if (re.test(s)) bail();
  return { kind: 'scalar', line, value: s, text: s };
}

const ESCAPES: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b', ' ': ' ', '"': '"',
  '/': '/', '\\': '\\', N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029',
};

export class FastYaml {
  private readonly lines: string[];
  private i = 0;

  constructor(src: string) {
    if (src.charCodeAt(0) === 0xfeff || src.includes('\t') || src.includes('\r')) bail();
    this.lines = src.split('\n');
  }

  /** Parses the document; throws Bail (caught by parseYamlFast) for anything outside the subset. */
  parse(): YNode | null {
    this.skipBlank();
    if (this.i < this.lines.length && this.lines[this.i]!.startsWith('---')) {
      if (this.lines[this.i]!.trimEnd() !== '---') bail();
      this.i++;
      this.skipBlank();
    }
    if (this.i >= this.lines.length) return null;
    const line = this.lines[this.i]!;
    const indent = indentOf(line);
    const node = this.parseBlockAt(this.i, indent, -1);
    this.skipBlank();
    if (this.i < this.lines.length) bail(); // trailing content we did not understand (or another document)
    return node;
  }

  /** Moves past blank and comment-only lines. */
  private skipBlank(): void {
    while (this.i < this.lines.length) {
      const l = this.lines[this.i]!;
      const t = l.trimStart();
      if (t === '' || t.startsWith('#')) this.i++;
      else return;
    }
  }

  /** The indent of the next content line, or -1 at the end. */
  private peekIndent(): number {
    this.skipBlank();
    if (this.i >= this.lines.length) return -1;
    const l = this.lines[this.i]!;
    if (l.startsWith('---') || l.startsWith('...')) bail();
    return indentOf(l);
  }

  /** A block node starting at (line, col); `parentIndent` is the indent of the owning key or item. */
  private parseBlockAt(lineNo: number, col: number, parentIndent: number): YNode {
    const text = this.lines[lineNo]!;
    const rest = text.slice(col);
    if (rest === '-' || rest.startsWith('- ')) return this.parseSeq(lineNo, col);
    if (startsMapEntry(rest)) return this.parseMap(lineNo, col);
    // A lone scalar occupying the line (e.g. a document that is just a string).
    this.i = lineNo + 1;
    const s = this.parseInlineValue(rest, lineNo, col, parentIndent);
    return s;
  }

  private parseSeq(lineNo: number, col: number): YNode {
    const items: YNode[] = [];
    const node: YNode = { kind: 'seq', line: lineNo + 1, items };
    let ln = lineNo;
    for (;;) {
      const text = this.lines[ln]!;
      if (indentOf(text) !== col && ln !== lineNo) bail();
      const after = text.slice(col + 1);
      if (after === '' || /^\s*(#.*)?$/.test(after)) {
        // Item value on the following lines (more indented), or null.
        this.i = ln + 1;
        const ni = this.peekIndent();
        if (ni > col) items.push(this.parseBlockAt(this.i, ni, col));
        else items.push({ kind: 'scalar', line: ln + 1, value: null, text: '' });
      } else {
        if (after[0] !== ' ') bail();
        let k = 1;
        while (after[k] === ' ') k++;
        const itemCol = col + 1 + k;
        const content = text.slice(itemCol);
        if (content === '-' || content.startsWith('- ')) items.push(this.parseSeq(ln, itemCol));
        else if (startsMapEntry(content)) items.push(this.parseMap(ln, itemCol));
        else {
          this.i = ln + 1;
          items.push(this.parseInlineValue(content, ln, itemCol, col));
        }
      }
      const ni = this.peekIndent();
      if (ni !== col) {
        if (ni > col) bail();
        return node;
      }
      const next = this.lines[this.i]!.slice(col);
      if (!(next === '-' || next.startsWith('- '))) return node;
      ln = this.i;
    }
  }

  private parseMap(lineNo: number, col: number): YNode {
    const entries: YEntry[] = [];
    const node: YNode = { kind: 'map', line: lineNo + 1, entries };
    let ln = lineNo;
    for (;;) {
      const text = this.lines[ln]!;
      const { key, valueStart } = readKey(text, col);
      if (key === '<<') bail(); // merge keys need the full parser
      const keyLine = ln + 1;
      const after = text.slice(valueStart);
      const trimmed = after.trimStart();
      let value: YNode;
      if (trimmed === '' || trimmed.startsWith('#')) {
        this.i = ln + 1;
        const ni = this.peekIndent();
        if (ni > col) value = this.parseBlockAt(this.i, ni, col);
        else if (ni === col && isSeqStart(this.lines[this.i]!, col)) value = this.parseSeq(this.i, col);
        else value = { kind: 'scalar', line: keyLine, value: null, text: '' };
      } else {
        if (after.length > 0 && after[0] !== ' ') bail();
        const vcol = valueStart + (after.length - trimmed.length);
        this.i = ln + 1;
        value = this.parseInlineValue(trimmed, ln, vcol, col);
      }
      entries.push({ key, keyLine, value });
      const ni = this.peekIndent();
      if (ni !== col) {
        if (ni > col) bail();
        return node;
      }
      const next = this.lines[this.i]!.slice(col);
      if (next === '-' || next.startsWith('- ')) bail(); // a sequence where a key should be
      if (!startsMapEntry(next)) bail(); // not `key: …` (e.g. `? key`, or a stray scalar): the library reports it
      ln = this.i;
    }
  }

  /** A value that starts on line `lineNo` at `col` (already known not to be a block map or seq). */
  private parseInlineValue(content: string, lineNo: number, col: number, parentIndent: number): YNode {
    const line = lineNo + 1;
    const c = content[0];
    if (c === '|' || c === '>') return this.parseBlockScalar(content, lineNo, parentIndent);
    if (c === '"' || c === "'") {
      const { value, end } = c === '"' ? readDouble(content) : readSingle(content);
      checkTail(content.slice(end));
      this.checkNoContinuation(parentIndent);
      return { kind: 'scalar', line, value, text: value };
    }
    if (c === '[' || c === '{') {
      const p = new FlowParser(content, line);
      const node = p.parseValue();
      checkTail(content.slice(p.pos));
      this.checkNoContinuation(parentIndent);
      return node;
    }
    if (c === '&' || c === '*' || c === '!' || c === '%' || c === '@' || c === '`' || c === '?' || c === ':' || c === ',' || c === ']' || c === '}' || c === '#') bail();
    if (content === '-' || content.startsWith('- ')) bail();
    const s = plainEnd(content);
    if (s.length < content.trimEnd().length) {
      // A comment ended the scalar: nothing may continue it on the next lines.
      this.checkNoContinuation(parentIndent);
      return resolvePlain(s, line);
    }
    return resolvePlain(this.plainContinuation(s, parentIndent), line);
  }

  /**
   * A plain scalar may continue on more-indented lines: lines are folded with a space, and each blank
   * line in between becomes a newline. Anything unusual on a continuation line goes to the library.
   */
  private plainContinuation(first: string, parentIndent: number): string {
    let out = first;
    let blanks = 0;
    let k = this.i;
    let consumed = this.i;
    while (k < this.lines.length) {
      const l = this.lines[k]!;
      const t = l.trim();
      if (t === '') {
        if (l.length > 0) bail();
        blanks++;
        k++;
        continue;
      }
      if (indentOf(l) <= parentIndent) break;
      if (t.startsWith('#') || t === '-' || t.startsWith('- ') || /^[[\]{}&*!|>'"%@`?:,]/.test(t)) bail();
      if (t.includes(': ') || t.endsWith(':') || t.includes(' #')) bail();
      out += blanks > 0 ? '\n'.repeat(blanks) + t : ' ' + t;
      blanks = 0;
      k++;
      consumed = k;
    }
    this.i = consumed;
    return out;
  }

  /** A plain or quoted scalar continued on a more-indented next line is a multi-line scalar: not ours. */
  private checkNoContinuation(parentIndent: number): void {
    const save = this.i;
    const ni = this.peekIndent();
    if (ni > parentIndent && ni >= 0) {
      // The next content line belongs to this value only if it is more indented than its owner and
      // is not the owner's sibling; a sibling has indent == owner's indent, so anything deeper is a continuation.
      bail();
    }
    this.i = save;
  }

  private parseBlockScalar(header: string, lineNo: number, parentIndent: number): YNode {
    const m = /^([|>])([-+]?)(\s+#.*)?\s*$/.exec(header);
    if (!m) bail();
    const folded = m![1] === '>';
    const chomp = m![2];
    const body: string[] = [];
    let ln = lineNo + 1;
    let indent = -1;
    // Leading empty lines, then the first content line fixes the indentation.
    while (ln < this.lines.length) {
      const l = this.lines[ln]!;
      if (l.trim() === '') {
        // Whitespace-only lines: fine when empty; spaces on them are content or indentation depending on
        // the block's indent, a subtlety left to the library.
        if (l.length > 0) bail();
        body.push('');
        ln++;
        continue;
      }
      const ind = indentOf(l);
      if (indent < 0) {
        if (ind <= parentIndent) break;
        indent = ind;
      }
      if (ind < indent) break;
      body.push(l.slice(indent));
      ln++;
    }
    if (indent < 0) {
      // No content: an empty scalar; trailing blank lines belong to nobody in the clip/strip cases.
      if (chomp === '+') bail();
      this.i = lineNo + 1;
      return { kind: 'scalar', line: lineNo + 1, value: '', text: '' };
    }
    // Trailing blank lines are not part of the block's content lines.
    let end = body.length;
    while (end > 0 && body[end - 1] === '') end--;
    const trailing = body.length - end;
    this.i = ln;
    // Lines that are whitespace-only but shorter than the indent were pushed as ''; longer ones keep their extra spaces.
    const content = body.slice(0, end);
    let text: string;
    if (folded) {
      // Only the simple case: no more-indented or whitespace-leading lines (those keep newlines in subtle ways).
      if (content.some((l) => l.startsWith(' '))) bail();
      text = '';
      for (let k = 0; k < content.length; k++) {
        const l = content[k]!;
        if (k === 0) text = l;
        else if (l === '') text += '\n';
        else if (content[k - 1] === '') text += l;
        else text += ' ' + l;
      }
    } else text = content.join('\n');
    if (chomp === '-') {
      // strip
    } else if (chomp === '+') {
      text += '\n' + '\n'.repeat(trailing);
      if (this.i >= this.lines.length && trailing > 0) bail(); // end-of-file newline accounting: leave to the library
    } else text += '\n';
    return { kind: 'scalar', line: lineNo + 1, value: text, text };
  }
}

function indentOf(l: string): number {
  let k = 0;
  while (l.charCodeAt(k) === 32) k++;
  return k;
}

function isSeqStart(l: string, col: number): boolean {
  if (indentOf(l) !== col) return false;
  const r = l.slice(col);
  return r === '-' || r.startsWith('- ');
}

/** Does this text begin a `key: value` entry (plain or quoted key)? */
function startsMapEntry(s: string): boolean {
  const c = s[0];
  if (c === '"' || c === "'") {
    try {
      const { end } = c === '"' ? readDouble(s) : readSingle(s);
      return s[end] === ':' && (end + 1 === s.length || s[end + 1] === ' ');
    } catch (err) {
      if (err instanceof Bail) return false;
      throw err;
    }
  }
  if (c === '[' || c === '{' || c === '|' || c === '>' || c === '#' || c === '&' || c === '*' || c === '!' || c === '%' || c === '@' || c === '`') return false;
  if (c === '?' && (s.length === 1 || s[1] === ' ')) bail();
  for (let k = 0; k < s.length; k++) {
    const ch = s[k];
    if (ch === ':' && (k + 1 === s.length || s[k + 1] === ' ')) return true;
    if (ch === '#' && k > 0 && s[k - 1] === ' ') return false;
  }
  return false;
}

/** Reads `key:` at col; returns the key and the index just after the colon. */
function readKey(text: string, col: number): { key: string; valueStart: number } {
  const s = text.slice(col);
  const c = s[0];
  if (c === '"' || c === "'") {
    const { value, end } = c === '"' ? readDouble(s) : readSingle(s);
    if (s[end] !== ':') bail();
    return { key: value, valueStart: col + end + 1 };
  }
  for (let k = 0; k < s.length; k++) {
    if (s[k] === ':' && (k + 1 === s.length || s[k + 1] === ' ')) {
      const raw = s.slice(0, k).trimEnd();
      if (raw === '' || raw.includes(' #')) bail();
      // Plain keys are resolved like values (a key `on:` is the boolean true, stringified as "true").
      const r = resolvePlain(raw, 0);
      const key = r.value === null ? '' : goScalarString(r.value, raw);
      return { key, valueStart: col + k + 1 };
    }
  }
  return bail();
}

/** The plain scalar on the rest of a line: up to ` #`, trailing spaces removed. */
function plainEnd(s: string): string {
  let end = s.length;
  for (let k = 1; k < s.length; k++) {
    if (s[k] === '#' && s[k - 1] === ' ') {
      end = k;
      break;
    }
  }
  const v = s.slice(0, end).trimEnd();
  // `key: a: b` is an error in YAML; the library reports it.
  if (/: |:$/.test(v)) bail();
  return v;
}

/** After a quoted scalar or a flow collection only spaces and a comment may follow. */
function checkTail(t: string): void {
  const r = t.trimStart();
  if (r === '') return;
  if (r.startsWith('#') && r.length < t.length) return;
  bail();
}

function readSingle(s: string): { value: string; end: number } {
  let out = '';
  let k = 1;
  for (;;) {
    if (k >= s.length) bail();
    const ch = s[k]!;
    if (ch === "'") {
      if (s[k + 1] === "'") {
        out += "'";
        k += 2;
        continue;
      }
      return { value: out, end: k + 1 };
    }
    out += ch;
    k++;
  }
}

function readDouble(s: string): { value: string; end: number } {
  let out = '';
  let k = 1;
  for (;;) {
    if (k >= s.length) bail();
    const ch = s[k]!;
    if (ch === '"') return { value: out, end: k + 1 };
    if (ch === '\\') {
      const e = s[k + 1];
      if (e === undefined) bail();
      if (e === 'x' || e === 'u' || e === 'U') {
        const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const hex = s.slice(k + 2, k + 2 + len);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) bail();
        out += String.fromCodePoint(parseInt(hex, 16));
        k += 2 + len;
        continue;
      }
      const rep = ESCAPES[e!];
      if (rep === undefined) bail();
      out += rep;
      k += 2;
      continue;
    }
    out += ch;
    k++;
  }
}

/** One-line flow collections: `[a, "b", {c: d}]`. */
class FlowParser {
  pos = 0;
  constructor(
    private readonly s: string,
    private readonly line: number,
  ) {}

  private ws(): void {
    while (this.s[this.pos] === ' ') this.pos++;
  }

  parseValue(): YNode {
    this.ws();
    const c = this.s[this.pos];
    if (c === '[') return this.parseSeq();
    if (c === '{') return this.parseMap();
    if (c === '"' || c === "'") {
      const { value, end } = c === '"' ? readDouble(this.s.slice(this.pos)) : readSingle(this.s.slice(this.pos));
      this.pos += end;
      return { kind: 'scalar', line: this.line, value, text: value };
    }
    if (c === undefined || '&*!%@`?#|>'.includes(c)) bail();
    let k = this.pos;
    while (k < this.s.length && !',[]{}'.includes(this.s[k]!) && !(this.s[k] === ':' && (this.s[k + 1] === ' ' || this.s[k + 1] === ',' || this.s[k + 1] === '}' || this.s[k + 1] === ']' || k + 1 === this.s.length)) && !(this.s[k] === '#' && this.s[k - 1] === ' ')) k++;
    const raw = this.s.slice(this.pos, k).trimEnd();
    this.pos = k;
    if (raw === '' || raw === '-' || raw.startsWith('- ')) bail();
    return resolvePlain(raw, this.line);
  }

  private parseSeq(): YNode {
    this.pos++;
    const items: YNode[] = [];
    for (;;) {
      this.ws();
      if (this.s[this.pos] === ']') {
        this.pos++;
        return { kind: 'seq', line: this.line, items };
      }
      const v = this.parseValue();
      this.ws();
      if (this.s[this.pos] === ':') bail(); // single-pair maps inside [] are rare: the library knows them
      items.push(v);
      this.ws();
      if (this.s[this.pos] === ',') this.pos++;
      else if (this.s[this.pos] !== ']') bail();
    }
  }

  private parseMap(): YNode {
    this.pos++;
    const entries: YEntry[] = [];
    for (;;) {
      this.ws();
      if (this.s[this.pos] === '}') {
        this.pos++;
        return { kind: 'map', line: this.line, entries };
      }
      const k = this.parseValue();
      if (k.kind !== 'scalar') bail();
      this.ws();
      let value: YNode;
      if (this.s[this.pos] === ':') {
        this.pos++;
        this.ws();
        const nc = this.s[this.pos];
        value = nc === ',' || nc === '}' ? { kind: 'scalar', line: this.line, value: null, text: '' } : this.parseValue();
      } else value = { kind: 'scalar', line: this.line, value: null, text: '' };
      const kv = (k as YScalar).value;
      if (kv === '<<') bail();
      entries.push({ key: kv === null ? '' : goScalarString(kv, (k as YScalar).text), keyLine: this.line, value });
      this.ws();
      if (this.s[this.pos] === ',') this.pos++;
      else if (this.s[this.pos] !== '}') bail();
    }
  }
}

/** The fast parse, or undefined when the text needs the full YAML parser. */
export function parseYamlFast(src: string): { root: YNode | null } | undefined {
  try {
    return { root: new FastYaml(src).parse() };
  } catch (err) {
    if (err instanceof Bail) return undefined;
    throw err;
  }
}
