// plank.report_templates (upstream Plank.ReportTemplates, pkg/config/config.go) compiled once, when the
// config loads, as job regexes are (match.ts): loading reports a bad template with file:line and registers
// the compiled ones beside the snapshot's `plank` object, so crier never compiles at report time. A
// config built by hand (tests) is compiled on first use.
import { compileGoTemplate, type GoTemplate } from '../go/template/template.js';

/** The part of `plank` that holds report templates. */
export interface ReportTemplateSource {
  /** Legacy single template; loading folds it into `report_templates['*']`. */
  report_template?: string;
  /** `*` | org | org/repo → Go template source. */
  report_templates?: Record<string, string>;
}

/** Compiled report templates keyed as in config.yaml: `*`, org or org/repo. */
export type CompiledReportTemplates = ReadonlyMap<string, GoTemplate>;

const NONE: CompiledReportTemplates = new Map();
const compiled = new WeakMap<object, CompiledReportTemplates>();

/** The config field a template key comes from, as load errors name it. */
export function reportTemplateField(key: string): string {
  return `plank.report_templates[${JSON.stringify(key)}]`;
}

/** Compiles every entry; throws the TemplateError of the first bad one. */
function compileReportTemplates(plank: ReportTemplateSource): Map<string, GoTemplate> {
  const sources: Record<string, string> = {
    ...(plank.report_template ? { '*': plank.report_template } : {}),
    ...plank.report_templates,
  };
  const out = new Map<string, GoTemplate>();
  for (const [key, src] of Object.entries(sources)) out.set(key, compileGoTemplate(src, reportTemplateField(key)));
  return out;
}

/** Loading registers what it compiled, so nothing is compiled twice. */
export function setCompiledReportTemplates(plank: object, templates: CompiledReportTemplates): void {
  compiled.set(plank, templates);
}

/** The compiled report templates of a snapshot's `plank`. */
export function compiledReportTemplates(plank: ReportTemplateSource | undefined): CompiledReportTemplates {
  if (!plank) return NONE;
  let c = compiled.get(plank);
  if (!c) {
    c = compileReportTemplates(plank);
    compiled.set(plank, c);
  }
  return c;
}

/** Upstream Plank.ReportTemplateForRepo: `org/repo`, then `org`, then `*`. */
export function reportTemplateForRepo(templates: CompiledReportTemplates, org: string, repo: string): GoTemplate | undefined {
  return templates.get(`${org}/${repo}`) ?? templates.get(org) ?? templates.get('*');
}
