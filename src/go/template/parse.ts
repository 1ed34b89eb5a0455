// text/template's parser (text/template/parse/parse.go): the parse tree of actions, pipelines,
// commands and operands, with if/else if/with/range/break/continue. define, template and block are
// not supported: no Prow template uses them.
import { BOOL, INT, STRING, type Value } from '../reflect.js';
import { BUILTIN_FUNCS } from './funcs.js';
import { KEYWORDS, type Tok } from './lex.js';

export type Operand =
  | { k: 'field'; pos: number; chain: string[] }
  | { k: 'dot'; pos: number }
  | { k: 'var'; pos: number; name: string; chain: string[] }
  | { k: 'func'; pos: number; name: string }
  | { k: 'literal'; pos: number; value: Value }
  | { k: 'pipe'; pos: number; pipe: Pipe; chain: string[] };

export interface Command {
  pos: number;
  args: Operand[];
}

export interface Pipe {
  pos: number;
  decl: string[];
  assign: boolean;
  cmds: Command[];
}

export type TNode =
  | { k: 'text'; text: string }
  | { k: 'action'; pos: number; pipe: Pipe }
  | { k: 'if' | 'with'; pos: number; pipe: Pipe; list: TNode[]; elseList?: TNode[] }
  | { k: 'range'; pos: number; pipe: Pipe; list: TNode[]; elseList?: TNode[] }
  | { k: 'break' | 'continue'; pos: number };

export class Parser {
  private i = 0;
  private rangeDepth = 0;
  constructor(private readonly toks: Tok[], private readonly fail: (pos: number, msg: string) => never) {}

  private peek(offset = 0): Tok {
    return this.toks[Math.min(this.i + offset, this.toks.length - 1)]!;
  }

  private next(): Tok {
    const t = this.peek();
    this.i = Math.min(this.i + 1, this.toks.length - 1);
    return t;
  }

  parseTemplate(): TNode[] {
    const { list, stop } = this.parseList();
    if (stop) this.fail(stop.pos, `unexpected {{${stop.s}}}`);
    return list;
  }

  /** Parses items until {{end}}, {{else}} or EOF; returns the stopping keyword token (already consumed up to it). */
  private parseList(): { list: TNode[]; stop?: Tok } {
    const list: TNode[] = [];
    for (;;) {
      const t = this.peek();
      if (t.k === 'eof') return { list };
      if (t.k === 'text') { this.next(); list.push({ k: 'text', text: t.s }); continue; }
      // t is 'open'
      this.next();
      const kw = this.peek();
      if (kw.k === 'close') this.fail(kw.pos, 'missing value for command');
      if (kw.k === 'ident' && KEYWORDS.has(kw.s)) {
        switch (kw.s) {
          case 'end':
          case 'else':
            this.next();
            return { list, stop: kw };
          case 'if':
          case 'with':
          case 'range':
            this.next();
            list.push(this.parseControl(kw));
            continue;
          case 'break':
          case 'continue':
            this.next();
            if (this.rangeDepth === 0) this.fail(kw.pos, `{{${kw.s}}} outside {{range}}`);
            this.expectClose(kw.s);
            list.push({ k: kw.s, pos: kw.pos });
            continue;
          default:
            this.fail(kw.pos, `{{${kw.s}}} is not supported (define, template and block are not part of this subset)`);
        }
      }
      const pipe = this.parsePipe('command', false);
      list.push({ k: 'action', pos: kw.pos, pipe });
    }
  }

  private expectClose(context: string): void {
    const t = this.next();
    if (t.k !== 'close') this.fail(t.pos, `unexpected "${t.s}" in ${context}`);
  }

  private parseControl(kw: Tok): TNode {
    const kind = kw.s as 'if' | 'with' | 'range';
    const pipe = this.parsePipe(kind, false);
    if (kind === 'range') this.rangeDepth++;
    const body = this.parseList();
    if (kind === 'range') this.rangeDepth--;
    if (!body.stop) this.fail(kw.pos, `unexpected EOF: {{${kind}}} has no {{end}}`);
    let elseList: TNode[] | undefined;
    if (body.stop.s === 'else') {
      const after = this.peek();
      if (after.k === 'ident' && (after.s === 'if' || after.s === 'with')) {
        // {{else if x}} ≡ {{else}}{{if x}}…{{end}}{{end}}, sharing the single {{end}} (likewise else with).
        this.next();
        elseList = [this.parseControl(after)];
      } else {
        this.expectClose('else');
        const rest = this.parseList();
        if (!rest.stop) this.fail(kw.pos, `unexpected EOF: {{${kind}}} has no {{end}}`);
        if (rest.stop.s !== 'end') this.fail(rest.stop.pos, `expected {{end}}; found {{${rest.stop.s}}}`);
        this.expectClose('end');
        elseList = rest.list;
      }
    } else {
      this.expectClose('end');
    }
    const node = { k: kind, pos: kw.pos, pipe, list: body.list } as TNode & { elseList?: TNode[] };
    if (elseList) node.elseList = elseList;
    return node;
  }

