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
