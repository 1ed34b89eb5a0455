// Enough of Go's reflect to give typed data Go semantics in templates and fmt: struct types with Go
// field names over JSON keys, zero values for absent fields, nil pointers, methods (a Stringer), and
// Go's type names in error messages. Untyped data resolves Go names through a key fallback.

export type GoType =
  | { kind: 'string' | 'int' | 'bool' | 'time' | 'dynamic' }
  | { kind: 'struct'; name: string; fields: Record<string, GoField>; methods?: Record<string, (v: any) => Value> }
  | { kind: 'ptr'; elem: GoType }
  | { kind: 'slice'; elem: GoType }
  | { kind: 'map'; elem: GoType };

/** `json` is the key path inside the object (a promoted field such as ObjectMeta.Name has two steps). */
interface GoField {
  json: string[];
  type: GoType;
}

/** A value during execution: the JS value plus its Go type when known (undefined type = dynamic data). */
export interface Value {
  v: unknown;
  t?: GoType;
}

export const STRING: GoType = { kind: 'string' };
export const INT: GoType = { kind: 'int' };
export const BOOL: GoType = { kind: 'bool' };
export const TIME: GoType = { kind: 'time' };
export const DYN: GoType = { kind: 'dynamic' };
export const ptr = (elem: GoType): GoType => ({ kind: 'ptr', elem });
export const slice = (elem: GoType): GoType => ({ kind: 'slice', elem });
export const mapOf = (elem: GoType): GoType => ({ kind: 'map', elem });

export function struct(
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
export function lookupKey(obj: Record<string, unknown>, name: string): string | undefined {
  if (Object.hasOwn(obj, name)) return name;
  const snake = goNameToSnake(name);
  if (Object.hasOwn(obj, snake)) return snake;
  const lower = name.toLowerCase();
  const keys = Object.keys(obj);
  const ci = keys.find((k) => k.toLowerCase() === lower);
  if (ci !== undefined) return ci;
  return keys.find((k) => k.replace(/_/g, '').toLowerCase() === lower);
}

export function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function derefType(t: GoType | undefined): GoType | undefined {
  return t?.kind === 'ptr' ? t.elem : t;
}

/** A field of a Go struct always exists: an absent JSON key reads as the zero value of its type. */
export function withZero(raw: unknown, t: GoType): Value {
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

export function typeName(t: GoType): string {
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

export function dynTypeName(v: unknown): string {
  if (v === undefined || v === null) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float64';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}
