// Go encoding/json output: keys in Go struct order, omitempty rules, map keys sorted, HTML-safe string
// escaping, Go duration strings. The callers' struct tables (ProwJob, JobSpec, Refs) are in
// src/api/prowjob-json.ts; the pod utilities write their files with goJsonMarshal / goJsonMarshalIndent.
import { formatDurationNanos, parseDurationNanos } from './duration.js';

/**
 * A field: JSON key plus how it is emitted. `omit`: `empty` = omitempty on a value type (zero omitted),
 * `nil` = omitempty on a pointer (only absent omitted; false/"" kept), `never` = always emitted.
 */
export interface FieldSpec {
  key: string;
  omit: 'empty' | 'nil' | 'never';
  type?: TypeSpec;
}

export type TypeSpec =
  | { kind: 'struct'; fields: FieldSpec[] }
  | { kind: 'slice'; elem: TypeSpec }
  | { kind: 'map'; elem?: TypeSpec }
  | { kind: 'duration' }
  | { kind: 'any' };

/** A struct field (default omitempty). */
export const field = (key: string, omit: FieldSpec['omit'] = 'empty', type?: TypeSpec): FieldSpec => (type ? { key, omit, type } : { key, omit });
export const struct = (...fields: FieldSpec[]): TypeSpec => ({ kind: 'struct', fields });
export const sliceOf = (elem: TypeSpec): TypeSpec => ({ kind: 'slice', elem });
export const DURATION: TypeSpec = { kind: 'duration' };
export const MAP: TypeSpec = { kind: 'map' };


function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v).length === 0;
  return false;
}

function durationString(v: unknown): string {
  if (typeof v === 'number') return formatDurationNanos(BigInt(Math.trunc(v)));
  if (typeof v === 'string') {
    try {
      return formatDurationNanos(parseDurationNanos(v));
    } catch {
      return v; // validation reports bad durations; serialise what we were given
    }
  }
  return String(v);
}

/**
 * Reorders (a copy of) a value by the spec, applying omitempty and duration formatting. Keys the spec
 * does not know are kept after the known ones, in their original order.
 */
export function goOrder(value: unknown, type: TypeSpec = { kind: 'any' }): unknown {
  if (value === undefined || value === null) return value;
  switch (type.kind) {
    case 'duration':
      return durationString(value);
    case 'slice':
      return Array.isArray(value) ? value.map((e) => goOrder(e, type.elem)) : value;
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value)) return value;
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(value).sort()) out[k] = goOrder((value as Record<string, unknown>)[k], type.elem);
      return out;
    }
    case 'struct': {
      if (typeof value !== 'object' || Array.isArray(value)) return value;
      const src = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      const known = new Set<string>();
      for (const field of type.fields) {
        known.add(field.key);
        const v = src[field.key];
        if (field.omit === 'empty' && isEmpty(v)) continue;
        if (field.omit === 'nil' && (v === undefined || v === null)) continue;
        if (field.omit === 'never' && v === undefined) {
          out[field.key] = field.type?.kind === 'struct' ? goOrder({}, field.type) : '';
          continue;
        }
        out[field.key] = goOrder(v, field.type);
      }
      for (const [k, v] of Object.entries(src)) if (!known.has(k) && v !== undefined) out[k] = v;
      return out;
    }
    case 'any':
      return value;
  }
}

/**
 * Escapes <, >, &, U+2028 and U+2029 as Go's encoder does. In JSON text they occur only inside strings,
 * so this works on a whole document as well as on one string.
 */
function escapeLikeGo(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A JSON string as Go's encoding/json writes it. */
function goJsonString(s: string): string {
  return escapeLikeGo(JSON.stringify(s));
}

/** Compact JSON like Go's json.Marshal for an already-ordered value. */
export function goJsonMarshal(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return goJsonString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(goJsonMarshal).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return `{${entries.map(([k, v]) => `${goJsonString(k)}:${goJsonMarshal(v)}`).join(',')}}`;
}

/** Go json.MarshalIndent(value, "", indent) for an already-ordered value. */
export function goJsonMarshalIndent(value: unknown, indent: string): string {
  return escapeLikeGo(JSON.stringify(value, null, indent));
}

/**
 * A decoded JSON value (Go's map[string]interface{}) with object keys sorted at every depth, as Go
 * writes maps. For free-form values whose keys have no struct order.
 */
export function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) out[k] = sortedKeys((value as Record<string, unknown>)[k]);
  return out;
}
