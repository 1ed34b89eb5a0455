// A Go text/template subset for the templates Prow's config carries (plank.job_url_template,
// plank.report_templates, slack report_template). Templates parse once, at compile time; syntax errors
// and unsupported constructs throw TemplateError with line and column. Data addressed with Go field names
// (`.Spec.Refs.BaseSHA`) resolves against our upstream-shaped objects (`spec.refs.base_sha`) through a
// Go type table for the ProwJob, and through a name fallback for everything else (docs/prowjob.md).
import type { Refs } from '../api/prowjob.js';
import { orgRepoString, refsString } from '../api/prowjob.js';

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
  constructor(
    readonly template: string,
    readonly line: number,
    readonly column: number,
    readonly detail: string,
    options?: ErrorOptions,
  ) {
    super(`template: ${template}:${line}:${column}: ${detail}`, options);
  }
}

// ---------------------------------------------------------------------------------------------
// Go types: enough of reflect to give ProwJob data Go semantics (zero values, nil pointers, Stringer).

export type GoType =
  | { kind: 'string' | 'int' | 'bool' | 'time' | 'dynamic' }
  | { kind: 'struct'; name: string; fields: Record<string, GoField>; methods?: Record<string, (v: any) => Value> }
  | { kind: 'ptr'; elem: GoType }
  | { kind: 'slice'; elem: GoType }
  | { kind: 'map'; elem: GoType };

/** `json` is the key path inside the object (a promoted field such as ObjectMeta.Name has two steps). */
export interface GoField {
  json: string[];
  type: GoType;
}

/** A value during execution: the JS value plus its Go type when known (undefined type = dynamic data). */
interface Value {
  v: unknown;
  t?: GoType;
}

const STRING: GoType = { kind: 'string' };
const INT: GoType = { kind: 'int' };
const BOOL: GoType = { kind: 'bool' };
const TIME: GoType = { kind: 'time' };
const DYN: GoType = { kind: 'dynamic' };
const ptr = (elem: GoType): GoType => ({ kind: 'ptr', elem });
const slice = (elem: GoType): GoType => ({ kind: 'slice', elem });
const mapOf = (elem: GoType): GoType => ({ kind: 'map', elem });

function struct(
  name: string,
  fields: Record<string, [string | string[], GoType]>,
  methods?: Record<string, (v: any) => Value>,
): GoType {
  const out: Record<string, GoField> = {};
  for (const [goName, [json, type]] of Object.entries(fields)) {
    out[goName] = { json: Array.isArray(json) ? json : [json], type };
  }
  return methods ? { kind: 'struct', name, fields: out, methods } : { kind: 'struct', name, fields: out };
}

const PULL_TYPE = struct('v1.Pull', {
  Number: ['number', INT],
  Author: ['author', STRING],
  SHA: ['sha', STRING],
  Title: ['title', STRING],
  Ref: ['ref', STRING],
  HeadRef: ['head_ref', STRING],
  Link: ['link', STRING],
  CommitLink: ['commit_link', STRING],
  AuthorLink: ['author_link', STRING],
});

const REFS_TYPE = struct(
  'v1.Refs',
  {
    Org: ['org', STRING],
    Repo: ['repo', STRING],
    RepoLink: ['repo_link', STRING],
    BaseRef: ['base_ref', STRING],
    BaseSHA: ['base_sha', STRING],
    BaseLink: ['base_link', STRING],
    Pulls: ['pulls', slice(PULL_TYPE)],
    PathAlias: ['path_alias', STRING],
    WorkDir: ['workdir', BOOL],
    Auxiliary: ['auxiliary', BOOL],
    CloneURI: ['clone_uri', STRING],
    SkipSubmodules: ['skip_submodules', BOOL],
    CloneDepth: ['clone_depth', INT],
    SkipFetchHead: ['skip_fetch_head', BOOL],
    BloblessFetch: ['blobless_fetch', ptr(BOOL)],
    SparseCheckoutFiles: ['sparse_checkout_files', slice(STRING)],
  },
  {
    String: (r: Refs) => ({ v: refsString(r), t: STRING }),
    OrgRepoString: (r: Refs) => ({ v: orgRepoString(r), t: STRING }),
  },
);

const OBJECT_META_FIELDS: Record<string, [string | string[], GoType]> = {
  Name: ['name', STRING],
  GenerateName: ['generateName', STRING],
  Namespace: ['namespace', STRING],
  UID: ['uid', STRING],
  ResourceVersion: ['resourceVersion', STRING],
  Generation: ['generation', INT],
  CreationTimestamp: ['creationTimestamp', TIME],
  DeletionTimestamp: ['deletionTimestamp', ptr(TIME)],
  Labels: ['labels', mapOf(STRING)],
  Annotations: ['annotations', mapOf(STRING)],
  Finalizers: ['finalizers', slice(STRING)],
};

const OBJECT_META_TYPE = struct('v1.ObjectMeta', OBJECT_META_FIELDS);

