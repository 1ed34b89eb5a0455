// Deck shows a running job's log from the executor that runs it: with several executors in one process
// (`prow up --jenkins-url`), the job's agent picks the LogSource.
import type { LogSource } from '../../artifacts/types.js';

export function logSourceByAgent(byAgent: Readonly<Record<string, LogSource>>, fallback: LogSource): LogSource {
  const pick = (agent: string | undefined): LogSource => (agent !== undefined ? byAgent[agent] : undefined) ?? fallback;
  return {
    size: (pj) => pick(pj.spec.agent).size(pj),
    read: (pj, range) => pick(pj.spec.agent).read(pj, range),
    stream: (pj, range) => pick(pj.spec.agent).stream(pj, range),
  };
}
