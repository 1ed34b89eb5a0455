// config-updater's plugins.yaml section (upstream plugins.ConfigUpdater, pkg/plugins/config.go): the maps
// from a file glob to the ConfigMap it feeds, with upstream's defaults (the two config/prow files, cluster
// `default`, the ProwJob namespace) and upstream's validation.
import { lineOf, S } from '../../config/decode.js';
import { strList, type PluginConfigSection } from '../../config/plugin-sections.js';

export interface ConfigMapSpec {
  name?: string;
  partitioned_names?: string[];
  key?: string;
  /** Per map; unset takes the section's `gzip`. */
  gzip?: boolean;
  /** cluster → namespaces ("" is the ProwJob namespace). Filled from cluster_groups, else `default: [""]`. */
  clusters?: Record<string, string[]>;
  cluster_groups?: string[];
  use_full_path_as_key?: boolean;
  allowed_repos?: string[];
  denied_repos?: string[];
}

export interface ConfigUpdaterConfig {
  /** file glob (zglob) → ConfigMap */
  maps: Record<string, ConfigMapSpec>;
  gzip?: boolean;
  cluster_groups?: Record<string, { clusters?: string[]; namespaces?: string[] }>;
}

const DEFAULT_CLUSTER = 'default';

const spec = S.obj('ConfigMapSpec', {
  name: S.str, partitioned_names: strList, key: S.str, gzip: S.bool, clusters: S.map(strList), cluster_groups: strList,
  use_full_path_as_key: S.bool, allowed_repos: strList, denied_repos: strList,
});

export const configUpdaterConfigSection: PluginConfigSection<ConfigUpdaterConfig> = {
  section: 'config_updater',
  schema: S.obj('ConfigUpdater', {
    maps: S.map(spec),
    gzip: S.bool,
    cluster_groups: S.map(S.obj('ClusterGroup', { clusters: strList, namespaces: strList })),
  }),
  defaults: (raw) => {
    const r = (raw ?? {}) as Partial<ConfigUpdaterConfig>;
    const given = r.maps ?? {};
    const maps: Record<string, ConfigMapSpec> = Object.keys(given).length > 0
      ? given
      : { 'config/prow/config.yaml': { name: 'config' }, 'config/prow/plugins.yaml': { name: 'plugins' } };
    const out: Record<string, ConfigMapSpec> = {};
    for (const [glob, m] of Object.entries(maps)) {
      const s = m ?? {};
      let clusters = s.clusters;
      if ((clusters === undefined || Object.keys(clusters).length === 0) && (s.cluster_groups ?? []).length > 0) {
        // upstream ConfigUpdater.resolve: each group adds its namespaces to each of its clusters
        clusters = {};
        for (const g of s.cluster_groups ?? []) {
          const group = r.cluster_groups?.[g];
          for (const c of group?.clusters ?? []) clusters[c] = [...(clusters[c] ?? []), ...(group?.namespaces ?? [])];
        }
      }
      if (clusters === undefined || Object.keys(clusters).length === 0) clusters = { [DEFAULT_CLUSTER]: [''] };
      out[glob] = { ...s, clusters };
    }
    return { ...r, maps: out };
  },
  validate: (value, raw, report) => {
    const r = (raw ?? {}) as Partial<ConfigUpdaterConfig>;
    const rawMaps = (r.maps ?? {}) as Record<string, ConfigMapSpec | undefined>;
    const seen = new Map<string, Set<string>>();
    for (const glob of Object.keys(value.maps).sort()) {
      const m = value.maps[glob]!;
      const field = `config_updater.maps[${JSON.stringify(glob)}]`;
      const line = lineOf(rawMaps[glob] ?? rawMaps, undefined, lineOf(rawMaps, glob));
      if (m.name && (m.partitioned_names ?? []).length > 0) report.error(line, field, "'name' and 'partitioned_names' are mutually exclusive");
      if (!m.name && (m.partitioned_names ?? []).length === 0) report.error(line, `${field}.name`, 'a ConfigMap name (or partitioned_names) is required');
      if ((m.partitioned_names ?? []).length > 256) report.error(line, `${field}.partitioned_names`, `at most 256 partitions are supported, found ${m.partitioned_names!.length}`);
      const rawSpec = rawMaps[glob];
      if (rawSpec && Object.keys(rawSpec.clusters ?? {}).length > 0 && (rawSpec.cluster_groups ?? []).length > 0) {
        report.error(line, field, 'contains both clusters and cluster_groups');
      }
      (rawSpec?.cluster_groups ?? []).forEach((g, i) => {
        if (r.cluster_groups?.[g] === undefined) report.error(line, `${field}.cluster_groups[${i}]`, `references the cluster group ${JSON.stringify(g)}, which does not exist`);
      });
      const name = m.name || (m.partitioned_names ?? []).join(',');
      const key = m.key || glob.split('/').pop()!;
      for (const [cluster, namespaces] of Object.entries(m.clusters ?? {})) {
        for (const ns of namespaces ?? []) {
          const id = `${cluster}/${ns}/${name}`;
          const keys = seen.get(id) ?? new Set<string>();
          if (keys.has(key)) report.error(line, field, `key ${key} in configmap ${name} updated with more than one file`);
          keys.add(key);
          seen.set(id, keys);
        }
      }
    }
  },
};
