// /plugin-help (upstream pkg/pluginhelp/hook): every plugin's help plus which repos enable which plugin,
// in upstream's JSON keys so deck's plugin-help page and existing tools read it unchanged.
import type { PluginsConfig } from '../config/types.js';
import type { ExternalPlugin, ExternalPluginsConfig } from './external-plugins.js';
import { externalEndpoint } from './external-plugins.js';
import { configuredRepoPlugins } from '../plugins/select.js';
import type { Plugin, PluginHandlers } from '../plugins/types.js';

export interface CommandHelpJSON {
  Usage: string;
  Featured: boolean;
  Description: string;
  Examples: string[];
  WhoCanUse: string;
}

export interface PluginHelpJSON {
  Description: string;
  Config: Record<string, string> | null;
  Snippet?: string;
  Events: string[] | null;
  Commands: CommandHelpJSON[] | null;
}

export interface HelpJSON {
  AllRepos: string[];
  RepoPlugins: Record<string, string[]>;
  RepoExternalPlugins: Record<string, string[]>;
  PluginHelp: Record<string, PluginHelpJSON>;
  ExternalPluginHelp: Record<string, PluginHelpJSON>;
}

/** Upstream's names for the events a handler kind receives (plugins.EventsForPlugin). */
export const HANDLER_EVENT_NAMES: Record<keyof PluginHandlers, string> = {
  issue: 'issue',
  issueComment: 'issue_comment',
  pullRequest: 'pull_request',
  review: 'pull_request_review',
  reviewComment: 'pull_request_review_comment',
  push: 'push',
  status: 'status',
  genericComment: 'GenericCommentEvent (any event for user text)',
};

export function pluginEvents(plugin: Plugin): string[] {
  return (Object.keys(HANDLER_EVENT_NAMES) as (keyof PluginHandlers)[])
    .filter((k) => plugin.handlers[k] !== undefined)
    .map((k) => HANDLER_EVENT_NAMES[k]);
}

export function externalPluginsOf(pluginConfig: PluginsConfig | undefined): ExternalPluginsConfig {
  return pluginConfig?.external_plugins ?? {};
}

/** plugin name → the "org" / "org/repo" keys that enable it. */
function reverseMap(repoPlugins: Record<string, string[]>): Map<string, string[]> {
  const rev = new Map<string, string[]>();
  for (const [repo, names] of Object.entries(repoPlugins)) {
    for (const name of names) rev.set(name, [...(rev.get(name) ?? []), repo]);
  }
  return rev;
}

export function pluginHelpJSON(plugin: Plugin, pluginConfig: PluginsConfig | undefined, enabledRepos: string[]): PluginHelpJSON {
  const { help } = plugin;
  let config = help.config ?? null;
  if (plugin.configHelp !== undefined && pluginConfig !== undefined) {
    config = { ...(config ?? {}), ...plugin.configHelp(pluginConfig, enabledRepos) };
  }
  const out: PluginHelpJSON = {
    Description: help.description,
    Config: config,
    Events: pluginEvents(plugin),
    Commands: (help.commands ?? []).map((c) => ({
      Usage: c.usage,
      Featured: c.featured ?? false,
      Description: c.description,
      Examples: c.examples,
      WhoCanUse: c.whoCanUse,
    })),
  };
  if (help.snippet !== undefined && help.snippet !== '') out.Snippet = help.snippet;
  return out;
}

export interface GenerateHelpOptions {
  fetch?: typeof fetch;
  /** How long to wait for all external plugins' /help answers together (upstream: 1 s). */
  externalTimeoutMs?: number;
  onExternalError?: (plugin: string, err: unknown) => void;
}

