// Which directory stands for which of Prow's own ConfigMaps when config-updater writes files (embedded
// mode and a standalone hook): the ConfigMaps upstream's deployment mounts at --config-path,
// --plugin-config and --job-config-path.
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export function configMapDirs(configPath: string, pluginConfigPath?: string, jobConfigPath?: string): Record<string, string> {
  const dirs: Record<string, string> = { config: dirname(resolve(configPath)) };
  if (pluginConfigPath !== undefined) dirs.plugins = dirname(resolve(pluginConfigPath));
  if (jobConfigPath !== undefined) {
    let isDir = false;
    try {
      isDir = statSync(jobConfigPath).isDirectory();
    } catch {
      isDir = false;
    }
    if (isDir) dirs['job-config'] = resolve(jobConfigPath);
  }
  return dirs;
}
