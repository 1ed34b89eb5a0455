// text/template's lexer (text/template/parse/lex.go): text and actions, trim markers, comments, Go
// string, rune and number literals.

type TokKind =
  | 'text' | 'open' | 'close' | 'ident' | 'field' | 'var' | 'dot' | 'string' | 'char' | 'number'
  | 'bool' | 'nil' | 'pipe' | 'lparen' | 'rparen' | 'declare' | 'assign' | 'comma' | 'eof';

export interface Tok {
  k: TokKind;
  s: string;
  pos: number;
  /** Whitespace separates this token from the previous one (a field chain must not have any). */
  spaced: boolean;
  /** For string/char/number tokens: the decoded value. */
  val?: unknown;
}

export const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'break', 'continue', 'define', 'template', 'block']);
const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';
const isAlnum = (c: string | undefined): boolean => c !== undefined && /[\p{L}\p{N}_]/u.test(c);

export class Lexer {
  readonly toks: Tok[] = [];
  constructor(private readonly src: string, private readonly fail: (pos: number, msg: string) => never) {}

  run(): Tok[] {
    const src = this.src;
    let i = 0;
    let trimNext = false;
    while (i <= src.length) {
      const open = src.indexOf('{{', i);
      let text = open < 0 ? src.slice(i) : src.slice(i, open);
      let textPos = i;
      if (trimNext) {
        const trimmed = text.replace(/^[ \t\r\n]+/, '');
        textPos += text.length - trimmed.length;
        text = trimmed;
        trimNext = false;
      }
      if (open < 0) {
        if (text) this.toks.push({ k: 'text', s: text, pos: textPos, spaced: false });
        break;
      }
      const trimLeft = src[open + 2] === '-' && isSpace(src[open + 3]);
      if (trimLeft) text = text.replace(/[ \t\r\n]+$/, '');
      if (text) this.toks.push({ k: 'text', s: text, pos: textPos, spaced: false });
      let p = open + 2 + (trimLeft ? 2 : 0);
      if (trimLeft) while (isSpace(src[p])) p++;
      if (src.startsWith('/*', p)) {
        const end = src.indexOf('*/', p + 2);
        if (end < 0) this.fail(open, 'unclosed comment');
        p = end + 2;
        const close = this.closeAt(p, true);
        if (!close) this.fail(p, 'comment ends before closing delimiter');
        trimNext = close.trim;
        i = close.end;
        continue;
      }
      this.toks.push({ k: 'open', s: '{{', pos: open, spaced: false });
      const end = this.lexAction(p, open);
      trimNext = end.trim;
      i = end.end;
    }
    this.toks.push({ k: 'eof', s: '', pos: src.length, spaced: false });
    return this.toks;
  }

  /** Is there a closing delimiter at p (optionally after whitespace for ` -}}`)? */
  private closeAt(p: number, allowSpace: boolean): { end: number; trim: boolean } | undefined {
    const src = this.src;
    if (src.startsWith('}}', p)) return { end: p + 2, trim: false };
    if (allowSpace && isSpace(src[p])) {
      let q = p;
      while (isSpace(src[q])) q++;
      if (src.startsWith('-}}', q)) return { end: q + 3, trim: true };
      if (src.startsWith('}}', q)) return { end: q + 2, trim: false };
    }
    return undefined;
  }

