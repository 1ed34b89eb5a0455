// status.url (lifecycle-spec.md §1.10, upstream pjutil.JobURL): a path-joined URL prefix for decorated
// jobs, else plank.job_url_template executed against the ProwJob.
import type { ProwJob } from './prowjob.js';
import { newJobSpec } from './jobspec.js';
import { goPathJoin, parseBucket, pathsForJob } from './storage-path.js';
import { compileGoTemplate, type GoTemplate } from '../go/template/template.js';
import { PROWJOB_GO_TYPE } from './prowjob-go-type.js';

export interface JobURLConfig {
  /** A Go template source or something already compiled. */
  job_url_template?: string | GoTemplate;
  job_url_prefix_config?: Record<string, string>;
  jobURLPrefixDisableAppendStorageProvider?: boolean;
}

/** Upstream Plank.GetJobURLPrefix: gcs_configuration.job_url_prefix, then org/repo > org > `*`. */
export function jobURLPrefix(plank: JobURLConfig, pj: ProwJob): string {
  const own = pj.spec.decoration_config?.gcs_configuration?.job_url_prefix;
  if (own) return own;
  const refs = pj.spec.refs ?? pj.spec.extra_refs?.[0];
  const cfg = plank.job_url_prefix_config ?? {};
  if (!refs?.org) return cfg['*'] ?? '';
  return cfg[`${refs.org}/${refs.repo}`] || cfg[refs.org] || cfg['*'] || '';
}

const compiled = new Map<string, GoTemplate>();

/**
 * The job URL. A template that fails to execute gives "" (upstream logs and carries on); `onError`
 * hears about it.
 */
export function jobURL(plank: JobURLConfig, pj: ProwJob, onError?: (err: unknown) => void): string {
  const prefix = jobURLPrefix(plank, pj);
  const gcs = pj.spec.decoration_config?.gcs_configuration;
  if (pj.spec.decoration_config && prefix) {
    try {
      const spec = newJobSpec(pj.spec, pj.status.build_id ?? '', pj.metadata.name);
      const { blobStoragePath } = pathsForJob(gcs ?? {}, spec);
      const bucket = parseBucket(gcs?.bucket ?? '');
      const url = new URL(prefix);
      const parts = plank.jobURLPrefixDisableAppendStorageProvider
        ? [url.pathname, bucket.fullPath, blobStoragePath]
        : [url.pathname, bucket.provider, bucket.fullPath, blobStoragePath];
      url.pathname = goPathJoin(...parts);
      return url.toString();
    } catch (err) {
      onError?.(err);
      return '';
    }
  }
  const tmpl = plank.job_url_template;
  if (!tmpl) return '';
  try {
    let t = typeof tmpl === 'string' ? compiled.get(tmpl) : tmpl;
    if (!t) {
      t = compileGoTemplate(tmpl as string, 'job_url_template');
      compiled.set(tmpl as string, t);
    }
    return t.render(pj, { type: PROWJOB_GO_TYPE });
  } catch (err) {
    onError?.(err);
    return '';
  }
}
