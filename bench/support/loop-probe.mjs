// Preloaded into a process under test (node --import bench/support/loop-probe.mjs …) by bench/up-scale.ts:
// records event-loop delay from the first line of the program and writes the longest stall (and the
// p99) to $PROW_LOOP_PROBE_OUT when the process exits. Plain JavaScript: it must not need a loader.
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const out = process.env.PROW_LOOP_PROBE_OUT;
if (out) {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  process.on('exit', () => {
    h.disable();
    writeFileSync(out, JSON.stringify({ maxMs: h.max / 1e6, p99Ms: h.percentile(99) / 1e6, meanMs: h.mean / 1e6 }));
  });
}
