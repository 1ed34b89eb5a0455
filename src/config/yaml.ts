// YAML 1.1 (go-yaml v2 dialect) into a small positioned tree that the decoder walks.
// Aliases are resolved and `<<` merge keys applied here, so the decoder sees plain maps and lists.
import { readFileSync } from 'node:fs';
import { goScalarString } from '../go/scalar.js';
import { parseYamlFast } from './yaml-fast.js';
import { gunzipSync } from 'node:zlib';
import {
  Alias, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument,
  type Document, type Node as YamlNode,
} from 'yaml';

export interface YScalar {
  kind: 'scalar';
  line: number;
  /** The YAML 1.1 value: string, number, boolean or null. */
  value: string | number | boolean | null;
  /** The source text of a plain scalar (used when a number or bool lands in a string field). */
  text: string;
}
export interface YSeq {
  kind: 'seq';
  line: number;
  items: YNode[];
}
export interface YEntry {
  key: string;
  keyLine: number;
  value: YNode;
}
export interface YMap {
  kind: 'map';
  line: number;
  entries: YEntry[];
}
export type YNode = YScalar | YSeq | YMap;

export interface ParsedYaml {
  /** null for an empty document. */
  root: YNode | null;
  errors: { line: number; message: string }[];
}

/** Reads a file, gunzipping when it starts with 1F 8B (upstream ReadFileMaybeGZIP). */
export function readFileMaybeGzip(path: string): string {
  const buf = readFileSync(path);
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) return gunzipSync(buf).toString('utf8');
  return buf.toString('utf8');
}

export function parseYaml(src: string): ParsedYaml {
  const fast = parseYamlFast(src);
  if (fast) return { root: fast.root, errors: [] };
  return parseYamlFull(src);
}

/** The full `yaml` library parse (the reference the fast path is checked against). */
export function parseYamlFull(src: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(src, { version: '1.1', lineCounter, merge: true, uniqueKeys: false, prettyErrors: false });
  const errors: ParsedYaml['errors'] = [];
  // Like go-yaml, report the first syntax error only: the rest are usually its echoes.
  const first = doc.errors[0];
  if (first) {
    const pos = first.linePos?.[0] ?? lineCounter.linePos(first.pos[0]);
    errors.push({ line: pos.line, message: firstLine(first.message) });
  }
  if (errors.length > 0) return { root: null, errors };
  const lineOf = (offset: number | undefined): number => (offset === undefined ? 0 : lineCounter.linePos(offset).line);
  const root = doc.contents ? convert(doc, doc.contents as YamlNode, lineOf, errors, 0) : null;
  return { root, errors };
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return i < 0 ? s : s.slice(0, i);
}

function convert(
  doc: Document,
  node: YamlNode,
  lineOf: (o: number | undefined) => number,
  errors: ParsedYaml['errors'],
  depth: number,
): YNode {
  if (depth > 200) {
    errors.push({ line: lineOf(node.range?.[0]), message: 'document nested too deeply (alias cycle?)' });
    return { kind: 'scalar', line: lineOf(node.range?.[0]), value: null, text: '' };
  }
  if (isAlias(node)) {
    const target = (node as Alias).resolve(doc);
    if (!target) {
      errors.push({ line: lineOf(node.range?.[0]), message: `unknown alias *${(node as Alias).source}` });
      return { kind: 'scalar', line: lineOf(node.range?.[0]), value: null, text: '' };
    }
    return convert(doc, target as YamlNode, lineOf, errors, depth + 1);
  }
  if (isScalar(node)) {
    const v = node.value;
    let value: YScalar['value'];
    if (v === null || v === undefined) value = null;
    else if (typeof v === 'number' && Number.isNaN(v) && !/^\.(?:nan|NaN|NAN)$/.test(node.source ?? '')) {
      value = node.source ?? ''; // the library reads a lone "." as a 1.1 float; go-yaml keeps the string
    } else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') value = v;
    else if (typeof v === 'bigint') value = Number(v);
    else if (v instanceof Date) value = v.toISOString();
    else value = String(v);
    const text = node.source ?? (value === null ? '' : String(value));
    return { kind: 'scalar', line: lineOf(node.range?.[0]), value, text };
  }
  if (isSeq(node)) {
    return {
      kind: 'seq',
      line: lineOf(node.range?.[0]),
      items: node.items.map((it) => convert(doc, it as YamlNode, lineOf, errors, depth + 1)),
    };
  }
  if (isMap(node)) {
    const own: YEntry[] = [];
    const merged: YEntry[] = [];
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const k = pair.key as YamlNode | null;
      const keyLine = lineOf(k?.range?.[0] ?? node.range?.[0]);
      const isMerge = isScalar(k) && (k.value === '<<' || (k as { source?: string }).source === '<<') && k.type === 'PLAIN';
      if (isMerge) {
        const src = pair.value as YamlNode | null;
        const sources = src && isSeq(src) ? (src.items as YamlNode[]) : src ? [src] : [];
        for (const s of sources) {
          const m = convert(doc, s, lineOf, errors, depth + 1);
          if (m.kind !== 'map') errors.push({ line: m.line, message: 'merge key << needs a mapping or a list of mappings' });
          else merged.push(...m.entries);
        }
        continue;
      }
      let key: string;
      if (k === null || k === undefined) key = '';
      else if (isScalar(k)) {
        const kv = k.value;
        key = kv === null || kv === undefined ? '' : typeof kv === 'string' ? kv
          : typeof kv === 'number' || typeof kv === 'boolean' ? goScalarString(kv, k.source ?? String(kv)) : String(kv);
      }
      else {
        errors.push({ line: keyLine, message: 'mapping keys must be scalars' });
        continue;
      }
      const v = pair.value as YamlNode | null;
      const value: YNode = v
        ? convert(doc, v, lineOf, errors, depth + 1)
        : { kind: 'scalar', line: keyLine, value: null, text: '' };
      own.push({ key, keyLine, value });
    }
    let entries = own;
    if (merged.length > 0) {
      // Explicit keys win over merged ones; among merged maps the first one listed wins.
      const seen = new Set(own.map((e) => e.key));
      entries = [...own];
      for (const e of merged) {
        if (seen.has(e.key)) continue;
        seen.add(e.key);
        entries.push(e);
      }
    }
    return { kind: 'map', line: lineOf(node.range?.[0]), entries };
  }
  errors.push({ line: lineOf((node as { range?: [number] }).range?.[0]), message: 'unsupported YAML node' });
  return { kind: 'scalar', line: 0, value: null, text: '' };
}

/** Plain JS value of a node (for free-form fields such as pod specs). */
export function toPlain(node: YNode): unknown {
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'seq':
      return node.items.map(toPlain);
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const e of node.entries) out[e.key] = toPlain(e.value);
      return out;
    }
  }
}
