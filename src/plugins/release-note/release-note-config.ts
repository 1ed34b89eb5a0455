// release-note's plugins.yaml section `release_note` (upstream plugins.ReleaseNote), owned here and handed
// to the loader by the registry.
import { S } from '../../config/decode.js';
import type { PluginConfigSection } from '../../config/plugin-sections.js';
import type { PluginsConfig } from '../../config/types.js';

type ReleaseNoteConfig = PluginsConfig['release_note'];

/** No defaults at load: the plugin falls back to upstream's guidelines URL when none is set. */
export const releaseNoteConfigSection: PluginConfigSection<ReleaseNoteConfig> = {
  section: 'release_note',
  schema: S.obj('ReleaseNote', { guidelines_url: S.str }),
  defaults: (raw) => raw as ReleaseNoteConfig,
};