const SPEC_TYPE = struct('v1.ProwJobSpec', {
  Type: ['type', STRING],
  Agent: ['agent', STRING],
  Cluster: ['cluster', STRING],
  Namespace: ['namespace', STRING],
  Job: ['job', STRING],
  Refs: ['refs', ptr(REFS_TYPE)],
  ExtraRefs: ['extra_refs', slice(REFS_TYPE)],
  Report: ['report', BOOL],
  Context: ['context', STRING],
  RerunCommand: ['rerun_command', STRING],
  MaxConcurrency: ['max_concurrency', INT],
  ErrorOnEviction: ['error_on_eviction', BOOL],
  PodSpec: ['pod_spec', DYN],
  JenkinsSpec: ['jenkins_spec', DYN],
  PipelineRunSpec: ['pipeline_run_spec', DYN],
  TektonPipelineRunSpec: ['tekton_pipeline_run_spec', DYN],
  DecorationConfig: ['decoration_config', DYN],
  ReporterConfig: ['reporter_config', DYN],
  RerunAuthConfig: ['rerun_auth_config', DYN],
  Hidden: ['hidden', BOOL],
  ProwJobDefault: ['prowjob_defaults', DYN],
  JobQueueName: ['job_queue_name', STRING],
});

const STATUS_TYPE = struct('v1.ProwJobStatus', {
  StartTime: ['startTime', TIME],
  PendingTime: ['pendingTime', ptr(TIME)],
  CompletionTime: ['completionTime', ptr(TIME)],
  State: ['state', STRING],
  Description: ['description', STRING],
  URL: ['url', STRING],
  PodRevivalCount: ['pod_revival_count', INT],
  PodName: ['pod_name', STRING],
  BuildID: ['build_id', STRING],
  JenkinsBuildID: ['jenkins_build_id', STRING],
  PrevReportStates: ['prev_report_states', mapOf(STRING)],
});

const promotedMeta: Record<string, [string[], GoType]> = {};
for (const [goName, [json, type]] of Object.entries(OBJECT_META_FIELDS)) {
  promotedMeta[goName] = [['metadata', ...(Array.isArray(json) ? json : [json])], type];
}

/** The ProwJob as Go's text/template sees it (TypeMeta and ObjectMeta are embedded, so `.Name` works). */
export const PROWJOB_GO_TYPE: GoType = struct(
  'v1.ProwJob',
  {
    Kind: ['kind', STRING],
    APIVersion: ['apiVersion', STRING],
    ObjectMeta: ['metadata', OBJECT_META_TYPE],
    ...promotedMeta,
    Spec: ['spec', SPEC_TYPE],
    Status: ['status', STATUS_TYPE],
  },
  {
    Complete: (pj: { status?: { completionTime?: string } }) => ({ v: Boolean(pj.status?.completionTime), t: BOOL }),
    ClusterAlias: (pj: { spec?: { cluster?: string } }) => ({ v: pj.spec?.cluster || 'default', t: STRING }),
  },
);

/** The Go-name → JSON-key table for the ProwJob, flattened: `Spec.Refs.BaseSHA` → `spec.refs.base_sha`. */
export function prowJobGoFieldTable(): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (t: GoType, goPrefix: string, jsonPrefix: string, depth: number): void => {
    if (depth > 4) return;
    const base = t.kind === 'ptr' || t.kind === 'slice' ? t.elem : t;
    if (base.kind !== 'struct') return;
    for (const [goName, f] of Object.entries(base.fields)) {
      if (f.json.length === 0) continue;
      const goPath = goPrefix ? `${goPrefix}.${goName}` : goName;
      const jsonPath = jsonPrefix ? `${jsonPrefix}.${f.json.join('.')}` : f.json.join('.');
      out[goPath] = jsonPath;
      walk(f.type, goPath, jsonPath, depth + 1);
    }
  };
  walk(PROWJOB_GO_TYPE, '', '', 0);
  return out;
}

/** Go-style snake case: BuildID → build_id, BaseSHA → base_sha, PodSpec → pod_spec. */
export function goNameToSnake(name: string): string {
  let out = '';
  for (let i = 0; i < name.length; i++) {
    const c = name[i]!;
    const prev = name[i - 1];
    const next = name[i + 1];
    const isUpper = c >= 'A' && c <= 'Z';
    if (isUpper && i > 0 && prev !== undefined) {
      const prevLowerOrDigit = (prev >= 'a' && prev <= 'z') || (prev >= '0' && prev <= '9');
      const prevUpper = prev >= 'A' && prev <= 'Z';
      const nextLower = next !== undefined && next >= 'a' && next <= 'z';
      if (prevLowerOrDigit || (prevUpper && nextLower)) out += '_';
    }
    out += c.toLowerCase();
  }
  return out;
}

