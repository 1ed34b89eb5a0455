// The junit lens (upstream pkg/spyglass/lenses/junit): every matched JUnit XML file summarised, failures
// first with their messages, files over deck.spyglass.size_limit named instead of read.
import type { SafeHtml } from '../html.js';
import { parseJUnit, type JUnitSummary } from '../junit.js';
import { junitSection } from '../pages/job.js';
import { readSmall, type Lens } from './lenses.js';

export const junitLens: Lens = {
  name: 'junit',
  title: 'JUnit',
  priority: 5,
  ownHeading: true,
  async body({ store, files, spyglass }): Promise<SafeHtml> {
    const limit = spyglass.size_limit ?? 100_000_000;
    const out: (JUnitSummary | { file: string; error: string })[] = [];
    for (const f of files) {
      const read = await readSmall(store, f, limit);
      if ('error' in read) {
        out.push({ file: f.name, error: read.error });
        continue;
      }
      try {
        out.push(parseJUnit(f.name, read.text));
      } catch (err) {
        out.push({ file: f.name, error: (err as Error).message });
      }
    }
    return junitSection(out);
  },
};
