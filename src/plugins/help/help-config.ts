// help's plugins.yaml section (upstream plugins.Help), owned here and handed to the loader by the registry.
import { S } from '../../config/decode.js';
import type { PluginConfigSection } from '../../config/plugin-sections.js';
import { DEFAULT_HELP_GUIDELINES_URL } from '../../config/plugins.js';
import type { PluginsConfig } from '../../config/types.js';

type HelpConfig = NonNullable<PluginsConfig['help']>;

/** plugins.yaml `help` (upstream plugins.Help): the guidelines URL defaults to the contributor guide. */
export const helpConfigSection: PluginConfigSection<HelpConfig> = {
  section: 'help',
  schema: S.obj('Help', { help_guidelines_url: S.str, help_guidelines_summary: S.str }),
  defaults: (raw) => {
    const help = (raw as Partial<HelpConfig> | undefined) ?? {};
    help.help_guidelines_url ||= DEFAULT_HELP_GUIDELINES_URL;
    return help as HelpConfig;
  },
};