  private lexAction(start: number, open: number): { end: number; trim: boolean } {
    const src = this.src;
    let p = start;
    let spaced = true;
    let parens = 0;
    const push = (k: TokKind, s: string, pos: number, val?: unknown): void => {
      this.toks.push(val === undefined ? { k, s, pos, spaced } : { k, s, pos, spaced, val });
      spaced = false;
    };
    for (;;) {
      if (p >= src.length) this.fail(open, 'unclosed action');
      const c = src[p]!;
      if (isSpace(c)) {
        let q = p;
        while (isSpace(src[q])) q++;
        if (src.startsWith('-}}', q)) {
          if (parens > 0) this.fail(q, 'unclosed left paren');
          this.toks.push({ k: 'close', s: '}}', pos: q, spaced: true });
          return { end: q + 3, trim: true };
        }
        spaced = true;
        p = q;
        continue;
      }
      if (src.startsWith('}}', p)) {
        if (parens > 0) this.fail(p, 'unclosed left paren');
        push('close', '}}', p);
        return { end: p + 2, trim: false };
      }
      if (c === '|') { push('pipe', c, p); p++; continue; }
      if (c === '(') { parens++; push('lparen', c, p); p++; continue; }
      if (c === ')') {
        if (parens === 0) this.fail(p, 'unexpected right paren');
        parens--; push('rparen', c, p); p++; continue;
      }
      if (c === ',') { push('comma', c, p); p++; continue; }
      if (src.startsWith(':=', p)) { push('declare', ':=', p); p += 2; continue; }
      if (c === '=') { push('assign', c, p); p++; continue; }
      if (c === '"') { p = this.lexQuoted(p, '"', push); continue; }
      if (c === "'") { p = this.lexQuoted(p, "'", push); continue; }
      if (c === '`') {
        const end = src.indexOf('`', p + 1);
        if (end < 0) this.fail(p, 'unterminated raw quoted string');
        push('string', src.slice(p, end + 1), p, src.slice(p + 1, end));
        p = end + 1;
        continue;
      }
      if (c === '.' && !/[0-9]/.test(src[p + 1] ?? '')) {
        if (isAlnum(src[p + 1])) {
          let q = p + 1;
          while (isAlnum(src[q])) q++;
          push('field', src.slice(p + 1, q), p);
          p = q;
        } else {
          push('dot', '.', p);
          p++;
        }
        continue;
      }
      if (c === '$') {
        let q = p + 1;
        while (isAlnum(src[q])) q++;
        push('var', src.slice(p, q), p);
        p = q;
        continue;
      }
      if (/[0-9.+-]/.test(c)) {
        const m = /^[+-]?(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|(?:[0-9][0-9_]*)?\.?[0-9_]*(?:[eE][+-]?[0-9_]+)?)/.exec(src.slice(p));
        const lit = m?.[0] ?? '';
        if (!/[0-9]/.test(lit) || isAlnum(src[p + lit.length])) this.fail(p, `bad number syntax: "${src.slice(p, p + Math.max(lit.length, 1) + 1)}"`);
        push('number', lit, p, parseGoNumber(lit, () => this.fail(p, `bad number syntax: "${lit}"`)));
        p += lit.length;
        continue;
      }
      if (isAlnum(c)) {
        let q = p;
        while (isAlnum(src[q])) q++;
        const word = src.slice(p, q);
        if (word === 'true' || word === 'false') push('bool', word, p, word === 'true');
        else if (word === 'nil') push('nil', word, p);
        else push('ident', word, p);
        p = q;
        continue;
      }
      this.fail(p, `unexpected "${c}" in command`);
    }
  }

  private lexQuoted(p: number, quote: string, push: (k: TokKind, s: string, pos: number, val?: unknown) => void): number {
    const src = this.src;
    let q = p + 1;
    let out = '';
    while (src[q] !== quote) {
      const ch = src[q];
      if (ch === undefined || ch === '\n') this.fail(p, quote === '"' ? 'unterminated quoted string' : 'unterminated character constant');
      if (ch === '\\') {
        const r = decodeEscape(src, q, quote);
        if (!r) this.fail(q, `invalid escape in quoted string`);
        out += r.s;
        q = r.next;
      } else {
        const cp = src.codePointAt(q)!;
        out += String.fromCodePoint(cp);
        q += cp > 0xffff ? 2 : 1;
      }
    }
    if (quote === "'") {
      const cps = [...out];
      if (cps.length !== 1) this.fail(p, `malformed character constant: ${src.slice(p, q + 1)}`);
      push('char', src.slice(p, q + 1), p, cps[0]!.codePointAt(0));
    } else {
      push('string', src.slice(p, q + 1), p, out);
    }
    return q + 1;
  }
}

function decodeEscape(src: string, q: number, quote: string): { s: string; next: number } | undefined {
  const e = src[q + 1];
  const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };
  if (e === undefined) return undefined;
  if (simple[e] !== undefined) return { s: simple[e]!, next: q + 2 };
  if (e === quote) return { s: quote, next: q + 2 };
  const hex = (n: number): { s: string; next: number } | undefined => {
    const h = src.slice(q + 2, q + 2 + n);
    if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(h)) return undefined;
    const code = parseInt(h, 16);
    if (n === 2) return { s: String.fromCharCode(code), next: q + 2 + n };
    if (code > 0x10ffff) return undefined;
    return { s: String.fromCodePoint(code), next: q + 2 + n };
  };
  if (e === 'x') return hex(2);
  if (e === 'u') return hex(4);
  if (e === 'U') return hex(8);
  if (/[0-7]/.test(e)) {
    const o = src.slice(q + 1, q + 4);
    if (!/^[0-7]{3}$/.test(o)) return undefined;
    return { s: String.fromCharCode(parseInt(o, 8)), next: q + 4 };
  }
  return undefined;
}

function parseGoNumber(lit: string, bad: () => never): number {
  const clean = lit.replace(/_/g, '');
  let sign = 1;
  let body = clean;
  if (body.startsWith('-')) { sign = -1; body = body.slice(1); } else if (body.startsWith('+')) body = body.slice(1);
  let n: number;
  if (/^0[xX]/.test(body)) n = parseInt(body.slice(2), 16);
  else if (/^0[bB]/.test(body)) n = parseInt(body.slice(2), 2);
  else if (/^0[oO]/.test(body)) n = parseInt(body.slice(2), 8);
  else if (/^0[0-7]+$/.test(body)) n = parseInt(body.slice(1), 8);
  else n = Number(body);
  if (!Number.isFinite(n)) bad();
  return sign * n;
}
