// Plugins are registered as DATA (docs/plugins-core.md "Writing a plugin"): help, docs, checkconfig and the
// dispatcher all read this one list without running anything. To add a plugin, add ONE import line and
// ONE array line below (keep one per line, sorted, so parallel edits do not conflict).
import type { Plugin } from './types.js';

// --- plugin imports (one per line) ---

import { approvePlugin } from './approve/approve.js';
import { assignPlugin } from './assign/assign.js';
import { blockadePlugin } from './blockade/blockade.js';
import { buildifierPlugin } from './buildifier/buildifier.js';
import { blunderbussPlugin } from './blunderbuss/blunderbuss.js';
import { branchCleanerPlugin } from './branchcleaner/branchcleaner.js';
import { bugzillaPlugin } from './bugzilla/bugzilla.js';
import { catPlugin } from './cat/cat.js';
import { cherryPickApprovedPlugin } from './cherry-pick-approved/cherry-pick-approved.js';
import { cherryPickUnapprovedPlugin } from './cherry-pick-unapproved/cherry-pick-unapproved.js';
import { claPlugin } from './cla/cla.js';
import { configUpdaterPlugin } from './config-updater/config-updater.js';
import { dcoPlugin } from './dco/dco.js';
import { dogPlugin } from './dog/dog.js';
import { golintPlugin } from './golint/golint.js';
import { goosePlugin } from './goose/goose.js';
import { heartPlugin } from './heart/heart.js';
import { helpPlugin } from './help/help.js';
import { holdPlugin } from './hold/hold.js';
import { issueManagementPlugin } from './issue-management/issue-management.js';
import { invalidCommitMsgPlugin } from './invalidcommitmsg/invalidcommitmsg.js';
import { jiraPlugin } from './jira/jira.js';
import { labelPlugin } from './label/label.js';
import { lgtmPlugin } from './lgtm/lgtm.js';
import { lifecyclePlugin } from './lifecycle/lifecycle.js';
import { mergeMethodCommentPlugin } from './merge-method-comment/merge-method-comment.js';
import { mergeCommitBlockerPlugin } from './mergecommitblocker/mergecommitblocker.js';
import { milestonePlugin } from './milestone/milestone.js';
import { milestoneApplierPlugin } from './milestoneapplier/milestoneapplier.js';
import { milestoneStatusPlugin } from './milestonestatus/milestonestatus.js';
import { overridePlugin } from './override/override.js';
import { ownersLabelPlugin } from './owners-label/owners-label.js';
import { ponyPlugin } from './pony/pony.js';
import { projectPlugin } from './project/project.js';
import { releaseNotePlugin } from './release-note/release-note.js';
import { requireMatchingLabelPlugin } from './require-matching-label/require-matching-label.js';
import { retitlePlugin } from './retitle/retitle.js';
import { rewardOwnersPlugin } from './reward-owners/reward-owners.js';
import { riflePlugin } from './rifle/rifle.js';
import { shrugPlugin } from './shrug/shrug.js';
import { skipPlugin } from './skip/skip.js';
import { slackeventsPlugin } from './slackevents/slackevents.js';
import { stagePlugin } from './stage/stage.js';
import { sigmentionPlugin } from './sigmention/sigmention.js';
import { sizePlugin } from './size/size.js';
import { testFreezePlugin } from './testfreeze/testfreeze.js';
import { trickOrTreatPlugin } from './trick-or-treat/trick-or-treat.js';
import { triggerPlugin } from './trigger/trigger.js';
import { verifyOwnersPlugin } from './verify-owners/verify-owners.js';
import { welcomePlugin } from './welcome/welcome.js';
import { wipPlugin } from './wip/wip.js';
import { yuksPlugin } from './yuks/yuks.js';
import type { PluginConfigSection } from '../config/plugin-sections.js';
// --- end of plugin imports ---

export const builtinPlugins: Plugin[] = [
  // --- plugins (one per line) ---
  approvePlugin,
  assignPlugin,
  blockadePlugin,
  buildifierPlugin,
  blunderbussPlugin,
  branchCleanerPlugin,
  bugzillaPlugin,
  catPlugin,
  cherryPickApprovedPlugin,
  cherryPickUnapprovedPlugin,
  claPlugin,
  configUpdaterPlugin,
  dcoPlugin,
  dogPlugin,
  golintPlugin,
  goosePlugin,
  heartPlugin,
  helpPlugin,
  holdPlugin,
  invalidCommitMsgPlugin,
  issueManagementPlugin,
  jiraPlugin,
  labelPlugin,
  lgtmPlugin,
  lifecyclePlugin,
  mergeMethodCommentPlugin,
  milestonePlugin,
  mergeCommitBlockerPlugin,
  milestoneApplierPlugin,
  milestoneStatusPlugin,
  overridePlugin,
  ownersLabelPlugin,
  ponyPlugin,
  projectPlugin,
  releaseNotePlugin,
  requireMatchingLabelPlugin,
  retitlePlugin,
  rewardOwnersPlugin,
  riflePlugin,
  shrugPlugin,
  sigmentionPlugin,
  sizePlugin,
  skipPlugin,
  stagePlugin,
  slackeventsPlugin,
  testFreezePlugin,
  trickOrTreatPlugin,
  triggerPlugin,
  verifyOwnersPlugin,
  welcomePlugin,
  wipPlugin,
  yuksPlugin,
  // --- end of plugins ---
];

/** The plugins.yaml sections the plugins own, for the loader, the ConfigAgent and checkconfig. */
export function builtinPluginSections(plugins: readonly Plugin[] = builtinPlugins): PluginConfigSection[] {
  return plugins.flatMap((p) => (p.config === undefined ? [] : [p.config]));
}

/** The names plugins.yaml may enable in this build (hook, `prow up` and checkconfig refuse any other). */
export function builtinPluginNames(plugins: readonly Plugin[] = builtinPlugins): string[] {
  return plugins.map((p) => p.name);
}

/** Problems with a plugin list: empty or duplicate names, no handler, no description. */
export function validatePlugins(plugins: readonly Plugin[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  plugins.forEach((p, i) => {
    const where = `plugin[${i}] ${JSON.stringify(p.name)}`;
    if (!/^[a-z0-9][a-z0-9_-]*$/.test(p.name)) problems.push(`${where}: name must be lower-case letters, digits, - or _`);
    if (seen.has(p.name)) problems.push(`${where}: registered twice`);
    seen.add(p.name);
    if (p.help.description.trim() === '') problems.push(`${where}: help.description is empty`);
    if (Object.values(p.handlers).every((h) => h === undefined)) problems.push(`${where}: has no handler`);
    for (const [j, c] of (p.help.commands ?? []).entries()) {
      if (c.usage.trim() === '') problems.push(`${where}: help.commands[${j}].usage is empty`);
      if (c.whoCanUse.trim() === '') problems.push(`${where}: help.commands[${j}].whoCanUse is empty`);
    }
  });
  return problems;
}