/** Look a Go field name up in a plain object: exact key, snake_case, case-insensitive, then ignoring `_`. */
function lookupKey(obj: Record<string, unknown>, name: string): string | undefined {
  if (Object.hasOwn(obj, name)) return name;
  const snake = goNameToSnake(name);
  if (Object.hasOwn(obj, snake)) return snake;
  const lower = name.toLowerCase();
  const keys = Object.keys(obj);
  const ci = keys.find((k) => k.toLowerCase() === lower);
  if (ci !== undefined) return ci;
  return keys.find((k) => k.replace(/_/g, '').toLowerCase() === lower);
}

function isProwJobShaped(data: unknown): boolean {
  if (!isObject(data)) return false;
  if (data['kind'] === 'ProwJob' && typeof data['apiVersion'] === 'string' && data['apiVersion'].startsWith('prow.k8s.io/')) return true;
  return isObject(data['spec']) && isObject(data['status']) && typeof data['spec']['job'] === 'string';
}

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ---------------------------------------------------------------------------------------------
// Lexer

type TokKind =
  | 'text' | 'open' | 'close' | 'ident' | 'field' | 'var' | 'dot' | 'string' | 'char' | 'number'
  | 'bool' | 'nil' | 'pipe' | 'lparen' | 'rparen' | 'declare' | 'assign' | 'comma' | 'eof';

interface Tok {
  k: TokKind;
  s: string;
  pos: number;
  /** Whitespace separates this token from the previous one (a field chain must not have any). */
  spaced: boolean;
  /** For string/char/number tokens: the decoded value. */
  val?: unknown;
}

const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'break', 'continue', 'define', 'template', 'block']);
const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';
const isAlnum = (c: string | undefined): boolean => c !== undefined && /[\p{L}\p{N}_]/u.test(c);

class Lexer {
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

// ---------------------------------------------------------------------------------------------
// Parse tree

type Operand =
  | { k: 'field'; pos: number; chain: string[] }
  | { k: 'dot'; pos: number }
  | { k: 'var'; pos: number; name: string; chain: string[] }
  | { k: 'func'; pos: number; name: string }
  | { k: 'literal'; pos: number; value: Value }
  | { k: 'pipe'; pos: number; pipe: Pipe; chain: string[] };

interface Command {
  pos: number;
  args: Operand[];
}

interface Pipe {
  pos: number;
  decl: string[];
  assign: boolean;
  cmds: Command[];
}

type TNode =
  | { k: 'text'; text: string }
  | { k: 'action'; pos: number; pipe: Pipe }
  | { k: 'if' | 'with'; pos: number; pipe: Pipe; list: TNode[]; elseList?: TNode[] }
  | { k: 'range'; pos: number; pipe: Pipe; list: TNode[]; elseList?: TNode[] }
  | { k: 'break' | 'continue'; pos: number };

const FUNCS = new Set([
  'and', 'or', 'not', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'index', 'len', 'slice', 'printf', 'print', 'println',
  'html', 'urlquery', 'js',
]);

class Parser {
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
        if (!FUNCS.has(t.s)) this.fail(t.pos, `function "${t.s}" not defined`);
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

// ---------------------------------------------------------------------------------------------
// Execution

export interface RenderOptions {
  /** The Go type of the data. Default: the ProwJob type when the data looks like a ProwJob, else dynamic. */
  type?: GoType;
}

export interface GoTemplate {
  readonly name: string;
  readonly source: string;
  render(data: unknown, options?: RenderOptions): string;
}

class BreakSignal {}
class ContinueSignal {}

export function compileGoTemplate(source: string, name = 'template'): GoTemplate {
  const fail = (pos: number, msg: string): never => {
    const { line, column } = lineCol(source, pos);
    throw new TemplateError(name, line, column, msg);
  };
  const toks = new Lexer(source, fail).run();
  const tree = new Parser(toks, fail).parseTemplate();
  return {
    name,
    source,
    render(data: unknown, options?: RenderOptions): string {
      const type = options?.type ?? (isProwJobShaped(data) ? PROWJOB_GO_TYPE : undefined);
      const root: Value = type ? { v: data, t: type } : { v: data };
      const exec = new Exec(source, name, root);
      exec.walkList(root, tree);
      return exec.out.join('');
    },
  };
}

function lineCol(src: string, pos: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < pos && i < src.length; i++) {
    if (src[i] === '\n') { line++; lineStart = i + 1; }
  }
  return { line, column: pos - lineStart + 1 };
}

class Exec {
  readonly out: string[] = [];
  private vars: { name: string; val: Value }[];
  constructor(private readonly src: string, private readonly name: string, root: Value) {
    this.vars = [{ name: '$', val: root }];
  }

  fail(pos: number, msg: string): never {
    const { line, column } = lineCol(this.src, pos);
    throw new TemplateError(this.name, line, column, `executing: ${msg}`);
  }

  walkList(dot: Value, list: TNode[]): void {
    for (const n of list) this.walk(dot, n);
  }

