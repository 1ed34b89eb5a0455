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
  validate: (s, raw, report) => {
    if (!(s.s <= s.m && s.m <= s.l && s.l <= s.xl && s.xl <= s.xxl)) {
      report.error(lineOf(raw as object | undefined), 'size', 'size thresholds must be non-decreasing (s ≤ m ≤ l ≤ xl ≤ xxl)');
    }
  },
};
