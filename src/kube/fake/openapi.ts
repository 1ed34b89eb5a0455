// OpenAPI v3 documents, as far as kubectl reads them: per group-version, the PATCH operation of each
// kind with its x-kubernetes-group-version-kind and the query parameters the server supports. That is
// how kubectl (`--validate=strict`, its default) learns that the server validates fields itself
// (fieldValidation=Strict), so it sends objects for server-side validation instead of validating
// them against schemas it would download. No component schemas are published: kubectl then builds
// strategic merge patches from its compiled-in types, as it does for a server without OpenAPI.
// /openapi/v2 is not served (kubectl only falls back to it when v3 is missing).
import { createHash } from 'node:crypto';
import type { JsonObject } from './json.js';
import type { ResourceRegistry, ResourceType } from './resources.js';

const QUERY_PARAMS = ['dryRun', 'fieldManager', 'fieldValidation', 'force', 'pretty'];

function gvPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

function hashOf(types: ResourceType[], version: string): string {
  const h = createHash('sha512');
  for (const t of types) h.update(`${t.group}/${version}/${t.plural}/${t.kind}/${t.namespaced};`);
  return h.digest('hex').slice(0, 128).toUpperCase();
}

function groupVersions(registry: ResourceRegistry): Map<string, { group: string; version: string; types: ResourceType[] }> {
  const out = new Map<string, { group: string; version: string; types: ResourceType[] }>();
  for (const t of registry.all()) {
    for (const v of t.versions) {
      const key = gvPath(t.group, v);
      const entry = out.get(key) ?? { group: t.group, version: v, types: [] };
      entry.types.push(t);
      out.set(key, entry);
    }
  }
  return out;
}

export function openApiV2(_registry: ResourceRegistry): JsonObject | undefined {
  return undefined;
}

export function openApiV3Index(registry: ResourceRegistry): JsonObject {
  const paths: JsonObject = {};
  for (const [key, gv] of groupVersions(registry)) {
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hashOf(gv.types, gv.version)}` };
  }
  return { paths };
}

export function openApiV3Group(registry: ResourceRegistry, path: string): JsonObject | undefined {
  const gv = groupVersions(registry).get(path);
  if (gv === undefined) return undefined;
  const paths: JsonObject = {};
  for (const t of gv.types) {
    const prefix = `/${gvPath(t.group, gv.version)}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.plural}/{name}`;
    const gvk = { group: t.group, version: gv.version, kind: t.kind };
    const params = QUERY_PARAMS.map((name) => ({ name, in: 'query', schema: { type: name === 'force' ? 'boolean' : 'string', uniqueItems: true } }));
    const op = (verb: string): JsonObject => ({
      operationId: `${verb}${t.kind}`,
      'x-kubernetes-action': verb,
      'x-kubernetes-group-version-kind': gvk,
      parameters: params,
      responses: { '200': { description: 'OK' } },
    });
    paths[prefix] = { patch: op('patch'), put: op('put') };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0-kube-fake' }, paths, components: {} };
}