  private scoped(fn: () => void): void {
    const mark = this.vars.length;
    try { fn(); } finally { this.vars.length = mark; }
  }

  private walk(dot: Value, n: TNode): void {
    switch (n.k) {
      case 'text':
        this.out.push(n.text);
        return;
      case 'action': {
        const val = this.evalPipe(dot, n.pipe);
        if (n.pipe.decl.length === 0) this.out.push(printTop(val));
        return;
      }
      case 'if':
      case 'with':
        this.scoped(() => {
          const val = this.evalPipe(dot, n.pipe);
          if (truth(val)) this.walkList(n.k === 'with' ? val : dot, n.list);
          else if (n.elseList) this.walkList(dot, n.elseList);
        });
        return;
      case 'range':
        this.scoped(() => this.walkRange(dot, n));
        return;
      case 'break':
        throw new BreakSignal();
      case 'continue':
        throw new ContinueSignal();
    }
  }

  private walkRange(dot: Value, n: Extract<TNode, { k: 'range' }>): void {
    const decl = n.pipe.decl;
    const val = this.evalPipe(dot, { ...n.pipe, decl: [] });
    const items: [Value, Value][] = [];
    const v = val.v;
    const t = derefType(val.t);
    if (v === undefined || v === null) {
      // nil ranges as empty
    } else if (Array.isArray(v)) {
      const elemT = t?.kind === 'slice' ? t.elem : undefined;
      v.forEach((e, i) => items.push([{ v: i, t: INT }, elemT ? withZero(e, elemT) : { v: e }]));
    } else if (isObject(v) && t?.kind !== 'struct') {
      const elemT = t?.kind === 'map' ? t.elem : undefined;
      for (const k of Object.keys(v).sort()) items.push([{ v: k, t: STRING }, elemT ? withZero(v[k], elemT) : { v: v[k] }]);
    } else if (typeof v === 'number' && Number.isInteger(v)) {
      for (let i = 0; i < v; i++) items.push([{ v: i, t: INT }, { v: i, t: INT }]);
    } else {
      this.fail(n.pos, `range can't iterate over ${printValue(val, false)}`);
    }
    if (items.length === 0) {
      if (n.elseList) this.walkList(dot, n.elseList);
      return;
    }
    const mark = this.vars.length;
    for (const [key, elem] of items) {
      this.vars.length = mark;
      if (decl.length === 1) this.vars.push({ name: decl[0]!, val: elem });
      if (decl.length === 2) this.vars.push({ name: decl[0]!, val: key }, { name: decl[1]!, val: elem });
      try {
        this.walkList(elem, n.list);
      } catch (e) {
        if (e instanceof BreakSignal) break;
        if (e instanceof ContinueSignal) continue;
        throw e;
      }
    }
  }

  private evalPipe(dot: Value, pipe: Pipe): Value {
    let val: Value | undefined;
    for (const cmd of pipe.cmds) val = this.evalCommand(dot, cmd, val);
    const result = val!;
    if (pipe.decl.length > 0) {
      const name = pipe.decl[0]!;
      if (pipe.assign) {
        const slot = [...this.vars].reverse().find((x) => x.name === name);
        if (!slot) this.fail(pipe.pos, `undefined variable: ${name}`);
        slot.val = result;
      } else {
        this.vars.push({ name, val: result });
      }
    }
    return result;
  }

  private evalCommand(dot: Value, cmd: Command, final: Value | undefined): Value {
    const first = cmd.args[0]!;
    if (first.k === 'func') {
      return this.callFunc(dot, first, cmd.args.slice(1), final);
    }
    return this.evalOperand(dot, first);
  }

  private evalOperand(dot: Value, o: Operand): Value {
    switch (o.k) {
      case 'dot':
        return dot;
      case 'field':
        return this.evalChain(dot, o.chain, o.pos, '');
      case 'var': {
        const slot = [...this.vars].reverse().find((x) => x.name === o.name);
        if (!slot) return this.fail(o.pos, `undefined variable: ${o.name}`);
        return this.evalChain(slot.val, o.chain, o.pos, o.name);
      }
      case 'literal':
        return o.value;
      case 'pipe':
        return this.scopedValue(() => this.evalChain(this.evalPipe(dot, o.pipe), o.chain, o.pos, '(…)'));
      case 'func':
        return this.callFunc(dot, o, [], undefined);
    }
  }

  private scopedValue(fn: () => Value): Value {
    const mark = this.vars.length;
    try { return fn(); } finally { this.vars.length = mark; }
  }

  private evalChain(recv: Value, chain: string[], pos: number, prefix: string): Value {
    let cur = recv;
    let path = prefix;
    for (const field of chain) {
      cur = this.getField(cur, field, pos, path);
      path += `.${field}`;
    }
    return cur;
  }

