import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KNOWN_PLUGIN_NAMES } from '../../src/config/plugins.js';
import type { PluginsConfig } from '../../src/config/types.js';
import { generatePluginHelp } from '../../src/hook/plugin-help.js';
import { matchExternalPlugins } from '../../src/hook/external-plugins.js';
import { builtinPlugins, validatePlugins } from '../../src/plugins/registry.js';
import { enabledPluginNames, pluginsFor } from '../../src/plugins/select.js';
import type { Plugin } from '../../src/plugins/types.js';

const noop = async () => undefined;

describe('plugin registry', () => {
  it('built-in plugins are valid and every name is one checkconfig knows', () => {
    assert.deepEqual(validatePlugins(builtinPlugins), []);
    for (const p of builtinPlugins) assert.ok(KNOWN_PLUGIN_NAMES.includes(p.name), `${p.name} is not in KNOWN_PLUGIN_NAMES`);
  });

  it('validatePlugins reports duplicates, bad names, missing handlers and help', () => {
    const problems = validatePlugins([
      { name: 'ok', help: { description: 'd' }, handlers: { push: noop } },
      { name: 'ok', help: { description: 'd' }, handlers: { push: noop } },
      { name: 'Bad Name', help: { description: '' }, handlers: {} },
      { name: 'cmd', help: { description: 'd', commands: [{ usage: '', description: '', whoCanUse: '', examples: [] }] }, handlers: { push: noop } },
    ]);
    assert.deepEqual(problems, [
      'plugin[1] "ok": registered twice',
      'plugin[2] "Bad Name": name must be lower-case letters, digits, - or _',
      'plugin[2] "Bad Name": help.description is empty',
      'plugin[2] "Bad Name": has no handler',
      'plugin[3] "cmd": help.commands[0].usage is empty',
      'plugin[3] "cmd": help.commands[0].whoCanUse is empty',
    ]);
  });

  const pc = {
    plugins: {
      org: { plugins: ['a', 'b'], excluded_repos: ['skip'] },
      'org/repo': { plugins: ['c'] },
      'org/skip': { plugins: ['b'] },
      other: { plugins: ['a'] },
    },
    external_plugins: {},
  } as unknown as PluginsConfig;

  const cases: { name: string; org: string; repo: string; want: string[] }[] = [
    { name: 'org list then repo list', org: 'org', repo: 'repo', want: ['a', 'b', 'c'] },
    { name: 'org list only', org: 'org', repo: 'x', want: ['a', 'b'] },
    { name: 'excluded repo gets only its own list', org: 'org', repo: 'skip', want: ['b'] },
    { name: 'unknown org gets nothing (no * key)', org: 'nobody', repo: 'x', want: [] },
  ];
  for (const c of cases) it(`enablement: ${c.name}`, () => assert.deepEqual(enabledPluginNames(pc, c.org, c.repo), c.want));

  it('pluginsFor keeps registry order and only plugins with a handler for the kind', () => {
    const plugins: Plugin[] = [
      { name: 'c', help: { description: 'd' }, handlers: { push: noop } },
      { name: 'a', help: { description: 'd' }, handlers: { genericComment: noop } },
      { name: 'b', help: { description: 'd' }, handlers: { genericComment: noop } },
      { name: 'z', help: { description: 'd' }, handlers: { genericComment: noop } },
    ];
    assert.deepEqual(pluginsFor(plugins, pc, 'org', 'repo', 'genericComment').map((p) => p.name), ['a', 'b']);
    assert.deepEqual(pluginsFor(plugins, pc, 'org', 'repo', 'push').map((p) => p.name), ['c']);
  });

  it('external plugins match org and org/repo entries by event type', () => {
    const ext = {
      org: [{ name: 'all', endpoint: 'http://all' }, { name: 'pushes', endpoint: 'http://p', events: ['push'] }],
      'org/repo': [{ name: 'repo-only', endpoint: 'http://r', events: ['issue_comment'] }],
      'org/other': [{ name: 'elsewhere', endpoint: 'http://e' }],
    };
    assert.deepEqual(matchExternalPlugins(ext, 'issue_comment', 'org/repo').map((p) => p.name), ['all', 'repo-only']);
    assert.deepEqual(matchExternalPlugins(ext, 'push', 'org/repo').map((p) => p.name), ['all', 'pushes']);
    assert.deepEqual(matchExternalPlugins(ext, 'push', ''), [], 'org-level events match nothing');
  });

  it('plugin help includes configHelp and live external help (POSTing the enabled repos)', async () => {
    const seen: { url: string; body: string }[] = [];
    const fakeFetch = (async (url: string, init: RequestInit) => {
      seen.push({ url, body: String(init.body) });
      if (url.includes('broken')) return new Response('no', { status: 500 });
      return Response.json({ Description: 'ext help', Config: null, Events: null, Commands: null });
    }) as unknown as typeof fetch;
    const plugins: Plugin[] = [{
      name: 'a',
      help: { description: 'A.' },
      configHelp: (_pc, repos) => ({ '': `enabled in ${repos.join(',')}` }),
      handlers: { push: noop },
    }];
    const config = { ...pc, external_plugins: { org: [{ name: 'ext', endpoint: 'http://ext/', events: ['push'] }, { name: 'broken', endpoint: 'http://broken' }] } } as unknown as PluginsConfig;
    const errors: string[] = [];
    const help = await generatePluginHelp(plugins, config, { fetch: fakeFetch, onExternalError: (p) => errors.push(p) });
    assert.deepEqual(help.PluginHelp.a?.Config, { '': 'enabled in org,other' });
    assert.deepEqual(help.ExternalPluginHelp, { ext: { Description: 'ext help', Config: null, Events: ['push'], Commands: null } });
    assert.deepEqual(help.RepoExternalPlugins, { '': ['ext', 'broken'], org: ['ext', 'broken'] });
    assert.deepEqual(seen.map((s) => [s.url, s.body]).sort(), [['http://broken/help', '["org"]'], ['http://ext/help', '["org"]']]);
    assert.deepEqual(errors, ['broken']);
  });
});
