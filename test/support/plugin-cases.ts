// Table-driven plugin tests (upstream's hold_test.go shape): named cases, one loop, and every case handled
// twice, since a redelivery must have the effect of one delivery (docs/plugins-core.md "Idempotence").
import assert from 'node:assert/strict';
import { it } from 'node:test';

export interface PluginCaseSteps<C extends { name: string }> {
  /** Puts the world in the case's starting state (seed the fake, reset counters). */
  arrange(c: C): Promise<void>;
  /** Handles the case's delivery once. Called twice per case. */
  act(c: C): Promise<void>;
  /** Every write so far, as short strings (`POST /repos/{owner}/{repo}/issues/{issue_number}/labels`). */
  writes(): readonly string[];
  /** Checks the outcome after both passes; `writes` are those of the first pass. */
  check(c: C, writes: readonly string[]): void | Promise<void>;
}

/** One `it` per case: arrange, act, act again (which must write nothing), then check. */
export function pluginCases<C extends { name: string }>(cases: readonly C[], steps: PluginCaseSteps<C>): void {
  for (const c of cases) {
    it(c.name, async () => {
      await steps.arrange(c);
      const start = steps.writes().length;
      await steps.act(c);
      const first = steps.writes().slice(start);
      await steps.act(c);
      const again = steps.writes().slice(start + first.length);
      assert.deepEqual(again, [], `handling the same delivery again wrote: ${again.join(', ')}`);
      await steps.check(c, first);
    });
  }
}
