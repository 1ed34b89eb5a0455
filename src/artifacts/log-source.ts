// One LogSource over two: the executor's (the live log of a running job) and the artifact store's (the
// uploaded log of a finished one). Which is asked first follows the job's state; the other is the
// fallback, so a job that completed a moment ago still shows its log before the upload lands, and a run
// whose workspace is gone still shows the uploaded copy.
import { isComplete, type ProwJob } from '../api/prowjob.js';
import type { LogSource } from './types.js';

export function combineLogSources(o: { live: LogSource; uploaded: LogSource }): LogSource {
  const order = (pj: ProwJob): [LogSource, LogSource] => (isComplete(pj) ? [o.uploaded, o.live] : [o.live, o.uploaded]);
  return {
    async size(pj) {
      const [first, second] = order(pj);
      return (await first.size(pj)) ?? second.size(pj);
    },
    async read(pj, range) {
      const [first, second] = order(pj);
      return (await first.read(pj, range)) ?? second.read(pj, range);
    },
    async stream(pj, range) {
      const [first, second] = order(pj);
      return (await first.stream(pj, range)) ?? second.stream(pj, range);
    },
  };
}
