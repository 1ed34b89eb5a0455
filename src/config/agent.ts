// The ConfigAgent: an immutable snapshot behind a getter, reloaded when any file changes (fs.watch with a
// debounce, plus a periodic stat sweep for mounts where watch events are unreliable). A bad change keeps
// the last good snapshot and logs every problem; a bad first load throws.
import { statSync, watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from '../observability/logger.js';
import { ConfigAggregateError, formatIssue, IssueList, type ConfigIssue } from './errors.js';
import { listJobConfigFiles } from './files.js';
import { loadConfig } from './load.js';
import { loadPluginsConfig, parsePluginsConfig } from './plugins.js';
import type { ConfigSnapshot, PluginsConfig } from './types.js';
import type { PluginConfigSection } from './plugin-sections.js';

export interface ConfigAgentOptions {
  configPath: string;
  jobConfigPath?: string;
  pluginConfigPath?: string;
  /** The plugins.yaml sections built-in plugins own (the registry's, from src/cli). */
  pluginSections?: readonly PluginConfigSection[];
  /**
   * The plugins this process runs (the registry's names). When given, plugins.yaml must name only these:
   * an unknown or unimplemented plugin fails the first load and is refused on reload (last good kept).
   */
  implementedPlugins?: readonly string[];
  strict?: boolean;
  log: Logger;
  /** Reload on file changes (default true). */
  watch?: boolean;
  /** Quiet time after a change before reloading (default 250 ms). */
  debounceMs?: number;
  /** Period of the stat sweep that backs up fs.watch (default 5000 ms). */
  pollIntervalMs?: number;
}

export type ConfigChangeListener = (next: ConfigSnapshot, previous: ConfigSnapshot) => void;

export interface ConfigAgent {
  current(): ConfigSnapshot;
  /** Called after every successful reload that changed something; returns an unsubscribe function. */
  onChange(cb: ConfigChangeListener): () => void;
  /** Reload now (also used by the watcher). Resolves true when a new snapshot was installed. */
  reload(): Promise<boolean>;
  close(): void;
}

function loadSnapshot(opts: ConfigAgentOptions): ConfigSnapshot {
  const { config, warnings } = loadConfig({ configPath: opts.configPath, jobConfigPath: opts.jobConfigPath, strict: opts.strict });
  let plugins: PluginsConfig;
  const all = [...warnings];
  if (opts.pluginConfigPath) {
    const loaded = loadPluginsConfig(opts.pluginConfigPath, {
      strict: opts.strict,
      checkUnknownPlugins: opts.implementedPlugins !== undefined,
      implementedPlugins: opts.implementedPlugins,
      sections: opts.pluginSections,
    });
    plugins = loaded.plugins;
    all.push(...loaded.warnings);
  } else {
    plugins = parsePluginsConfig('<none>', '', new IssueList(), { sections: opts.pluginSections });
  }
  return { config, plugins, warnings: all, loadedAt: new Date() };
}

/** The files and their mtimes/sizes: a change to this string means "reload". */
function fingerprint(opts: ConfigAgentOptions): string {
  const paths = [opts.configPath];
  if (opts.pluginConfigPath) paths.push(opts.pluginConfigPath);
  if (opts.jobConfigPath) {
    try {
      paths.push(...listJobConfigFiles(opts.jobConfigPath));
    } catch {
      paths.push(`${opts.jobConfigPath}#missing`);
    }
  }
  const parts: string[] = [];
  for (const p of paths) {
    try {
      const st = statSync(p);
      parts.push(`${p}:${st.mtimeMs}:${st.size}:${st.ino}`);
    } catch {
      parts.push(`${p}:missing`);
    }
  }
  return parts.join('\n');
}

export async function loadConfigAgent(opts: ConfigAgentOptions): Promise<ConfigAgent> {
  const log = opts.log; // the component that loads the config names itself
  let snapshot = loadSnapshot(opts); // a bad first load throws to the caller
  for (const w of snapshot.warnings) log.warn({ issue: formatIssue(w) }, 'config warning');
  let lastPrint = fingerprint(opts);
  const listeners = new Set<ConfigChangeListener>();
  const watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  let poller: NodeJS.Timeout | undefined;
  let closed = false;
  let reloading: Promise<boolean> | undefined;

  const doReload = (): boolean => {
    const print = fingerprint(opts);
    let next: ConfigSnapshot;
    try {
      next = loadSnapshot(opts);
    } catch (err) {
      lastPrint = print; // do not retry the same broken files in a loop
      if (err instanceof ConfigAggregateError) {
        for (const e of err.errors) log.error({ issue: formatIssue(e) }, 'config error');
        log.error({ errors: err.errors.length }, 'config reload failed: keeping the last good config');
      } else {
        log.error({ err }, 'config reload failed: keeping the last good config');
      }
      return false;
    }
    lastPrint = print;
    const previous = snapshot;
    snapshot = next;
    log.info({ warnings: next.warnings.length }, 'config reloaded');
    for (const cb of listeners) {
      try {
        cb(next, previous);
      } catch (err) {
        log.error({ err }, 'config change listener failed');
      }
    }
    return true;
  };

  const reload = (): Promise<boolean> => {
    if (closed) return Promise.resolve(false);
    reloading ??= Promise.resolve()
      .then(doReload)
      .finally(() => {
        reloading = undefined;
      });
    return reloading;
  };

  const schedule = (): void => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      if (fingerprint(opts) !== lastPrint) void reload();
    }, opts.debounceMs ?? 250);
    timer.unref();
  };

  if (opts.watch ?? true) {
    const dirs = new Set<string>([dirname(opts.configPath)]);
    if (opts.pluginConfigPath) dirs.add(dirname(opts.pluginConfigPath));
    const tryWatch = (path: string, recursive: boolean): void => {
      try {
        const w = watch(path, { recursive, persistent: false }, schedule);
        w.on('error', (err) => log.warn({ err, path }, 'file watch failed; relying on the periodic check'));
        watchers.push(w);
      } catch (err) {
        log.warn({ err, path }, 'cannot watch; relying on the periodic check');
      }
    };
    for (const d of dirs) tryWatch(d, false);
    if (opts.jobConfigPath) {
      let isDir = false;
      try {
        isDir = statSync(opts.jobConfigPath).isDirectory();
      } catch {
        isDir = false;
      }
      tryWatch(isDir ? opts.jobConfigPath : dirname(opts.jobConfigPath), isDir);
    }
    poller = setInterval(() => {
      if (fingerprint(opts) !== lastPrint) schedule();
    }, opts.pollIntervalMs ?? 5000);
    poller.unref();
  }

  return {
    current: () => snapshot,
    onChange(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    reload,
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      if (poller) clearInterval(poller);
      for (const w of watchers) w.close();
      listeners.clear();
    },
  };
}