  private parsePipe(context: string, inParens: boolean): Pipe {
    const start = this.peek();
    const decl: string[] = [];
    let assign = false;
    // Declarations: $x := …, $x = …, and for range: $i, $v := …
    if (start.k === 'var') {
      const t1 = this.peek(1);
      if (t1.k === 'declare' || t1.k === 'assign') {
        decl.push(start.s);
        assign = t1.k === 'assign';
        this.i += 2;
      } else if (t1.k === 'comma' && context === 'range' && this.peek(2).k === 'var' && this.peek(3).k === 'declare') {
        decl.push(start.s, this.peek(2).s);
        this.i += 4;
      } else if (t1.k === 'comma') {
        this.fail(t1.pos, `too many declarations in ${context}`);
      }
    }
    const cmds: Command[] = [];
    for (;;) {
      const t = this.peek();
      if (t.k === 'close' || t.k === 'rparen' || t.k === 'eof') {
        if (t.k === 'eof') this.fail(t.pos, 'unclosed action');
        if (t.k === 'rparen' && !inParens) this.fail(t.pos, 'unexpected right paren');
        if (t.k === 'close' && inParens) this.fail(t.pos, 'unclosed left paren');
        this.next();
        break;
      }
      cmds.push(this.parseCommand());
      const after = this.peek();
      if (after.k === 'pipe') {
        this.next();
        const n = this.peek();
        if (n.k === 'close' || n.k === 'rparen') this.fail(n.pos, 'missing command after |');
      }
    }
    if (cmds.length === 0) this.fail(start.pos, `missing value for ${context}`);
    for (let c = 1; c < cmds.length; c++) {
      const first = cmds[c]!.args[0]!;
      if (first.k !== 'func') this.fail(first.pos, `a pipeline stage after | must be a function call, not ${describeOperand(first)}`);
    }
    return { pos: start.pos, decl, assign, cmds };
  }

  private parseCommand(): Command {
    const pos = this.peek().pos;
    const args: Operand[] = [];
    for (;;) {
      const t = this.peek();
      if (t.k === 'close' || t.k === 'rparen' || t.k === 'pipe' || t.k === 'eof') break;
      if (args.length > 0 && !t.spaced && t.k !== 'lparen') this.fail(t.pos, `missing space before "${t.s}"`);
      args.push(this.parseOperand());
    }
    if (args.length === 0) this.fail(pos, 'empty command');
    const first = args[0]!;
    if (args.length > 1 && first.k !== 'func') {
      this.fail(first.pos, `can't give argument to non-function ${describeOperand(first)}`);
    }
    return { pos, args };
  }

  private parseChain(): string[] {
    const chain: string[] = [];
    while (this.peek().k === 'field' && !this.peek().spaced) chain.push(this.next().s);
    return chain;
  }

  private parseOperand(): Operand {
    const t = this.next();
    switch (t.k) {
      case 'field': {
        const chain = [t.s, ...this.parseChain()];
        return { k: 'field', pos: t.pos, chain };
      }
      case 'dot':
        if (this.peek().k === 'field' && !this.peek().spaced) this.fail(t.pos, 'unexpected . after term');
        return { k: 'dot', pos: t.pos };
      case 'var':
        return { k: 'var', pos: t.pos, name: t.s, chain: this.parseChain() };
      case 'ident':
        if (KEYWORDS.has(t.s)) this.fail(t.pos, `unexpected keyword "${t.s}" in command`);
        if (!BUILTIN_FUNCS.has(t.s)) this.fail(t.pos, `function "${t.s}" not defined`);
        return { k: 'func', pos: t.pos, name: t.s };
      case 'string':
        return { k: 'literal', pos: t.pos, value: { v: t.val, t: STRING } };
      case 'char':
      case 'number':
        return { k: 'literal', pos: t.pos, value: { v: t.val, t: Number.isInteger(t.val) ? INT : undefined } };
      case 'bool':
        return { k: 'literal', pos: t.pos, value: { v: t.val, t: BOOL } };
      case 'nil':
        return { k: 'literal', pos: t.pos, value: { v: null } };
      case 'lparen': {
        const pipe = this.parsePipe('parenthesized pipeline', true);
        return { k: 'pipe', pos: t.pos, pipe, chain: this.parseChain() };
      }
      default:
        return this.fail(t.pos, `unexpected "${t.s}" in operand`);
    }
  }
}

function describeOperand(o: Operand): string {
  switch (o.k) {
    case 'field': return `.${o.chain.join('.')}`;
    case 'var': return o.name + o.chain.map((c) => `.${c}`).join('');
    case 'dot': return '.';
    case 'literal': return JSON.stringify(o.value.v);
    case 'pipe': return '(…)';
    case 'func': return o.name;
  }
}
