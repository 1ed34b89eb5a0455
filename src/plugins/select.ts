// Which plugins run for a repository, from plugins.yaml. Part of the plugin contract the hook may read
// (with types.ts); the hook never imports a plugin implementation or the registry.
import { pluginsFor as configPluginsFor } from '../config/plugins.js';
import type { PluginsConfig } from '../config/types.js';
import type { Plugin, PluginHandlers } from './types.js';

/**
 * Plugin names enabled for org/repo (upstream plugins.go getPlugins, via the config helper): the org's
 * list unless `repo` is in that org's `excluded_repos`, followed by the `org/repo` list. No `*` key.
 */
export function enabledPluginNames(pluginConfig: PluginsConfig | undefined, org: string, repo: string): string[] {
  if (pluginConfig?.plugins === undefined) return [];
  return [...new Set(configPluginsFor(pluginConfig, org, repo))];
}

/** The registered plugins enabled for org/repo that handle `kind`, in registry order. */
export function pluginsFor(
  plugins: readonly Plugin[],
  pluginConfig: PluginsConfig | undefined,
  org: string,
  repo: string,
  kind: keyof PluginHandlers,
): Plugin[] {
  const enabled = new Set(enabledPluginNames(pluginConfig, org, repo));
  return plugins.filter((p) => enabled.has(p.name) && p.handlers[kind] !== undefined);
}

/** Every "org" and "org/repo" key of the `plugins` section, with the plugins named there. */
export function configuredRepoPlugins(pluginConfig: PluginsConfig | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, entry] of Object.entries(pluginConfig?.plugins ?? {})) out[key] = [...(entry.plugins ?? [])];
  return out;
}
