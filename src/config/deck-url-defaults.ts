// `prow up` serves deck itself, so it knows deck's public URL (--deck-url, else the address deck listens
// on). Where config.yaml leaves plank.job_url_template or plank.report_templates unset, the embedded system
// fills them from that URL: status links and the failure comment's history link point at the deck that
// is actually running, whatever --deck-port or --deck-url say. Set values are never overridden.
import type { ConfigSnapshot } from './types.js';

/** deck's job page for a job's artifacts (the upload layout of src/api/storage-path.ts, bucket prow-artifacts). */
export function embeddedJobUrlTemplate(deckUrl: string): string {
  const base = deckUrl.replace(/\/+$/, '');
  return `${base}/view/local/prow-artifacts/{{if eq .Spec.Type "presubmit"}}pr-logs/pull/{{.Spec.Refs.Org}}_{{.Spec.Refs.Repo}}/{{with index .Spec.Refs.Pulls 0}}{{.Number}}{{end}}{{else if eq .Spec.Type "batch"}}pr-logs/pull/batch{{else}}logs{{end}}/{{.Spec.Job}}/{{.Status.BuildID}}/`;
}

/** The failure comment's closing line: deck's PR history page. */
export function embeddedReportTemplate(deckUrl: string): string {
  const base = deckUrl.replace(/\/+$/, '');
  return `[Full PR test history](${base}/pr-history?org={{.Spec.Refs.Org}}&repo={{.Spec.Refs.Repo}}&pr={{with index .Spec.Refs.Pulls 0}}{{.Number}}{{end}}).`;
}

const filled = new WeakMap<ConfigSnapshot, { url: string; snapshot: ConfigSnapshot }>();

/** The snapshot with deck-URL defaults where config.yaml set none (the same object when nothing is missing). */
export function withDeckUrlDefaults(snapshot: ConfigSnapshot, deckUrl: string): ConfigSnapshot {
  const plank = snapshot.config.plank;
  const needsJobUrl = !plank?.job_url_template;
  const needsReport = !plank?.report_templates || Object.keys(plank.report_templates).length === 0;
  if (!needsJobUrl && !needsReport) return snapshot;
  const cached = filled.get(snapshot);
  if (cached && cached.url === deckUrl) return cached.snapshot;
  const next: ConfigSnapshot = {
    ...snapshot,
    config: {
      ...snapshot.config,
      plank: {
        ...plank,
        job_url_template: needsJobUrl ? embeddedJobUrlTemplate(deckUrl) : plank!.job_url_template,
        ...(needsReport ? { report_templates: { '*': embeddedReportTemplate(deckUrl) } } : {}),
      } as typeof plank,
    },
  };
  filled.set(snapshot, { url: deckUrl, snapshot: next });
  return next;
}
