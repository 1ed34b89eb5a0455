// Label and field selectors as the API server parses them (k8s.io/apimachinery/pkg/labels and
// pkg/fields): `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a` for labels; `=`, `==`,
// `!=` over a kind's selectable fields for fields. A bad selector is a 400 naming it.
import { LabelSelectorError, parseLabelSelector as parseSelector, type ParsedLabelSelector } from '../../api/label-selector.js';
import { badRequest } from './status.js';
import { isObject, type JsonObject } from './json.js';

export type Matcher = (obj: JsonObject) => boolean;

/** Splits a field selector on commas. */
function splitTerms(s: string): string[] {
  return s.split(',').map((t) => t.trim()).filter((t) => t !== '');
}

/** Parses a label selector; an empty or absent one matches everything. A bad one is a 400 naming it. */
export function parseLabelSelector(selector: string | undefined | null): Matcher {
  if (selector === undefined || selector === null || selector.trim() === '') return () => true;
  let parsed: ParsedLabelSelector;
  try {
    parsed = parseSelector(selector);
  } catch (err) {
    if (err instanceof LabelSelectorError) throw badRequest(`unable to parse requirement: ${err.message}`);
    throw err;
  }
  return (obj) => parsed.matches(isObject(obj.metadata) && isObject(obj.metadata.labels) ? (obj.metadata.labels as Record<string, string>) : {});
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
