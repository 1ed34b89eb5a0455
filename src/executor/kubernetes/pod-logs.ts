// A running job's build log from the pod log API: the first request for a job opens one
// `GET …/pods/<name>/log?container=<test>&follow=true` stream and keeps what it receives, so deck's
// polls (size, then a byte range) read from memory and every viewer shares one stream. Once the
// container ends the stream closes and the log stays until the pod goes. When the job is complete deck
// reads the uploaded build-log.txt instead (src/artifacts/log-source.ts).
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { KubeConfig } from '@kubernetes/client-node';
import type { ProwJob } from '../../api/prowjob.js';
import type { ByteRange, LogSource } from '../../artifacts/types.js';
import type { Logger } from '../../observability/logger.js';
import { kubeRequest } from './kube-http.js';

/** Beyond this a follower keeps reading but drops the bytes (the uploaded log has them all). */
const MAX_BYTES = 64 * 1024 * 1024;

interface Follower {
  chunks: Buffer[];
  size: number;
  truncated: boolean;
  done: boolean;
  abort: AbortController;
}

export interface PodLogTarget {
  kc: KubeConfig;
  namespace: string;
  pod: string;
  container: string;
}

export interface PodLogs extends LogSource {
  /** Stops and forgets the follower of a pod (it was deleted). */
  forget(pod: string): void;
  close(): void;
}

export function createPodLogs(o: { target: (pj: ProwJob) => Promise<PodLogTarget | undefined>; log: Logger }): PodLogs {
  const followers = new Map<string, Follower>();

  async function follow(t: PodLogTarget): Promise<Follower | undefined> {
    const abort = new AbortController();
    let res: IncomingMessage;
    try {
      res = await kubeRequest(t.kc, {
        path: `/api/v1/namespaces/${encodeURIComponent(t.namespace)}/pods/${encodeURIComponent(t.pod)}/log`,
        query: { container: t.container, follow: 'true' },
        signal: abort.signal,
      });
    } catch (err) {
      // Typically 400 "container … is waiting to start": no log yet.
      o.log.debug({ err, pod: t.pod }, 'pod log not available');
      return undefined;
    }
    const f: Follower = { chunks: [], size: 0, truncated: false, done: false, abort };
    void (async () => {
      try {
        for await (const chunk of res as AsyncIterable<Buffer>) {
          if (f.size + chunk.byteLength > MAX_BYTES) {
            f.truncated = true;
            continue;
          }
          f.chunks.push(Buffer.from(chunk));
          f.size += chunk.byteLength;
        }
      } catch (err) {
        if (!abort.signal.aborted) o.log.debug({ err, pod: t.pod }, 'pod log stream ended with an error');
        // let the next request open a new stream from the start
        if (followers.get(t.pod) === f && !abort.signal.aborted) followers.delete(t.pod);
      } finally {
        f.done = true;
      }
    })();
    return f;
  }

  const pending = new Map<string, Promise<Follower | undefined>>();

  async function followerFor(pj: ProwJob): Promise<Follower | undefined> {
    const t = await o.target(pj);
    if (!t) return undefined;
    const existing = followers.get(t.pod);
    if (existing) return existing;
    let opening = pending.get(t.pod);
    if (!opening) {
      opening = follow(t).then((f) => {
        pending.delete(t.pod);
        if (f) followers.set(t.pod, f);
        return f;
      });
      pending.set(t.pod, opening);
    }
    return opening;
  }

  function slice(f: Follower, range: ByteRange = {}): Buffer {
    const all = Buffer.concat(f.chunks);
    f.chunks = [all];
    const start = range.start ?? 0;
    const end = range.end === undefined ? all.length : range.end + 1;
    return all.subarray(start, end);
  }

  return {
    async size(pj) {
      return (await followerFor(pj))?.size;
    },
    async read(pj, range) {
      const f = await followerFor(pj);
      return f ? slice(f, range) : undefined;
    },
    async stream(pj, range) {
      const f = await followerFor(pj);
      return f ? Readable.from([slice(f, range)]) : undefined;
    },
    forget(pod) {
      followers.get(pod)?.abort.abort();
      followers.delete(pod);
    },
    close() {
      for (const f of followers.values()) f.abort.abort();
      followers.clear();
    },
  };
}
