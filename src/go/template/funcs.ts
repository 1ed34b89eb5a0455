// text/template's predefined functions (text/template/funcs.go) other than and/or, which exec.ts
// evaluates lazily, and Go's truth rules.
import { htmlEscape, jsEscape, queryEscape } from '../escape.js';
import { printValue, sprint, sprintf } from '../fmt.js';
import { BOOL, derefType, dynTypeName, INT, isObject, STRING, typeName, withZero, type Value } from '../reflect.js';

/** Every function name a template may call. */
export const BUILTIN_FUNCS = new Set([
  'and', 'or', 'not', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'index', 'len', 'slice', 'printf', 'print', 'println',
  'html', 'urlquery', 'js',
]);

type Fail = (msg: string) => never;

/** Go's truth(): false, 0, "", nil, and empty slices and maps are false; structs are always true. */
export function truth(val: Value): boolean {
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

/** Calls a predefined function on evaluated arguments; `fail` reports an execution error at the call. */
export function callBuiltin(name: string, args: Value[], fail: Fail): Value {
  const need = (min: number, max = min): void => {
    if (args.length < min || args.length > max) {
      const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min}..${max}`;
      fail(`wrong number of args for ${name}: want ${want} got ${args.length}`);
    }
  };
  switch (name) {
    case 'not':
      need(1);
      return { v: !truth(args[0]!), t: BOOL };
    case 'eq': {
      need(2, Infinity);
      const a = args[0]!;
      for (const b of args.slice(1)) if (compare(fail, 'eq', a, b) === 0) return { v: true, t: BOOL };
      return { v: false, t: BOOL };
    }
    case 'ne':
      need(2);
      return { v: compare(fail, 'ne', args[0]!, args[1]!) !== 0, t: BOOL };
    case 'lt': case 'le': case 'gt': case 'ge': {
      need(2);
      const c = compare(fail, name, args[0]!, args[1]!, true);
      const r = name === 'lt' ? c < 0 : name === 'le' ? c <= 0 : name === 'gt' ? c > 0 : c >= 0;
      return { v: r, t: BOOL };
    }
    case 'len': {
      need(1);
      const v = args[0]!.v;
      if (typeof v === 'string') return { v: Buffer.byteLength(v), t: INT };
      if (Array.isArray(v)) return { v: v.length, t: INT };
      if (isObject(v) && derefType(args[0]!.t)?.kind !== 'struct') return { v: Object.keys(v).length, t: INT };
      if ((v === undefined || v === null) && args[0]!.t && ['slice', 'map'].includes(args[0]!.t.kind)) return { v: 0, t: INT };
      return fail(`error calling len: len of ${v === undefined || v === null ? 'nil pointer' : `type ${dynTypeName(v)}`}`);
    }
    case 'index': {
      need(1, Infinity);
      let cur = args[0]!;
      for (const idx of args.slice(1)) cur = index(fail, cur, idx);
      return cur;
    }
    case 'slice': {
      need(1, 3);
      const base = args[0]!;
      const v = base.v;
      const nums = args.slice(1).map((a) => {
        if (typeof a.v !== 'number' || !Number.isInteger(a.v)) fail('error calling slice: cannot index slice/array with non-integer');
        return a.v as number;
      });
      if (typeof v !== 'string' && !Array.isArray(v)) return fail(`error calling slice: can't slice item of type ${dynTypeName(v)}`);
      const len = typeof v === 'string' ? Buffer.byteLength(v) : v.length;
      const lo = nums[0] ?? 0;
      const hi = nums[1] ?? len;
      if (lo < 0 || hi < lo || hi > len) fail(`error calling slice: index out of range: ${hi > len ? hi : lo}`);
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
      if (typeof f.v !== 'string') fail('error calling printf: format must be a string');
      return { v: sprintf(f.v as string, args.slice(1)), t: STRING };
    }
    case 'html':
      return { v: htmlEscape(evalArgsString(args)), t: STRING };
    case 'urlquery':
      return { v: queryEscape(evalArgsString(args)), t: STRING };
    case 'js':
      return { v: jsEscape(evalArgsString(args)), t: STRING };
    default:
      return fail(`function "${name}" not defined`);
  }
}

function index(fail: Fail, cur: Value, idx: Value): Value {
  let t = cur.t;
  const v = cur.v;
  if (t?.kind === 'ptr') t = t.elem;
  if (v === undefined || v === null) return fail('error calling index: index of untyped nil');
  if (Array.isArray(v) || typeof v === 'string') {
    if (typeof idx.v !== 'number' || !Number.isInteger(idx.v)) return fail(`error calling index: cannot index slice/array with type ${dynTypeName(idx.v)}`);
    const len = typeof v === 'string' ? Buffer.byteLength(v) : v.length;
    if (idx.v < 0 || idx.v >= len) return fail(`error calling index: index out of range: ${idx.v}`);
    if (typeof v === 'string') return { v: Buffer.from(v)[idx.v], t: INT };
    const elemT = t?.kind === 'slice' ? t.elem : undefined;
    return elemT ? withZero(v[idx.v], elemT) : { v: v[idx.v] };
  }
  if (isObject(v) && t?.kind !== 'struct') {
    if (typeof idx.v !== 'string') return fail(`error calling index: value has type ${dynTypeName(idx.v)}; should be string`);
    const has = Object.hasOwn(v, idx.v);
    if (t?.kind === 'map') return withZero(has ? v[idx.v] : undefined, t.elem);
    return { v: has ? v[idx.v] : undefined };
  }
  return fail(`error calling index: can't index item of type ${t ? typeName(t) : dynTypeName(v)}`);
}

/** Go's eq/lt rules for basic kinds: strings with strings, numbers with numbers, bools (eq/ne only). */
function compare(fail: Fail, fn: string, a: Value, b: Value, ordered = false): number {
  const av = a.v ?? null;
  const bv = b.v ?? null;
  if (av === null || bv === null) {
    if (ordered) fail(`error calling ${fn}: invalid type for comparison`);
    return av === bv ? 0 : 1;
  }
  const ka = typeof av;
  const kb = typeof bv;
  if (ka === 'object' || kb === 'object') {
    fail(`error calling ${fn}: non-comparable type ${dynTypeName(ka === 'object' ? av : bv)}`);
  }
  if (ka !== kb) fail(`error calling ${fn}: incompatible types for comparison`);
  if (ka === 'boolean') {
    if (ordered) fail(`error calling ${fn}: invalid type for comparison`);
    return av === bv ? 0 : 1;
  }
  if (ka === 'string') return av === bv ? 0 : (av as string) < (bv as string) ? -1 : 1;
  return (av as number) === (bv as number) ? 0 : (av as number) < (bv as number) ? -1 : 1;
}

function evalArgsString(args: Value[]): string {
  if (args.length === 1 && typeof args[0]!.v === 'string') return args[0]!.v;
  return sprint(args);
}
