// label's plugins.yaml section (upstream plugins.Label), owned here and handed to the loader by the registry.
import { S } from '../../config/decode.js';
import { strList, type PluginConfigSection } from '../../config/plugin-sections.js';
import type { LabelConfig } from '../../config/types.js';

/** plugins.yaml `label` (upstream plugins.Label): additional labels and restricted labels per `*`, org or org/repo. */
export const labelConfigSection: PluginConfigSection<LabelConfig> = {
  section: 'label',
  schema: S.obj('Label', {
    additional_labels: strList,
    restricted_labels: S.map(S.list(S.obj('RestrictedLabel', {
      label: S.str, allowed_teams: strList, allowed_users: strList, assign_on: S.list(S.obj('AssignOnLabel', { label: S.str })),
    }))),
  }),
  defaults: (raw) => (raw as LabelConfig | undefined) ?? {},
};
