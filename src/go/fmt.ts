// Go's fmt for the values templates carry (reflect.ts): Sprint, Sprintf and the %v printing rules,
// strconv.Quote, and time.Time.String() for RFC 3339 timestamps.
import { derefType, dynTypeName, isObject, typeName, withZero, type Value } from './reflect.js';

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

function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN';
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e21)) {
    return n.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  }
  return String(n);
}

export function printValue(val: Value, top: boolean): string {
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
export function sprint(args: Value[]): string {
  let out = '';
  args.forEach((a, i) => {
    const isStr = typeof a.v === 'string' && a.t?.kind !== 'time';
    const prevStr = i > 0 && typeof args[i - 1]!.v === 'string' && args[i - 1]!.t?.kind !== 'time';
    if (i > 0 && !isStr && !prevStr) out += ' ';
    out += printValue(a, true);
  });
  return out;
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
