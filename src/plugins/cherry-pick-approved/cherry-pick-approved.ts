// cherry-pick-approved (upstream pkg/plugins/cherrypickapproved/cherrypickapproved.go): an APPROVED review by
// one of `cherry_pick_approved[].approvers` on a PR against a matching branch, whose tests have not failed
// and which carries lgtm and approved (unless allowed missing) and no blocking label, adds
// cherry-pick-approved and removes do-not-merge/cherry-pick-not-approved.
import { lineOf, S } from '../../config/decode.js';
import { strList, type PluginConfigSection } from '../../config/plugin-sections.js';
import { compileRegex } from '../../go/regex.js';
import { APPROVED, HOLD, LGTM, NEEDS_OK_TO_TEST, RELEASE_NOTE_LABEL_NEEDED, hasLabel } from '../../api/labels.js';
import type { ReviewEvent } from '../../github/event-types.js';
import type { GitHubClient } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';
import { CP_APPROVED, CP_UNAPPROVED } from '../cherry-pick-unapproved/cherry-pick-unapproved.js';
import type { Plugin } from '../types.js';

export const DEFAULT_CP_APPROVED_BRANCH_REGEXP = '^release-.*$';

/** upstream's labels that keep a cherry-pick from being approved (cherrypickapproved.go hasInvalidLabels) */
export const CP_BLOCKING_LABELS = [
  'do-not-merge/blocked-paths',
  'cncf-cla: no',
  HOLD,
  'do-not-merge/invalid-owners-file',
  'bugzilla/invalid-bug',
  'do-not-merge/contains-merge-commits',
  NEEDS_OK_TO_TEST,
  'needs-rebase',
  RELEASE_NOTE_LABEL_NEEDED,
  'do-not-merge/work-in-progress',
];

/** upstream plugins.CherryPickApproved, key for key */
export interface CherryPickApprovedEntry {
  org?: string;
  repo?: string;
  branchregexp?: string;
  approvers?: string[];
  allow_missing_approved_label?: boolean;
  allow_missing_lgtm_label?: boolean;
}

export const cherryPickApprovedConfigSection: PluginConfigSection<CherryPickApprovedEntry[]> = {
  section: 'cherry_pick_approved',
  schema: S.list(S.obj('CherryPickApproved', {
    org: S.str, repo: S.str, branchregexp: S.str, approvers: strList, allow_missing_approved_label: S.bool, allow_missing_lgtm_label: S.bool,
  })),
  defaults: (raw) => {
    const list = (raw as CherryPickApprovedEntry[] | undefined) ?? [];
    for (const e of list) if ((e.branchregexp ?? '') === '') e.branchregexp = DEFAULT_CP_APPROVED_BRANCH_REGEXP;
    return list;
  },
  validate: (list, _raw, report) => {
    list.forEach((e, i) => {
      try {
        compileRegex(e.branchregexp ?? DEFAULT_CP_APPROVED_BRANCH_REGEXP);
      } catch (err) {
        report.error(lineOf(e, 'branchregexp'), `cherry_pick_approved[${i}].branchregexp`, (err as Error).message);
      }
    });
  },
};

export type CherryPickApprovedGitHub = Pick<GitHubClient, 'getCombinedStatus' | 'listIssueLabels' | 'addLabel' | 'removeLabel'>;

export const cherryPickApprovedPlugin: Plugin = {
  name: 'cherry-pick-approved',
  help: {
    description: 'The cherry-pick-approved plugin helps a defined set of maintainers to approve cherry-picks by using GitHub reviews',
    config: {
      '': 'The cherry-pick-approved plugin treats PRs against branch names satisfying the `branchregexp` as cherry-pick PRs. There needs to be a defined `approvers` list for the plugin to be able to distinguish cherry-pick approvers from regular maintainers.',
    },
    snippet: 'cherry_pick_approved:\n  - org: kubernetes\n    repo: kubernetes\n    branchregexp: ^release-*\n    approvers: [release-manager]\n    allow_missing_approved_label: false\n    allow_missing_lgtm_label: false\n',
  },
  config: cherryPickApprovedConfigSection,
  handlers: {
    review: (e, ctx) => handleCherryPickApproved(ctx.github, ctx.log, e, cherryPickApprovedOf(ctx.snapshot.plugins)),
  },
};

function cherryPickApprovedOf(pc: unknown): CherryPickApprovedEntry[] {
  return (pc as { cherry_pick_approved?: CherryPickApprovedEntry[] }).cherry_pick_approved ?? [];
}

export async function handleCherryPickApproved(gh: CherryPickApprovedGitHub, log: Logger, e: ReviewEvent, entries: readonly CherryPickApprovedEntry[]): Promise<void> {
  // As upstream, the last entry naming this org/repo wins.
  const cfg = entries.filter((c) => c.org === e.org && c.repo === e.repo).at(-1);
  if (cfg === undefined || (cfg.approvers ?? []).length === 0) return;
  const branch = e.pullRequest.base.ref;
  if (!compileRegex(cfg.branchregexp ?? DEFAULT_CP_APPROVED_BRANCH_REGEXP).test(branch)) return;
  if (e.action !== 'submitted' || e.reviewState !== 'approved') return;

  const combined = await gh.getCombinedStatus(e.org, e.repo, e.headSHA);
  if (combined.statuses.some((s) => s.state === 'error' || s.state === 'failure')) {
    log.info({ branch }, 'not approving the cherry-pick: tests failed');
    return;
  }
  const labels = await gh.listIssueLabels(e.org, e.repo, e.number);
  const reviewer = e.review.user?.login ?? '';
  if (!(cfg.approvers ?? []).includes(reviewer)) {
    log.info({ user: reviewer }, 'not approving the cherry-pick: not a cherry-pick approver');
    return;
  }
  const lgtm = hasLabel(labels, LGTM) || cfg.allow_missing_lgtm_label === true;
  const approved = hasLabel(labels, APPROVED) || cfg.allow_missing_approved_label === true;
  if (!lgtm || !approved || CP_BLOCKING_LABELS.some((l) => hasLabel(labels, l))) return;
  // As upstream, a failed label write is logged and the other one still tried.
  if (!hasLabel(labels, CP_APPROVED)) {
    log.info({ label: CP_APPROVED, user: reviewer }, 'approving the cherry-pick');
    await gh.addLabel(e.org, e.repo, e.number, CP_APPROVED).catch((err: unknown) => log.error({ err, label: CP_APPROVED }, 'cannot add the label'));
  }
  if (hasLabel(labels, CP_UNAPPROVED)) {
    await gh.removeLabel(e.org, e.repo, e.number, CP_UNAPPROVED).catch((err: unknown) => log.error({ err, label: CP_UNAPPROVED }, 'cannot remove the label'));
  }
}
