// deck.spyglass settings deck does not act on, said once per config in deck's log (and lens names on the
// page too), so that no setting is silently ignored.
import type { Spyglass } from '../../config/types.js';
import type { Lens } from './lenses.js';

export interface SpyglassWarning {
  setting: string;
  message: string;
}

export function spyglassWarnings(s: Partial<Spyglass>, available: readonly Lens[]): SpyglassWarning[] {
  const out: SpyglassWarning[] = [];
  const have = new Set(available.map((l) => l.name));
  (s.lenses ?? []).forEach((entry, i) => {
    const name = entry.lens?.name ?? '';
    if (entry.remote_config) {
      out.push({ setting: `deck.spyglass.lenses[${i}].remote_config`, message: `remote lens ${JSON.stringify(name)} is not supported; it is not shown` });
    } else if (!have.has(name)) {
      out.push({ setting: `deck.spyglass.lenses[${i}].lens.name`, message: `unknown lens ${JSON.stringify(name)} (deck has ${[...have].join(', ')}); it is not shown` });
    } else if (entry.lens.config !== undefined && entry.lens.config !== null) {
      out.push({ setting: `deck.spyglass.lenses[${i}].lens.config`, message: `lens ${JSON.stringify(name)}: its config is not supported by this deck; it has no effect` });
    }
  });
  const unused: (keyof Spyglass)[] = ['announcement', 'testgrid_config', 'testgrid_root', 'pr_history_link_template'];
  for (const key of unused) {
    if (s[key]) out.push({ setting: `deck.spyglass.${key}`, message: `deck.spyglass.${key} is not supported by this deck; it has no effect` });
  }
  return out;
}
