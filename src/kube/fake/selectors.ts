// Label and field selectors as the API server parses them (k8s.io/apimachinery/pkg/labels and
// pkg/fields): `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a` for labels; `=`, `==`,
// `!=` over a kind's selectable fields for fields. A bad selector is a 400 naming it.
import { badRequest } from './status.js';
import { isObject, type JsonObject } from './json.js';

type LabelOp = 'in' | 'notin' | 'exists' | '!exists';
interface LabelRequirement {
  key: string;
  op: LabelOp;
  values: string[];
}

export type Matcher = (obj: JsonObject) => boolean;

const keyRe = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const valueRe = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** Splits on commas outside parentheses. */
function splitTerms(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((t) => t.trim()).filter((t) => t !== '');
}

function checkKey(key: string, selector: string): string {
  if (!keyRe.test(key)) throw badRequest(`unable to parse requirement: invalid label key "${key}" in selector "${selector}"`);
  return key;
}

function checkValue(value: string, selector: string): string {
  if (!valueRe.test(value)) throw badRequest(`unable to parse requirement: invalid label value: "${value}" in selector "${selector}"`);
  return value;
}

function parseLabelTerm(term: string, selector: string): LabelRequirement {
  const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(term);
  if (set !== null) {
    const values = set[3]!.split(',').map((v) => checkValue(v.trim(), selector));
    return { key: checkKey(set[1]!, selector), op: set[2] as LabelOp, values };
  }
  const cmp = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
  if (cmp !== null) {
    const value = checkValue(cmp[3]!.trim(), selector);
    return { key: checkKey(cmp[1]!, selector), op: cmp[2] === '!=' ? 'notin' : 'in', values: [value] };
  }
  if (term.startsWith('!')) return { key: checkKey(term.slice(1).trim(), selector), op: '!exists', values: [] };
  return { key: checkKey(term, selector), op: 'exists', values: [] };
}

/** Parses a label selector; an empty or absent one matches everything. */
export function parseLabelSelector(selector: string | undefined | null): Matcher {
  if (selector === undefined || selector === null || selector.trim() === '') return () => true;
  const reqs = splitTerms(selector).map((t) => parseLabelTerm(t, selector));
  return (obj) => {
    const labels = isObject(obj.metadata) && isObject(obj.metadata.labels) ? (obj.metadata.labels as Record<string, string>) : {};
    return reqs.every((r) => {
      const has = Object.hasOwn(labels, r.key);
      switch (r.op) {
        case 'exists': return has;
        case '!exists': return !has;
        case 'in': return has && r.values.includes(labels[r.key]!);
        case 'notin': return !has || !r.values.includes(labels[r.key]!);
      }
      return false;
    });
  };
}

/** Fields each kind can be selected by, beyond metadata.name and metadata.namespace. */
const SELECTABLE: Record<string, string[]> = {
  Pod: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  Event: ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'],
  Secret: ['type'],
  Namespace: ['status.phase'],
  Node: ['spec.unschedulable'],
};

function fieldValue(obj: JsonObject, path: string): string {
  if (path === 'source' && isObject(obj.source)) return String(obj.source.component ?? '');
  let cur: unknown = obj;
  for (const part of path.split('.')) cur = isObject(cur) ? cur[part] : undefined;
  if (cur === undefined || cur === null) return '';
  return String(cur);
}

/** Parses a field selector for `kind`; a field the kind does not offer is a 400, as upstream answers. */
export function parseFieldSelector(selector: string | undefined | null, kind: string): Matcher {
  if (selector === undefined || selector === null || selector.trim() === '') return () => true;
  const allowed = new Set(['metadata.name', 'metadata.namespace', ...(SELECTABLE[kind] ?? [])]);
  const reqs = splitTerms(selector).map((term) => {
    const m = /^([^=!]+)(==|=|!=)(.*)$/.exec(term);
    if (m === null) throw badRequest(`invalid selector: '${selector}'; can't understand '${term}'`);
    const field = m[1]!.trim();
    if (!allowed.has(field)) throw badRequest(`field label not supported: ${field}`);
    return { field, negate: m[2] === '!=', value: m[3]!.trim() };
  });
  return (obj) => reqs.every((r) => (fieldValue(obj, r.field) === r.value) !== r.negate);
}
