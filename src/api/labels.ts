// Label and annotation keys upstream puts on ProwJobs and pods (upstream pkg/kube/prowjob.go; docs/prowjob.md).
export const CREATED_BY_PROW_LABEL = 'created-by-prow';
export const PROWJOB_TYPE_LABEL = 'prow.k8s.io/type';
export const PROWJOB_JOB_LABEL = 'prow.k8s.io/job';
export const PROWJOB_CONTEXT_LABEL = 'prow.k8s.io/context';
export const ORG_LABEL = 'prow.k8s.io/refs.org';
export const REPO_LABEL = 'prow.k8s.io/refs.repo';
export const BASE_REF_LABEL = 'prow.k8s.io/refs.base_ref';
export const PULL_LABEL = 'prow.k8s.io/refs.pull';
/** @public upstream's pod label (pkg/kube/prowjob.go), for the pod executor. */
export const PROWJOB_ID_LABEL = 'prow.k8s.io/id';
/** @public upstream's pod label (pkg/kube/prowjob.go), for the pod executor. */
export const BUILD_ID_LABEL = 'prow.k8s.io/build-id';
/** @public upstream's pod label (pkg/kube/prowjob.go), for the pod executor. */
export const PLANK_VERSION_LABEL = 'prow.k8s.io/plank-version';
export const EVENT_GUID_LABEL = 'event-GUID';
export const IS_OPTIONAL_LABEL = 'prow.k8s.io/is-optional';
export const RETEST_LABEL = 'prow.k8s.io/retest';
/** @public set on ProwJobs tide creates (pkg/tide), read by tide. */
export const CREATED_BY_TIDE_LABEL = 'created-by-tide';
export const RERUN_LABEL = 'prow.k8s.io/re-run';

// GitHub label names the built-in plugins read and write (upstream pkg/labels). Tide queries and existing
// repositories depend on these exact strings: no plugin spells a label inline.
export const APPROVED = 'approved';
export const KIND_DEPRECATION = 'kind/deprecation';
export const GOOD_FIRST_ISSUE = 'good first issue';
export const HELP_WANTED = 'help wanted';
export const HOLD = 'do-not-merge/hold';
export const LGTM = 'lgtm';
export const LIFECYCLE_ACTIVE = 'lifecycle/active';
export const LIFECYCLE_FROZEN = 'lifecycle/frozen';
export const LIFECYCLE_ROTTEN = 'lifecycle/rotten';
export const LIFECYCLE_STALE = 'lifecycle/stale';
export const NEEDS_OK_TO_TEST = 'needs-ok-to-test';
export const OK_TO_TEST = 'ok-to-test';
export const RELEASE_NOTE_LABEL_NEEDED = 'do-not-merge/release-note-label-needed';
export const RELEASE_NOTE = 'release-note';
export const RELEASE_NOTE_NONE = 'release-note-none';
export const RELEASE_NOTE_ACTION_REQUIRED = 'release-note-action-required';
export const SHRUG = '¯\\_(ツ)_/¯';
export const SIZE_LABEL_PREFIX = 'size/';
export const SIZE_XS = 'size/XS';
export const SIZE_S = 'size/S';
export const SIZE_M = 'size/M';
export const SIZE_L = 'size/L';
export const SIZE_XL = 'size/XL';
export const SIZE_XXL = 'size/XXL';
export const LIFECYCLE_LABEL_PREFIX = 'lifecycle/';
export const TRIAGE_ACCEPTED = 'triage/accepted';
export const WORK_IN_PROGRESS = 'do-not-merge/work-in-progress';

/** GitHub label names compare case-insensitively (upstream github.HasLabel). */
export function hasLabel(labels: readonly string[], label: string): boolean {
  const want = label.toLowerCase();
  return labels.some((l) => l.toLowerCase() === want);
}
