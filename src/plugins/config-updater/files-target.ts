// config-updater's ConfigMap target in embedded mode and for a standalone hook: each ConfigMap is a
// directory and each key a file in it, as Kubernetes mounts a ConfigMap. The ConfigMaps Prow itself reads
// map onto the files this process was started with (`config` → the directory of --config-path, `plugins`
// → that of --plugin-config, `job-config` → --job-config-path when it is a directory), so a merged change
// to them is what the ConfigAgent reloads. Any other ConfigMap goes under `<root>/<namespace>/<name>/`.
// A ConfigMap in another build cluster cannot be written here: that needs cluster mode, and apply says so.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Logger } from '../../observability/logger.js';
import type { ConfigMapId, ConfigMapKeyUpdate, ConfigMapTarget } from '../types.js';

/** The key upstream records the merge SHA under (pkg/config ConfigVersionFileName). */
export const CONFIG_VERSION_KEY = 'VERSION';

export class ConfigMapTargetError extends Error {
  override readonly name = 'ConfigMapTargetError';
}

export interface FileConfigMapTargetOptions {
  /** ConfigMap name → the directory that stands for it (`config`, `plugins`, `job-config`, ...). */
  dirs: Record<string, string>;
  /** Where other ConfigMaps go: `<root>/<namespace>/<name>/<key>`. */
  root: string;
  log: Logger;
}

const DEFAULT_CLUSTER = 'default';

/** Keys are single path segments, as in a ConfigMap: no `/`, no `..`. */
function checkKey(id: ConfigMapId, key: string): void {
  if (key === '' || key === '.' || key === '..' || key.includes('/') || key.includes('\\') || basename(key) !== key) {
    throw new ConfigMapTargetError(`configmap ${id.name}: ${JSON.stringify(key)} is not a valid ConfigMap key`);
  }
}

export function createFileConfigMapTarget(o: FileConfigMapTargetOptions): ConfigMapTarget {
  const dirFor = (id: ConfigMapId): string => o.dirs[id.name] ?? join(o.root, id.namespace || 'default', id.name);
  return {
    describe: (id) => (id.cluster === DEFAULT_CLUSTER ? dirFor(id) : undefined),
    async apply(id, updates: readonly ConfigMapKeyUpdate[], sha) {
      if (id.cluster !== DEFAULT_CLUSTER) {
        throw new ConfigMapTargetError(
          `configmap ${id.name} in namespace ${id.namespace} of build cluster ${id.cluster}: writing ConfigMaps in a cluster needs cluster mode, which this Prow does not have yet; embedded mode writes only cluster ${DEFAULT_CLUSTER} as files`,
        );
      }
      const dir = dirFor(id);
      mkdirSync(dir, { recursive: true });
      const write = (key: string, value: Buffer | string): void => {
        // write-then-rename: the ConfigAgent never reads a half-written file
        const tmp = join(dir, `.${key}.config-updater-tmp`);
        writeFileSync(tmp, value);
        renameSync(tmp, join(dir, key));
      };
      for (const u of updates) {
        checkKey(id, u.key);
        if (u.value === undefined) rmSync(join(dir, u.key), { force: true });
        else write(u.key, u.value);
      }
      if (sha !== '') write(CONFIG_VERSION_KEY, sha);
      o.log.info({ configmap: id.name, namespace: id.namespace, dir, keys: updates.length }, 'configmap written as files');
    },
  };
}
