// A local run's build log as the executor's LogSource: the file the job writes to as it runs (the
// artifact store's own build-log.txt when the store is a local directory, else the workspace's copy).
// It only reads run.json and the log, so deck can build it over the same data directory in another process.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { ProwJob } from '../../api/prowjob.js';
import type { ByteRange, LogSource } from '../../artifacts/types.js';
import { isValidName, runFiles, type RunFiles } from './run-state.js';

export function createLocalRunLogs(o: { dataDir: string } | { files: RunFiles }): LogSource {
  const files = 'files' in o ? o.files : runFiles(o.dataDir);
  async function logFile(pj: ProwJob): Promise<{ file: string; size: number } | undefined> {
    if (!isValidName(pj.metadata.name)) return undefined;
    const state = await files.read(pj.metadata.name);
    if (!state) return undefined;
    const st = await stat(state.logFile).catch(() => undefined);
    return st?.isFile() ? { file: state.logFile, size: st.size } : undefined;
  }
  const open = (file: string, range: ByteRange = {}): Readable => {
    const start = range.start ?? 0;
    return createReadStream(file, range.end === undefined ? { start } : { start, end: range.end });
  };
  return {
    async size(pj) {
      return (await logFile(pj))?.size;
    },
    async read(pj, range) {
      const found = await logFile(pj);
      if (!found) return undefined;
      const parts: Buffer[] = [];
      for await (const chunk of open(found.file, range)) parts.push(chunk as Buffer);
      return Buffer.concat(parts);
    },
    async stream(pj, range) {
      const found = await logFile(pj);
      return found ? open(found.file, range) : undefined;
    },
  };
}
