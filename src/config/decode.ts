// A typed decoder over the positioned YAML tree that behaves like Go's encoding/json as driven by
// sigs.k8s.io/yaml: exact key match first, then case-insensitive; unknown keys collected (errors under
// --strict); null leaves the zero value; type mismatches are errors; numbers and bools landing in a
// string field are stringified as sigs.k8s.io/yaml does (go-scalar.ts). Positions of every decoded object are kept
// in a side table so later phases can name file:line for any field.
import type { IssueList } from './errors.js';
import { DurationError, parseDurationNanos } from '../go/duration.js';
import { goScalarString } from '../go/scalar.js';
import { toPlain, type YMap, type YNode } from './yaml.js';

export type Schema =
  | { t: 'string' }
  | { t: 'bool' }
  | { t: 'int' }
  | { t: 'number' }
  | { t: 'duration' }
  | { t: 'nsDuration' }
  | { t: 'any' }
  | { t: 'list'; of: Schema }
  | { t: 'map'; of: Schema }
  | { t: 'obj'; fields: Record<string, Schema>; lower: Map<string, string>; name: string }
  | { t: 'oneOf'; name: string; pick: (node: YNode) => Schema };

export const S = {
  str: { t: 'string' } as Schema,
  bool: { t: 'bool' } as Schema,
  int: { t: 'int' } as Schema,
  num: { t: 'number' } as Schema,
  dur: { t: 'duration' } as Schema,
  nsDur: { t: 'nsDuration' } as Schema,
  any: { t: 'any' } as Schema,
  list: (of: Schema): Schema => ({ t: 'list', of }),
  map: (of: Schema): Schema => ({ t: 'map', of }),
  obj: (name: string, fields: Record<string, Schema>): Schema & { t: 'obj' } => {
    const lower = new Map<string, string>();
    for (const k of Object.keys(fields)) if (!lower.has(k.toLowerCase())) lower.set(k.toLowerCase(), k);
    return { t: 'obj', fields, lower, name };
  },
  oneOf: (name: string, pick: (node: YNode) => Schema): Schema => ({ t: 'oneOf', name, pick }),
};

/** Where a decoded object came from: its file, its line, and the line of each of its keys. */
export interface SourcePos {
  file: string;
  line: number;
  keys: Record<string, number>;
  /** For lists: the line of each item. */
  items?: number[];
}

const positions = new WeakMap<object, SourcePos>();

export function sourceOf(obj: object): SourcePos | undefined {
  return positions.get(obj);
}

export function setSource(obj: object, pos: SourcePos): void {
  positions.set(obj, pos);
}

/** Line of `key` inside `obj` (falls back to the object's own line, then to `fallback`). */
export function lineOf(obj: object | undefined, key?: string | number, fallback = 0): number {
  if (!obj) return fallback;
  const pos = positions.get(obj);
  if (!pos) return fallback;
  if (typeof key === 'number') return pos.items?.[key] ?? pos.line;
  if (key !== undefined) return pos.keys[key] ?? pos.line;
  return pos.line;
}

export interface DecodeContext {
  file: string;
  issues: IssueList;
}

const plainKeyCache = new Map<string, boolean>();
function isPlainKey(key: string): boolean {
  let v = plainKeyCache.get(key);
  if (v === undefined) {
    v = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key);
    if (plainKeyCache.size < 10_000) plainKeyCache.set(key, v);
  }
  return v;
}

