// ANSI SGR colours to HTML, shared by the server (first render of a log) and the browser (live chunks).
// Stateful so a colour that spans two streamed chunks, or an escape sequence cut in half, comes out right.
// No Node imports: esbuild bundles this file for the browser.

const ESC = '\u001b';
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeText = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

interface SgrState {
  fg?: string;
  bg?: string;
  bold: boolean;
  dim: boolean;
  italic: boolean;
  underline: boolean;
}

// Any CSI sequence (colours, cursor moves, erase-line) or a two-byte escape.
// eslint-disable-next-line no-control-regex
const SEQUENCE = /\u001b\[([0-9;?]*)([@-~])|\u001b[@-Z\\-_]/g;

export class AnsiToHtml {
  private readonly state: SgrState = { bold: false, dim: false, italic: false, underline: false };
  private pending = '';

  /** Converts the next piece of text; an escape sequence cut at the end is held for the next call. */
  push(text: string): string {
    let input = this.pending + text;
    this.pending = '';
    const lastEsc = input.lastIndexOf(ESC);
    if (lastEsc !== -1 && lastEsc > input.length - 32) {
      const tail = input.slice(lastEsc);
      SEQUENCE.lastIndex = 0;
      const m = SEQUENCE.exec(tail);
      if (!m || m.index !== 0) {
        this.pending = tail;
        input = input.slice(0, lastEsc);
      }
    }
    let out = '';
    let at = 0;
    SEQUENCE.lastIndex = 0;
    for (let m = SEQUENCE.exec(input); m; m = SEQUENCE.exec(input)) {
      out += this.span(input.slice(at, m.index));
      at = m.index + m[0].length;
      if (m[2] === 'm') this.apply(m[1] ?? '');
    }
    out += this.span(input.slice(at));
    return out;
  }

  private span(text: string): string {
    if (text === '') return '';
    const s = this.state;
    const classes: string[] = [];
    if (s.fg) classes.push(`ansi-fg-${s.fg}`);
    if (s.bg) classes.push(`ansi-bg-${s.bg}`);
    if (s.bold) classes.push('ansi-bold');
    if (s.dim) classes.push('ansi-dim');
    if (s.italic) classes.push('ansi-italic');
    if (s.underline) classes.push('ansi-underline');
    const escaped = escapeText(text);
    return classes.length ? `<span class="${classes.join(' ')}">${escaped}</span>` : escaped;
  }

  private apply(params: string): void {
    const codes = params === '' ? [0] : params.split(';').map((p) => (p === '' ? 0 : Number(p)));
    const s = this.state;
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i] ?? 0;
      if (c === 0) {
        s.bold = s.dim = s.italic = s.underline = false;
        delete s.fg;
        delete s.bg;
      } else if (c === 1) s.bold = true;
      else if (c === 2) s.dim = true;
      else if (c === 3) s.italic = true;
      else if (c === 4) s.underline = true;
      else if (c === 22) s.bold = s.dim = false;
      else if (c === 23) s.italic = false;
      else if (c === 24) s.underline = false;
      else if (c >= 30 && c <= 37) s.fg = String(c - 30);
      else if (c >= 90 && c <= 97) s.fg = String(c - 90 + 8);
      else if (c === 39) delete s.fg;
      else if (c >= 40 && c <= 47) s.bg = String(c - 40);
      else if (c >= 100 && c <= 107) s.bg = String(c - 100 + 8);
      else if (c === 49) delete s.bg;
      else if (c === 38 || c === 48) {
        // 256-colour (5;n) keeps the 16 basic colours and drops the rest; true colour (2;r;g;b) is dropped.
        const mode = codes[i + 1];
        if (mode === 5) {
          const n = codes[i + 2] ?? 0;
          if (n < 16) {
            if (c === 38) s.fg = String(n);
            else s.bg = String(n);
          }
          i += 2;
        } else if (mode === 2) {
          i += 4;
        }
      }
    }
  }
}

/** One-shot conversion of a whole text. */
export function ansiToHtml(text: string): string {
  return new AnsiToHtml().push(text);
}
