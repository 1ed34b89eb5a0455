// heart's plugins.yaml section (upstream plugins.Heart), owned here and handed to the loader by the registry.
import { S } from '../../config/decode.js';
import { strList, type PluginConfigSection } from '../../config/plugin-sections.js';
import { validateRegexField } from '../../config/plugins.js';
import type { PluginsConfig } from '../../config/types.js';

type HeartConfig = NonNullable<PluginsConfig['heart']>;

/** plugins.yaml `heart` (upstream plugins.Heart). */
export const heartConfigSection: PluginConfigSection<HeartConfig> = {
  section: 'heart',
  schema: S.obj('Heart', { adorees: strList, commentregexp: S.str }),
  defaults: (raw) => (raw as HeartConfig | undefined) ?? {},
  validate: (value, raw, report) => validateRegexField(raw as object | undefined, 'commentregexp', 'heart.commentregexp', value.commentregexp, report),
};
