// approve's plugins.yaml section (upstream plugins.Approve), owned here and handed to the loader by the registry.
import { S } from '../../config/decode.js';
import { listOfRepos, type PluginConfigSection } from '../../config/plugin-sections.js';
import { DEFAULT_APPROVE_COMMAND_HELP_LINK, DEFAULT_APPROVE_PR_PROCESS_LINK, validateUniqueRepos } from '../../config/plugins.js';
import type { ApproveConfig } from '../../config/types.js';

/** One entry per set of repos, each repo in one entry only; the help links default to upstream's pages. */
export const approveConfigSection: PluginConfigSection<ApproveConfig[]> = {
  section: 'approve',
  schema: listOfRepos('Approve', {
    issue_required: S.bool, require_self_approval: S.bool, lgtm_acts_as_approve: S.bool, ignore_review_state: S.bool,
    commandHelpLink: S.str, pr_process_link: S.str, implicit_self_approve: S.bool, review_acts_as_approve: S.bool,
  }),
  defaults: (raw) => {
    const list = (raw as ApproveConfig[] | undefined) ?? [];
    for (const a of list) {
      if (!a) continue;
      a.commandHelpLink ||= DEFAULT_APPROVE_COMMAND_HELP_LINK;
      a.pr_process_link ||= DEFAULT_APPROVE_PR_PROCESS_LINK;
    }
    return list;
  },
  validate: (list, _raw, report) => validateUniqueRepos('approve', list, report),
};
