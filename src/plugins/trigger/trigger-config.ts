// trigger's plugins.yaml section `triggers` (upstream plugins.Trigger), owned here and handed to the loader
// by the registry.
import { S } from '../../config/decode.js';
import { listOfRepos, strList, type PluginConfigSection } from '../../config/plugin-sections.js';
import type { TriggerConfig } from '../../config/types.js';

/** One entry per set of repos; join_org_url defaults to the trusted org's people page. */
export const triggerConfigSection: PluginConfigSection<TriggerConfig[]> = {
  section: 'triggers',
  schema: listOfRepos('Trigger', {
    trusted_apps: strList, trusted_org: S.str, join_org_url: S.str, only_org_members: S.bool, ignore_ok_to_test: S.bool,
    trigger_github_workflows: S.bool, elide_skipped_contexts: S.bool,
    org_invite: S.obj('OrgInvite', { prominent: S.obj('ProminentInvite', { disabled: S.bool, merged_pr_threshold: S.int, message: S.str }) }),
  }),
  defaults: (raw) => {
    const list = (raw as TriggerConfig[] | undefined) ?? [];
    for (const t of list) if (t?.trusted_org && !t.join_org_url) t.join_org_url = `https://github.com/orgs/${t.trusted_org}/people`;
    return list;
  },
};