export async function generatePluginHelp(
  plugins: readonly Plugin[],
  pluginConfig: PluginsConfig | undefined,
  options: GenerateHelpOptions = {},
): Promise<HelpJSON> {
  const repoPlugins = configuredRepoPlugins(pluginConfig);
  const rev = reverseMap(repoPlugins);
  const pluginHelp: Record<string, PluginHelpJSON> = {};
  for (const p of plugins) pluginHelp[p.name] = pluginHelpJSON(p, pluginConfig, rev.get(p.name) ?? []);

  const externalConfig = externalPluginsOf(pluginConfig);
  const repoExternalPlugins: Record<string, string[]> = {};
  const externals = new Map<string, ExternalPlugin>();
  for (const [repo, list] of Object.entries(externalConfig)) {
    for (const ext of list ?? []) {
      repoExternalPlugins[repo] = [...(repoExternalPlugins[repo] ?? []), ext.name];
      externals.set(ext.name, ext);
    }
  }
  const externalRev = reverseMap(repoExternalPlugins);
  const externalPluginHelp = await fetchExternalHelp([...externals.values()], externalRev, options);

  const allRepos = new Set([...Object.keys(repoPlugins), ...Object.keys(repoExternalPlugins)]);
  return {
    AllRepos: [...allRepos].sort(),
    RepoPlugins: { '': plugins.map((p) => p.name), ...repoPlugins },
    RepoExternalPlugins: { '': [...externals.keys()], ...repoExternalPlugins },
    PluginHelp: pluginHelp,
    ExternalPluginHelp: externalPluginHelp,
  };
}

async function fetchExternalHelp(
  externals: ExternalPlugin[],
  rev: Map<string, string[]>,
  options: GenerateHelpOptions,
): Promise<Record<string, PluginHelpJSON>> {
  const { fetch: doFetch = fetch, externalTimeoutMs = 1000, onExternalError } = options;
  const out: Record<string, PluginHelpJSON> = {};
  const signal = AbortSignal.timeout(externalTimeoutMs);
  await Promise.all(
    externals.map(async (ext) => {
      const url = `${externalEndpoint(ext).replace(/\/+$/, '')}/help`;
      try {
        const res = await doFetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(rev.get(ext.name) ?? []),
          signal,
        });
        if (!res.ok) throw new Error(`post to ${url} failed with status ${res.status}`);
        const help = (await res.json()) as PluginHelpJSON;
        out[ext.name] = { ...help, Events: ext.events ?? null };
      } catch (err) {
        onExternalError?.(ext.name, err);
      }
    }),
  );
  return out;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

/**
 * docs/commands.md, generated from the registry's help (scripts/gen-commands-doc.ts): every command of
 * every plugin, sorted by plugin name, then each plugin's description.
 */
export function renderCommandsMarkdown(plugins: readonly Plugin[]): string {
  const sorted = [...plugins].sort((a, b) => a.name.localeCompare(b.name));
  const lines = [
    '# Bot commands',
    '',
    '<!-- Generated from the plugin registry by `node --import tsx scripts/gen-commands-doc.ts`. Do not edit. -->',
    '',
    'Commands are typed at the start of a line in an issue or pull-request comment, review, review comment, or',
    'the issue/PR body itself. A plugin only answers in repositories where `plugins.yaml` enables it; the',
    'running hook lists what is enabled where at `/plugin-help`.',
    '',
  ];
  const rows = sorted.flatMap((p) => (p.help.commands ?? []).map((c) => ({ p, c })));
  if (rows.length === 0) {
    lines.push('No plugin with commands is registered.', '');
  } else {
    lines.push('| Command | Plugin | Who can use | Description | Examples |', '|---|---|---|---|---|');
    for (const { p, c } of rows) {
      const usage = `\`${cell(c.usage)}\`${c.featured ? ' ★' : ''}`;
      const examples = c.examples.map((e) => `\`${cell(e)}\``).join('<br>');
      lines.push(`| ${usage} | [${p.name}](#${p.name}) | ${cell(c.whoCanUse)} | ${cell(c.description)} | ${examples} |`);
    }
    lines.push('', '★ featured command', '');
  }
  lines.push('## Plugins', '');
  if (sorted.length === 0) lines.push('No plugin is registered yet.', '');
  for (const p of sorted) {
    lines.push(`### ${p.name}`, '', p.help.description.trim(), '');
    lines.push(`Events: ${pluginEvents(p).map((e) => `\`${e}\``).join(', ')}`, '');
    if (p.help.snippet) lines.push('Example configuration:', '', '```yaml', p.help.snippet.trimEnd(), '```', '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