  private getField(recv: Value, field: string, pos: number, path: string): Value {
    let t = recv.t;
    let v = recv.v;
    if (t?.kind === 'ptr') {
      if (v === undefined || v === null) return this.fail(pos, `nil pointer evaluating ${typeName(t)}.${field}`);
      t = t.elem;
    }
    if (v === undefined || v === null) {
      return this.fail(pos, `nil pointer evaluating interface {}.${field} (at ${path || '.'})`);
    }
    if (t?.kind === 'struct') {
      const method = t.methods?.[field];
      if (method) return method(v);
      const def = t.fields[field];
      if (def) {
        let raw: unknown = v;
        for (const k of def.json) raw = isObject(raw) ? raw[k] : undefined;
        return withZero(raw, def.type);
      }
      if (isObject(v)) {
        const key = lookupKey(v, field);
        if (key !== undefined) return { v: v[key] };
      }
      return this.fail(pos, `can't evaluate field ${field} in type ${t.name}`);
    }
    if (t?.kind === 'map') {
      if (!isObject(v)) return this.fail(pos, `can't evaluate field ${field} in type ${typeName(t)}`);
      return withZero(Object.hasOwn(v, field) ? v[field] : undefined, t.elem);
    }
    if (t && t.kind !== 'dynamic') return this.fail(pos, `can't evaluate field ${field} in type ${typeName(t)}`);
    if (!isObject(v)) return this.fail(pos, `can't evaluate field ${field} in type ${dynTypeName(v)}`);
    const key = lookupKey(v, field);
    return { v: key === undefined ? undefined : v[key] };
  }

  private callFunc(dot: Value, fn: { name: string; pos: number }, argOps: Operand[], final: Value | undefined): Value {
    const pos = fn.pos;
    // and/or short-circuit (Go 1.18+): evaluate lazily and return the deciding operand itself.
    if (fn.name === 'and' || fn.name === 'or') {
      const thunks: (() => Value)[] = argOps.map((a) => () => this.evalOperand(dot, a));
      if (final) thunks.push(() => final);
      if (thunks.length === 0) this.fail(pos, `wrong number of args for ${fn.name}: want at least 1 got 0`);
      let last: Value = { v: undefined };
      for (const th of thunks) {
        last = th();
        if (fn.name === 'and' ? !truth(last) : truth(last)) return last;
      }
      return last;
    }
    const args = argOps.map((a) => this.evalOperand(dot, a));
    if (final) args.push(final);
    const need = (min: number, max = min): void => {
      if (args.length < min || args.length > max) {
        const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min}..${max}`;
        this.fail(pos, `wrong number of args for ${fn.name}: want ${want} got ${args.length}`);
      }
    };
    switch (fn.name) {
      case 'not':
        need(1);
        return { v: !truth(args[0]!), t: BOOL };
      case 'eq': {
        need(2, Infinity);
        const a = args[0]!;
        for (const b of args.slice(1)) if (this.compare(pos, 'eq', a, b) === 0) return { v: true, t: BOOL };
        return { v: false, t: BOOL };
      }
      case 'ne':
        need(2);
        return { v: this.compare(pos, 'ne', args[0]!, args[1]!) !== 0, t: BOOL };
      case 'lt': case 'le': case 'gt': case 'ge': {
        need(2);
        const c = this.compare(pos, fn.name, args[0]!, args[1]!, true);
        const r = fn.name === 'lt' ? c < 0 : fn.name === 'le' ? c <= 0 : fn.name === 'gt' ? c > 0 : c >= 0;
        return { v: r, t: BOOL };
      }
      case 'len': {
        need(1);
        const v = args[0]!.v;
        if (typeof v === 'string') return { v: Buffer.byteLength(v), t: INT };
        if (Array.isArray(v)) return { v: v.length, t: INT };
        if (isObject(v) && derefType(args[0]!.t)?.kind !== 'struct') return { v: Object.keys(v).length, t: INT };
        if ((v === undefined || v === null) && args[0]!.t && ['slice', 'map'].includes(args[0]!.t.kind)) return { v: 0, t: INT };
        return this.fail(pos, `error calling len: len of ${v === undefined || v === null ? 'nil pointer' : `type ${dynTypeName(v)}`}`);
      }
      case 'index': {
        need(1, Infinity);
        let cur = args[0]!;
        for (const idx of args.slice(1)) cur = this.index(pos, cur, idx);
        return cur;
      }
      case 'slice': {
        need(1, 3);
        const base = args[0]!;
        const v = base.v;
        const nums = args.slice(1).map((a) => {
          if (typeof a.v !== 'number' || !Number.isInteger(a.v)) this.fail(pos, 'error calling slice: cannot index slice/array with non-integer');
          return a.v as number;
        });
        if (typeof v !== 'string' && !Array.isArray(v)) return this.fail(pos, `error calling slice: can't slice item of type ${dynTypeName(v)}`);
        const len = typeof v === 'string' ? Buffer.byteLength(v) : v.length;
        const lo = nums[0] ?? 0;
        const hi = nums[1] ?? len;
        if (lo < 0 || hi < lo || hi > len) this.fail(pos, `error calling slice: index out of range: ${hi > len ? hi : lo}`);
        if (typeof v === 'string') return { v: Buffer.from(v).subarray(lo, hi).toString(), t: STRING };
        return { v: v.slice(lo, hi), ...(base.t ? { t: base.t } : {}) };
      }
      case 'print':
        return { v: sprint(args), t: STRING };
      case 'println':
        return { v: args.map((a) => printValue(a, false)).join(' ') + '\n', t: STRING };
      case 'printf': {
        need(1, Infinity);
        const f = args[0]!;
        if (typeof f.v !== 'string') this.fail(pos, 'error calling printf: format must be a string');
        return { v: sprintf(f.v as string, args.slice(1)), t: STRING };
      }
      case 'html':
        return { v: htmlEscape(evalArgsString(args)), t: STRING };
      case 'urlquery':
        return { v: queryEscape(evalArgsString(args)), t: STRING };
      case 'js':
        return { v: jsEscape(evalArgsString(args)), t: STRING };
      default:
        return this.fail(pos, `function "${fn.name}" not defined`);
    }
  }

