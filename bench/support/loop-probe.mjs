// Preloaded into a process under test (node --import bench/support/loop-probe.mjs …) by bench/up-scale.ts:
// records event-loop delay from the first line of the program and writes the longest stall (and the
// p99) to $PROW_LOOP_PROBE_OUT when the process exits. SIGUSR2 (sent by the benchmark once the process is
// ready) closes the start-up window: the figures after it are reported apart (`ready`), so module loading
// and start-up, the same with or without a big store, do not hide what the store costs once serving.
// Plain JavaScript: it must not need a loader.
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const out = process.env.PROW_LOOP_PROBE_OUT;
if (out) {
  const whole = monitorEventLoopDelay({ resolution: 10 });
  whole.enable();
  let ready;
  process.on('SIGUSR2', () => {
    ready ??= monitorEventLoopDelay({ resolution: 10 });
    ready.enable();
  });
  const figures = (h) => ({ maxMs: h.max / 1e6, p99Ms: h.percentile(99) / 1e6, meanMs: h.mean / 1e6 });
  process.on('exit', () => {
    whole.disable();
    ready?.disable();
    writeFileSync(out, JSON.stringify({ ...figures(whole), ...(ready ? { ready: figures(ready) } : {}) }));
  });
}