export function keyPath(path: string, key: string): string {
  if (isPlainKey(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

export function mapPath(path: string, key: string): string {
  return `${path}[${JSON.stringify(key)}]`;
}

function kindName(n: YNode): string {
  if (n.kind === 'map') return 'object';
  if (n.kind === 'seq') return 'array';
  const v = n.value;
  return typeof v === 'string' ? 'string' : typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'bool' : 'null';
}

function mismatch(ctx: DecodeContext, node: YNode, path: string, want: string): undefined {
  ctx.issues.error(ctx.file, node.line, path, `cannot unmarshal ${kindName(node)} into a field of type ${want}`);
  return undefined;
}

/** `text` when it is a Go duration; otherwise reports why and returns undefined. */
function checkDuration(ctx: DecodeContext, line: number, text: string, path: string): string | undefined {
  try {
    parseDurationNanos(text);
  } catch (err) {
    if (!(err instanceof DurationError)) throw err;
    ctx.issues.error(ctx.file, line, path, err.message);
    return undefined;
  }
  return text;
}

/** Decodes `node` against `schema`. Returns undefined for null or for a value with errors (already reported). */
export function decode(ctx: DecodeContext, node: YNode, schema: Schema, path: string): unknown {
  if (node.kind === 'scalar' && node.value === null) return undefined;
  switch (schema.t) {
    case 'any':
      return toPlain(node);
    case 'string':
      if (node.kind !== 'scalar') return mismatch(ctx, node, path, 'string');
      return typeof node.value === 'string' ? node.value : goScalarString(node.value, node.text);
    case 'bool':
      if (node.kind !== 'scalar' || typeof node.value !== 'boolean') return mismatch(ctx, node, path, 'bool');
      return node.value;
    case 'int':
      if (node.kind !== 'scalar' || typeof node.value !== 'number' || !Number.isInteger(node.value)) {
        return mismatch(ctx, node, path, 'int');
      }
      return node.value;
    case 'number':
      if (node.kind !== 'scalar' || typeof node.value !== 'number') return mismatch(ctx, node, path, 'number');
      return node.value;
    case 'duration':
      if (node.kind !== 'scalar' || typeof node.value !== 'string') return mismatch(ctx, node, path, 'duration string');
      return checkDuration(ctx, node.line, node.value, path);
    case 'nsDuration':
      if (node.kind === 'scalar' && typeof node.value === 'number' && Number.isInteger(node.value)) return node.value;
      if (node.kind !== 'scalar' || typeof node.value !== 'string') return mismatch(ctx, node, path, 'duration');
      return checkDuration(ctx, node.line, node.value, path);
    case 'list': {
      if (node.kind !== 'seq') return mismatch(ctx, node, path, 'list');
      const out: unknown[] = [];
      const items: number[] = [];
      for (let i = 0; i < node.items.length; i++) {
        const item = node.items[i]!;
        const v = decode(ctx, item, schema.of, `${path}[${i}]`);
        // Go keeps a zero value for a null item; we keep the slot so indexes stay aligned with the file.
        out.push(v);
        items.push(item.line);
      }
      positions.set(out, { file: ctx.file, line: node.line, keys: {}, items });
      return out;
    }
    case 'map': {
      if (node.kind !== 'map') return mismatch(ctx, node, path, 'map');
      const out: Record<string, unknown> = {};
      const keys: Record<string, number> = {};
      for (const e of node.entries) {
        if (keys[e.key] !== undefined) {
          ctx.issues.unknown(ctx.file, e.keyLine, mapPath(path, e.key), `duplicate key ${JSON.stringify(e.key)} (also at line ${keys[e.key]}; the last one wins)`);
        }
        const v = decode(ctx, e.value, schema.of, mapPath(path, e.key));
        if (v !== undefined) out[e.key] = v;
        else if (e.value.kind === 'scalar' && e.value.value === null) out[e.key] = undefined;
        keys[e.key] = e.keyLine;
      }
      positions.set(out, { file: ctx.file, line: node.line, keys });
      return out;
    }
    case 'obj':
      if (node.kind !== 'map') return mismatch(ctx, node, path, schema.name);
      return decodeObject(ctx, node, schema, path);
    case 'oneOf':
      return decode(ctx, node, schema.pick(node), path);
  }
}

function decodeObject(ctx: DecodeContext, node: YMap, schema: Schema & { t: 'obj' }, path: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const keys: Record<string, number> = {};
  const written = new Map<string, string>();
  for (const e of node.entries) {
    let field: string | undefined = Object.prototype.hasOwnProperty.call(schema.fields, e.key) ? e.key : undefined;
    if (field === undefined) field = schema.lower.get(e.key.toLowerCase());
    const p = keyPath(path, e.key);
    if (field === undefined) {
      ctx.issues.unknown(ctx.file, e.keyLine, p, `unknown field ${JSON.stringify(e.key)} in ${schema.name}`);
      continue;
    }
    const previous = written.get(field);
    if (previous !== undefined) {
      // Go sees the keys through a map marshalled in sorted order: among spellings of one field, the one
      // that sorts last wins; the same spelling twice means the later one wins.
      const winner = previous === e.key || e.key > previous ? e.key : previous;
      ctx.issues.unknown(ctx.file, e.keyLine, p, `duplicate key ${JSON.stringify(e.key)} for field ${field} (${JSON.stringify(winner)} wins)`);
      if (winner === previous && previous !== e.key) continue;
    }
    written.set(field, e.key);
    keys[field] = e.keyLine;
    const v = decode(ctx, e.value, schema.fields[field]!, keyPath(path, field));
    if (v !== undefined) out[field] = v;
    else delete out[field];
  }
  positions.set(out, { file: ctx.file, line: node.line, keys });
  return out;
}