  private index(pos: number, cur: Value, idx: Value): Value {
    let t = cur.t;
    const v = cur.v;
    if (t?.kind === 'ptr') t = t.elem;
    if (v === undefined || v === null) return this.fail(pos, 'error calling index: index of untyped nil');
    if (Array.isArray(v) || typeof v === 'string') {
      if (typeof idx.v !== 'number' || !Number.isInteger(idx.v)) return this.fail(pos, `error calling index: cannot index slice/array with type ${dynTypeName(idx.v)}`);
      const len = typeof v === 'string' ? Buffer.byteLength(v) : v.length;
      if (idx.v < 0 || idx.v >= len) return this.fail(pos, `error calling index: index out of range: ${idx.v}`);
      if (typeof v === 'string') return { v: Buffer.from(v)[idx.v], t: INT };
      const elemT = t?.kind === 'slice' ? t.elem : undefined;
      return elemT ? withZero(v[idx.v], elemT) : { v: v[idx.v] };
    }
    if (isObject(v) && t?.kind !== 'struct') {
      if (typeof idx.v !== 'string') return this.fail(pos, `error calling index: value has type ${dynTypeName(idx.v)}; should be string`);
      const has = Object.hasOwn(v, idx.v);
      if (t?.kind === 'map') return withZero(has ? v[idx.v] : undefined, t.elem);
      return { v: has ? v[idx.v] : undefined };
    }
    return this.fail(pos, `error calling index: can't index item of type ${t ? typeName(t) : dynTypeName(v)}`);
  }

  /** Go's eq/lt rules for basic kinds: strings with strings, numbers with numbers, bools (eq/ne only). */
  private compare(pos: number, fn: string, a: Value, b: Value, ordered = false): number {
    const av = a.v ?? null;
    const bv = b.v ?? null;
    if (av === null || bv === null) {
      if (ordered) this.fail(pos, `error calling ${fn}: invalid type for comparison`);
      return av === bv ? 0 : 1;
    }
    const ka = typeof av;
    const kb = typeof bv;
    if (ka === 'object' || kb === 'object') {
      this.fail(pos, `error calling ${fn}: non-comparable type ${dynTypeName(ka === 'object' ? av : bv)}`);
    }
    if (ka !== kb) this.fail(pos, `error calling ${fn}: incompatible types for comparison`);
    if (ka === 'boolean') {
      if (ordered) this.fail(pos, `error calling ${fn}: invalid type for comparison`);
      return av === bv ? 0 : 1;
    }
    if (ka === 'string') return av === bv ? 0 : (av as string) < (bv as string) ? -1 : 1;
    return (av as number) === (bv as number) ? 0 : (av as number) < (bv as number) ? -1 : 1;
  }
}

function derefType(t: GoType | undefined): GoType | undefined {
  return t?.kind === 'ptr' ? t.elem : t;
}

/** A field of a Go struct always exists: an absent JSON key reads as the zero value of its type. */
function withZero(raw: unknown, t: GoType): Value {
  if (raw !== undefined && raw !== null) return { v: raw, t };
  switch (t.kind) {
    case 'string': return { v: '', t };
    case 'int': return { v: 0, t };
    case 'bool': return { v: false, t };
    case 'struct': return { v: {}, t };
    case 'time': return { v: '', t };
    default: return { v: null, t };
  }
}

function typeName(t: GoType): string {
  switch (t.kind) {
    case 'struct': return t.name;
    case 'ptr': return `*${typeName(t.elem)}`;
    case 'slice': return `[]${typeName(t.elem)}`;
    case 'map': return `map[string]${typeName(t.elem)}`;
    case 'time': return 'v1.Time';
    case 'dynamic': return 'interface {}';
    default: return t.kind;
  }
}

