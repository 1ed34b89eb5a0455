// size's plugins.yaml section (upstream plugins.Size), owned here and handed to the loader by the registry.
import { lineOf, S } from '../../config/decode.js';
import type { PluginConfigSection } from '../../config/plugin-sections.js';
import type { SizeConfig } from '../../config/types.js';

/** A zero or missing threshold takes upstream's default. */
export const sizeConfigSection: PluginConfigSection<SizeConfig> = {
  section: 'size',
  schema: S.obj('Size', { s: S.int, m: S.int, l: S.int, xl: S.int, xxl: S.int }),
  defaults: (raw) => {
    const s = raw as Partial<SizeConfig> | undefined;
    return { s: s?.s || 10, m: s?.m || 30, l: s?.l || 100, xl: s?.xl || 500, xxl: s?.xxl || 1000 };
  },
  // Upstream validates the raw values (pkg/plugins/config.go validateSizes runs on the struct before the
  // size plugin's sizesOrDefault fills zeros), so a missing threshold counts as 0 here: `{m: 5}` is
  // rejected because m (5) is above l (0).
  validate: (_s, raw, report) => {
    const r = (raw ?? {}) as Partial<SizeConfig>;
    const v = [r.s ?? 0, r.m ?? 0, r.l ?? 0, r.xl ?? 0, r.xxl ?? 0];
    if (v.some((x, i) => i > 0 && v[i - 1]! > x)) {
      report.error(lineOf(raw as object | undefined), 'size',
        `size thresholds must be non-decreasing (s ≤ m ≤ l ≤ xl ≤ xxl; a missing one counts as 0, as upstream checks before defaults): got s=${v[0]} m=${v[1]} l=${v[2]} xl=${v[3]} xxl=${v[4]}`);
    }
  },
};
