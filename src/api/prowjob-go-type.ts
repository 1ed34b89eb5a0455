// The ProwJob as Go's text/template sees it (upstream's prow.k8s.io/v1 types in pkg/apis/prowjobs/v1/types.go):
// Go field names over our upstream-shaped JSON keys, embedded TypeMeta/ObjectMeta, and the methods templates
// call (Refs.String, Refs.OrgRepoString, ProwJob.Complete, ProwJob.ClusterAlias). Callers that render a
// ProwJob template pass PROWJOB_GO_TYPE as the render type (docs/prowjob.md).
import type { Refs } from './prowjob.js';
import { orgRepoString, refsString } from './prowjob.js';
import { BOOL, DYN, INT, mapOf, ptr, slice, STRING, struct, TIME, type GoType } from '../go/reflect.js';

const PULL_TYPE = struct('v1.Pull', {
  Number: ['number', INT],
  Author: ['author', STRING],
  SHA: ['sha', STRING],
  Title: ['title', STRING],
  Ref: ['ref', STRING],
  HeadRef: ['head_ref', STRING],
  Link: ['link', STRING],
  CommitLink: ['commit_link', STRING],
  AuthorLink: ['author_link', STRING],
});

const REFS_TYPE = struct(
  'v1.Refs',
  {
    Org: ['org', STRING],
    Repo: ['repo', STRING],
    RepoLink: ['repo_link', STRING],
    BaseRef: ['base_ref', STRING],
    BaseSHA: ['base_sha', STRING],
    BaseLink: ['base_link', STRING],
    Pulls: ['pulls', slice(PULL_TYPE)],
    PathAlias: ['path_alias', STRING],
    WorkDir: ['workdir', BOOL],
    Auxiliary: ['auxiliary', BOOL],
    CloneURI: ['clone_uri', STRING],
    SkipSubmodules: ['skip_submodules', BOOL],
    CloneDepth: ['clone_depth', INT],
    SkipFetchHead: ['skip_fetch_head', BOOL],
    BloblessFetch: ['blobless_fetch', ptr(BOOL)],
    SparseCheckoutFiles: ['sparse_checkout_files', slice(STRING)],
  },
  {
    String: (r: Refs) => ({ v: refsString(r), t: STRING }),
    OrgRepoString: (r: Refs) => ({ v: orgRepoString(r), t: STRING }),
  },
);

const OBJECT_META_FIELDS: Record<string, [string | string[], GoType]> = {
  Name: ['name', STRING],
  GenerateName: ['generateName', STRING],
  Namespace: ['namespace', STRING],
  UID: ['uid', STRING],
  ResourceVersion: ['resourceVersion', STRING],
  Generation: ['generation', INT],
  CreationTimestamp: ['creationTimestamp', TIME],
  DeletionTimestamp: ['deletionTimestamp', ptr(TIME)],
  Labels: ['labels', mapOf(STRING)],
  Annotations: ['annotations', mapOf(STRING)],
  Finalizers: ['finalizers', slice(STRING)],
};

const OBJECT_META_TYPE = struct('v1.ObjectMeta', OBJECT_META_FIELDS);

const SPEC_TYPE = struct('v1.ProwJobSpec', {
  Type: ['type', STRING],
  Agent: ['agent', STRING],
  Cluster: ['cluster', STRING],
  Namespace: ['namespace', STRING],
  Job: ['job', STRING],
  Refs: ['refs', ptr(REFS_TYPE)],
  ExtraRefs: ['extra_refs', slice(REFS_TYPE)],
  Report: ['report', BOOL],
  Context: ['context', STRING],
  RerunCommand: ['rerun_command', STRING],
  MaxConcurrency: ['max_concurrency', INT],
  ErrorOnEviction: ['error_on_eviction', BOOL],
  PodSpec: ['pod_spec', DYN],
  JenkinsSpec: ['jenkins_spec', DYN],
  PipelineRunSpec: ['pipeline_run_spec', DYN],
  TektonPipelineRunSpec: ['tekton_pipeline_run_spec', DYN],
  DecorationConfig: ['decoration_config', DYN],
  ReporterConfig: ['reporter_config', DYN],
  RerunAuthConfig: ['rerun_auth_config', DYN],
  Hidden: ['hidden', BOOL],
  ProwJobDefault: ['prowjob_defaults', DYN],
  JobQueueName: ['job_queue_name', STRING],
});

const STATUS_TYPE = struct('v1.ProwJobStatus', {
  StartTime: ['startTime', TIME],
  PendingTime: ['pendingTime', ptr(TIME)],
  CompletionTime: ['completionTime', ptr(TIME)],
  State: ['state', STRING],
  Description: ['description', STRING],
  URL: ['url', STRING],
  PodRevivalCount: ['pod_revival_count', INT],
  PodName: ['pod_name', STRING],
  BuildID: ['build_id', STRING],
  JenkinsBuildID: ['jenkins_build_id', STRING],
  PrevReportStates: ['prev_report_states', mapOf(STRING)],
});

const promotedMeta: Record<string, [string[], GoType]> = {};
for (const [goName, [json, type]] of Object.entries(OBJECT_META_FIELDS)) {
  promotedMeta[goName] = [['metadata', ...(Array.isArray(json) ? json : [json])], type];
}

/** The ProwJob as Go's text/template sees it (TypeMeta and ObjectMeta are embedded, so `.Name` works). */
export const PROWJOB_GO_TYPE: GoType = struct(
  'v1.ProwJob',
  {
    Kind: ['kind', STRING],
    APIVersion: ['apiVersion', STRING],
    ObjectMeta: ['metadata', OBJECT_META_TYPE],
    ...promotedMeta,
    Spec: ['spec', SPEC_TYPE],
    Status: ['status', STATUS_TYPE],
  },
  {
    Complete: (pj: { status?: { completionTime?: string } }) => ({ v: Boolean(pj.status?.completionTime), t: BOOL }),
    ClusterAlias: (pj: { spec?: { cluster?: string } }) => ({ v: pj.spec?.cluster || 'default', t: STRING }),
  },
);

/** The Go-name → JSON-key table for the ProwJob, flattened: `Spec.Refs.BaseSHA` → `spec.refs.base_sha`. */
export function prowJobGoFieldTable(): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (t: GoType, goPrefix: string, jsonPrefix: string, depth: number): void => {
    if (depth > 4) return;
    const base = t.kind === 'ptr' || t.kind === 'slice' ? t.elem : t;
    if (base.kind !== 'struct') return;
    for (const [goName, f] of Object.entries(base.fields)) {
      if (f.json.length === 0) continue;
      const goPath = goPrefix ? `${goPrefix}.${goName}` : goName;
      const jsonPath = jsonPrefix ? `${jsonPrefix}.${f.json.join('.')}` : f.json.join('.');
      out[goPath] = jsonPath;
      walk(f.type, goPath, jsonPath, depth + 1);
    }
  };
  walk(PROWJOB_GO_TYPE, '', '', 0);
  return out;
}
