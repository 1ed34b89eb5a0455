// A plugins.yaml section owned by a plugin module (docs/plugins-core.md "Writing a plugin": its config
// section schema). The plugin declares it (Plugin.config in src/plugins/types.ts); src/cli hands the
// registry's sections to the loader, the ConfigAgent and checkconfig, which iterate them. src/config never
// imports src/plugins (components and the registry sit above config in the layering), so the sections are
// passed in rather than looked up.
//
// The schema is the positioned decoder's (decode.ts), not zod: checkconfig names file:line for every
// field, and only the decoder keeps the YAML positions; zod sees plain objects.
import { S, type Schema } from './decode.js';

export interface SectionErrorReporter {
  /** Reports a problem at `line` of plugins.yaml for `field` (e.g. `approve[0].repos`). */
  error(line: number, field: string, message: string): void;
}

export interface PluginConfigSection<T = unknown> {
  /** The plugins.yaml key, e.g. `lgtm`, `approve`, `label`, `triggers`. */
  section: string;
  /** How the section decodes (upstream's Go struct, key for key). */
  schema: Schema;
  /**
   * Upstream's defaults over the decoded value; `raw` is undefined when the key is absent. Objects in
   * `raw` carry their YAML positions (lineOf), so return them (mutated) rather than copies where errors
   * may need to point into them.
   */
  defaults(raw: unknown): T;
  /** Problems with the defaulted section, reported with file:line. `raw` is the decoded value. */
  validate?(value: T, raw: unknown, report: SectionErrorReporter): void;
}

export const strList: Schema = S.list(S.str);

/** A list of entries that each name the `repos` (org or org/repo) they apply to. */
export function listOfRepos(name: string, fields: Record<string, Schema>): Schema {
  return S.list(S.obj(name, { repos: strList, ...fields }));
}