function dynTypeName(v: unknown): string {
  if (v === undefined || v === null) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float64';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}

/** Go's truth(): false, 0, "", nil, and empty slices and maps are false; structs are always true. */
function truth(val: Value): boolean {
  const v = val.v;
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (val.t?.kind === 'time') return true;
  if (typeof v === 'string') return v !== '';
  if (Array.isArray(v)) return v.length > 0;
  const t = derefType(val.t);
  if (t?.kind === 'struct' || val.t?.kind === 'ptr') return true;
  return Object.keys(v as object).length > 0;
}

// ---------------------------------------------------------------------------------------------
// Printing (fmt semantics for the values we carry)

const GO_ZERO_TIME = '0001-01-01 00:00:00 +0000 UTC';

/** time.Time.String() in UTC for an RFC 3339 timestamp. */
function goTimeString(s: string): string {
  if (!s) return GO_ZERO_TIME;
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m) return s;
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return s;
  const iso = d.toISOString();
  let frac = (m[3] ?? '').replace(/0+$/, '');
  if (frac === '.') frac = '';
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac} +0000 UTC`;
}

function printTop(val: Value): string {
  if ((val.v === undefined || val.v === null) && (!val.t || val.t.kind === 'dynamic')) return '<no value>';
  return printValue(val, true);
}

function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN';
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e21)) {
    return n.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  }
  return String(n);
}

function printValue(val: Value, top: boolean): string {
  const { v, t } = val;
  if (t?.kind === 'struct' && t.methods?.['String'] && isObject(v)) return String(t.methods['String'](v).v);
  if (t?.kind === 'ptr' && t.elem.kind === 'struct' && t.elem.methods?.['String'] && isObject(v)) {
    return String(t.elem.methods['String'](v).v);
  }
  if (t?.kind === 'time' || (t?.kind === 'ptr' && t.elem.kind === 'time' && v)) return goTimeString(typeof v === 'string' ? v : '');
  if (v === undefined || v === null) {
    if (t?.kind === 'slice') return '[]';
    if (t?.kind === 'map') return 'map[]';
    return '<nil>';
  }
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean') return String(v);
  const elemT = t?.kind === 'slice' ? t.elem : undefined;
  if (Array.isArray(v)) {
    return `[${v.map((e) => printValue(elemT ? withZero(e, elemT) : { v: e }, false)).join(' ')}]`;
  }
  const st = derefType(t);
  if (st?.kind === 'struct' && isObject(v)) {
    const parts = Object.entries(st.fields)
      .filter(([, f]) => f.json.length > 0 && !(f.json.length > 1))
      .map(([, f]) => printValue(withZero(v[f.json[0]!], f.type), false));
    return `${t?.kind === 'ptr' && top ? '&' : ''}{${parts.join(' ')}}`;
  }
  const mt = st?.kind === 'map' ? st.elem : undefined;
  const obj = v as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  return `map[${keys.map((k) => `${k}:${printValue(mt ? withZero(obj[k], mt) : { v: obj[k] }, false)}`).join(' ')}]`;
}

/** fmt.Sprint: a space between operands when neither side is a string. */
function sprint(args: Value[]): string {
  let out = '';
  args.forEach((a, i) => {
    const isStr = typeof a.v === 'string' && a.t?.kind !== 'time';
    const prevStr = i > 0 && typeof args[i - 1]!.v === 'string' && args[i - 1]!.t?.kind !== 'time';
    if (i > 0 && !isStr && !prevStr) out += ' ';
    out += printValue(a, true);
  });
  return out;
}

function evalArgsString(args: Value[]): string {
  if (args.length === 1 && typeof args[0]!.v === 'string') return args[0]!.v;
  return sprint(args);
}

/** strconv.Quote. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    switch (ch) {
      case '"': out += '\\"'; continue;
      case '\\': out += '\\\\'; continue;
      case '\x07': out += '\\a'; continue;
      case '\b': out += '\\b'; continue;
      case '\f': out += '\\f'; continue;
      case '\n': out += '\\n'; continue;
      case '\r': out += '\\r'; continue;
      case '\t': out += '\\t'; continue;
      case '\v': out += '\\v'; continue;
    }
    if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp >= 0x80 && cp < 0xa0) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out + '"';
}

function goTypeOf(a: Value): string {
  if (a.t && a.t.kind !== 'dynamic') return typeName(a.t);
  return dynTypeName(a.v);
}

/** fmt.Sprintf for the verbs templates use: %v %s %d %q %t %x %X %o %b %c %f %e %g %%, with flags, width, precision. */
export function sprintf(format: string, args: Value[]): string {
  let out = '';
  let argi = 0;
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== '%') { out += c; continue; }
    let j = i + 1;
    let flags = '';
    while (j < format.length && '+-# 0'.includes(format[j]!)) flags += format[j++];
    let width = '';
    while (j < format.length && /[0-9]/.test(format[j]!)) width += format[j++];
    let prec: number | undefined;
    if (format[j] === '.') {
      j++;
      let p = '';
      while (j < format.length && /[0-9]/.test(format[j]!)) p += format[j++];
      prec = p ? Number(p) : 0;
    }
    const verb = format[j];
    i = j;
    if (verb === undefined) { out += '%!(NOVERB)'; break; }
    if (verb === '%') { out += '%'; continue; }
    if (argi >= args.length) { out += `%!${verb}(MISSING)`; continue; }
    const a = args[argi++]!;
    const s = formatVerb(verb, flags, prec, a);
    out += pad(s, width ? Number(width) : 0, flags);
  }
  if (argi < args.length) {
    out += `%!(EXTRA ${args.slice(argi).map((a) => `${goTypeOf(a)}=${printValue(a, true)}`).join(', ')})`;
  }
  return out;
}

function pad(s: string, width: number, flags: string): string {
  const len = [...s].length;
  if (len >= width) return s;
  if (flags.includes('-')) return s + ' '.repeat(width - len);
  if (flags.includes('0') && /^[+-]?[0-9]/.test(s)) {
    const sign = /^[+-]/.test(s) ? s[0]! : '';
    return sign + '0'.repeat(width - len) + s.slice(sign.length);
  }
  return ' '.repeat(width - len) + s;
}

function formatVerb(verb: string, flags: string, prec: number | undefined, a: Value): string {
  const v = a.v;
  const bad = (): string => `%!${verb}(${goTypeOf(a)}=${printValue(a, true)})`;
  const plus = (n: number, s: string): string => (flags.includes('+') && n >= 0 ? `+${s}` : flags.includes(' ') && n >= 0 ? ` ${s}` : s);
  switch (verb) {
    case 'v':
      if (flags.includes('#') && typeof v === 'string') return goQuote(v);
      return printValue(a, true);
    case 's':
      if (typeof v === 'string' || a.t?.kind === 'time' || (isObject(v) && derefType(a.t)?.kind === 'struct')) {
        const s = printValue(a, true);
        return prec !== undefined ? [...s].slice(0, prec).join('') : s;
      }
      if (Array.isArray(v) && v.every((e) => typeof e === 'string')) return printValue(a, true);
      return bad();
    case 'q':
      if (typeof v === 'string') return goQuote(v);
      if (typeof v === 'number' && Number.isInteger(v)) return `'${String.fromCodePoint(v)}'`;
      return bad();
    case 'd':
      if (typeof v === 'number' && Number.isInteger(v)) return plus(v, String(v));
      return bad();
    case 't':
      return typeof v === 'boolean' ? String(v) : bad();
    case 'x':
    case 'X': {
      let s: string;
      if (typeof v === 'number' && Number.isInteger(v)) s = (v < 0 ? '-' : '') + Math.abs(v).toString(16);
      else if (typeof v === 'string') s = Buffer.from(v).toString('hex');
      else return bad();
      if (flags.includes('#')) s = s.startsWith('-') ? `-0x${s.slice(1)}` : `0x${s}`;
      return verb === 'X' ? s.toUpperCase() : s;
    }
    case 'o':
      return typeof v === 'number' && Number.isInteger(v) ? v.toString(8) : bad();
    case 'b':
      return typeof v === 'number' && Number.isInteger(v) ? v.toString(2) : bad();
    case 'c':
      return typeof v === 'number' && Number.isInteger(v) ? String.fromCodePoint(v) : bad();
    case 'f':
    case 'F':
      return typeof v === 'number' && (a.t?.kind !== 'int') ? plus(v, v.toFixed(prec ?? 6)) : bad();
    case 'e':
      return typeof v === 'number' && a.t?.kind !== 'int' ? plus(v, v.toExponential(prec ?? 6).replace(/e([+-])(\d)$/, 'e$10$2')) : bad();
    case 'g':
      return typeof v === 'number' && a.t?.kind !== 'int' ? plus(v, formatNumber(v)) : bad();
    default:
      return `%!${verb}(${goTypeOf(a)}=${printValue(a, true)})`;
  }
}

/** template.HTMLEscapeString. */
export function htmlEscape(s: string): string {
  return s.replace(/[\0"'&<>]/g, (c) =>
    c === '\0' ? '\uFFFD' : c === '"' ? '&#34;' : c === "'" ? '&#39;' : c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;');
}

/** url.QueryEscape: unreserved bytes stay, space becomes +, the rest %XX. */
export function queryEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** template.JSEscapeString. */
export function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    switch (ch) {
      case '\\': out += '\\\\'; continue;
      case "'": out += "\\'"; continue;
      case '"': out += '\\"'; continue;
      case '<': out += '\\u003C'; continue;
      case '>': out += '\\u003E'; continue;
      case '&': out += '\\u0026'; continue;
      case '=': out += '\\u003D'; continue;
    }
    if (cp < 0x20 || cp === 0x7f || (cp >= 0x80 && cp < 0xa0)) out += `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += ch;
  }
  return out;
}
