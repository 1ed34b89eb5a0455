// The uploaded build-log.txt of a job, as a LogSource over the artifact store (what deck shows once a
// job is complete, and for every job when there is no executor to ask).
import type { ArtifactStore, LogSource } from '../artifacts/types.js';
import { BUILD_LOG_FILE, buildDirOf } from './paths.js';

export function createUploadedLogSource(artifacts: ArtifactStore): LogSource {
  const pathOf = (pj: Parameters<LogSource['size']>[0]): string | undefined => {
    const dir = buildDirOf(pj);
    return dir ? `${dir}/${BUILD_LOG_FILE}` : undefined;
  };
  return {
    async size(pj) {
      const path = pathOf(pj);
      return path ? (await artifacts.stat(path))?.size : undefined;
    },
    async read(pj, range) {
      const path = pathOf(pj);
      if (!path || !(await artifacts.stat(path))) return undefined;
      const parts: Buffer[] = [];
      for await (const chunk of await artifacts.openRead(path, range)) parts.push(chunk as Buffer);
      return Buffer.concat(parts);
    },
    async stream(pj, range) {
      const path = pathOf(pj);
      if (!path || !(await artifacts.stat(path))) return undefined;
      return artifacts.openRead(path, range);
    },
  };
}
