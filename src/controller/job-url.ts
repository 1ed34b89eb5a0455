// status.url (reference/lifecycle-spec.md §1.10). A local stand-in until src/api publishes jobURL.
import { posix } from 'node:path';
import type { ProwJob } from '../api/prowjob.js';
import { buildDirForProwJob } from '../artifacts/layout.js';
import { compileGoTemplate, type GoTemplate } from '../config/gotemplate.js';
import type { Plank } from '../config/types.js';

const templates = new Map<string, GoTemplate>();

export function jobURL(plank: Partial<Plank> | undefined, pj: ProwJob): string {
  const decoration = pj.spec.decoration_config;
  const buildId = pj.status.build_id ?? '';
  if (decoration) {
    const prefix = urlPrefix(plank, pj);
    const bucket = decoration.gcs_configuration?.bucket;
    if (prefix && bucket) {
      const url = new URL(prefix);
      const m = /^([a-z0-9]+):\/\/(.*)$/.exec(bucket);
      const provider = m ? m[1]! : 'gs';
      const bucketPath = m ? m[2]! : bucket;
      const parts = [url.pathname];
      if (!plank?.jobURLPrefixDisableAppendStorageProvider) parts.push(provider);
      parts.push(bucketPath, buildDirForProwJob(pj, buildId));
      url.pathname = posix.join(...parts);
      return url.toString();
    }
  }
  const source = plank?.job_url_template;
  if (!source) return '';
  let tmpl = templates.get(source);
  if (!tmpl) {
    tmpl = compileGoTemplate(source, 'job_url_template');
    templates.set(source, tmpl);
  }
  return tmpl.render(pj);
}

function urlPrefix(plank: Partial<Plank> | undefined, pj: ProwJob): string | undefined {
  const own = pj.spec.decoration_config?.gcs_configuration?.job_url_prefix;
  if (own) return own;
  const config = plank?.job_url_prefix_config ?? {};
  const refs = pj.spec.refs ?? pj.spec.extra_refs?.[0];
  if (refs?.org) {
    const byRepo = config[`${refs.org}/${refs.repo}`];
    if (byRepo) return byRepo;
    const byOrg = config[refs.org];
    if (byOrg) return byOrg;
  }
  return config['*'];
}
