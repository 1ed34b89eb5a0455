// Command help (plugins' descriptions are HTML, shown through src/deck/help-html.ts): every command of every plugin (usage, who can use it, examples) and where each plugin is enabled.
import { sanitizeHelpHtml } from '../help-html.js';
import { html, type SafeHtml } from '../html.js';

/** Upstream's /plugin-help JSON (pluginhelp.Help), as hook serves it. */
export interface CommandHelp {
  Usage: string;
  Featured: boolean;
  Description: string;
  Examples: string[] | null;
  WhoCanUse: string;
}

export interface PluginHelp {
  Description: string;
  Config?: Record<string, string> | null;
  Events?: string[] | null;
  Commands?: CommandHelp[] | null;
}

export interface HelpData {
  AllRepos: string[];
  RepoPlugins: Record<string, string[]>;
  RepoExternalPlugins?: Record<string, string[]>;
  PluginHelp: Record<string, PluginHelp>;
  ExternalPluginHelp?: Record<string, PluginHelp>;
}

export function helpPage(data: HelpData, repoFilter: string | undefined): SafeHtml {
  const all = { ...(data.ExternalPluginHelp ?? {}), ...data.PluginHelp };
  const enabledIn = new Map<string, string[]>();
  for (const [repo, names] of [...Object.entries(data.RepoPlugins), ...Object.entries(data.RepoExternalPlugins ?? {})]) {
    if (repo === '') continue;
    for (const n of names) enabledIn.set(n, [...(enabledIn.get(n) ?? []), repo]);
  }
  const visible = (plugin: string): boolean => {
    if (!repoFilter) return true;
    const org = repoFilter.split('/')[0];
    return (enabledIn.get(plugin) ?? []).some((r) => r === repoFilter || r === org);
  };
  const names = Object.keys(all).filter(visible).sort();
  const rows = names.flatMap((n) => (all[n]?.Commands ?? []).map((c) => ({ plugin: n, c })));
  return html`<h1>Command help</h1>
<form method="get" action="/command-help" class="filters"><label>Repository <select name="repo"><option value="">all</option>${data.AllRepos.map(
    (r) => html`<option${r === repoFilter ? html` selected` : ''}>${r}</option>`,
  )}</select></label> <button type="submit">Show</button></form>
<p class="muted">Commands go at the start of a line in a comment on an issue or pull request.</p>
<table class="commands" id="commands"><thead><tr><th>Command</th><th>Plugin</th><th>Who can use</th><th>Description</th><th>Examples</th></tr></thead><tbody>
${rows.length ? rows.map(({ plugin, c }) => html`<tr><td><code>${c.Usage}</code>${c.Featured ? ' ★' : ''}</td><td><a href="#plugin-${plugin}">${plugin}</a></td><td class="help-text">${sanitizeHelpHtml(c.WhoCanUse)}</td><td class="help-text">${sanitizeHelpHtml(c.Description)}</td><td>${(c.Examples ?? []).map((e) => html`<code>${e}</code><br>`)}</td></tr>`) : html`<tr><td colspan="5" class="empty">No commands.</td></tr>`}
</tbody></table>
<h2>Plugins</h2>
${names.map((n) => html`<section class="plugin" id="plugin-${n}"><h3>${n}</h3><div class="help-text">${sanitizeHelpHtml(all[n]?.Description ?? '')}</div>
<p class="muted">Enabled for: ${(enabledIn.get(n) ?? []).join(', ') || 'no repository'}</p></section>`)}`;
}
