// lgtm's plugins.yaml section (upstream plugins.Lgtm), owned here and handed to the loader by the registry.
import { S } from '../../config/decode.js';
import { listOfRepos, type PluginConfigSection } from '../../config/plugin-sections.js';
import type { LgtmConfig } from '../../config/types.js';

/** One entry per set of repos; lgtmFor picks the entry naming org/repo, else the org. */
export const lgtmConfigSection: PluginConfigSection<LgtmConfig[]> = {
  section: 'lgtm',
  schema: listOfRepos('Lgtm', { review_acts_as_lgtm: S.bool, store_tree_hash: S.bool, trusted_team_for_sticky_lgtm: S.str }),
  defaults: (raw) => (raw as LgtmConfig[] | undefined) ?? [],
};
