// Marker files: the exit code an entrypoint leaves for the sidecar (and for a later entrypoint's
// previous_marker), read as upstream's wrapper.WaitForMarkers reads them (pkg/pod-utils/wrapper/options.go).
// Upstream watches the directory with fsnotify and re-checks every 10 s; we poll, which also sees files
// that another process renames into a directory shared through a host path.
import { readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface MarkerResult {
  /** The exit code in the marker; -1 when it could not be read. */
  code: number;
  error?: string;
}

const POLL_MS = 200;

/** readMarkerFile: the integer in the file, or why there is none. */
export async function readMarker(path: string): Promise<MarkerResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    return { code: -1, error: `bad read: ${(err as Error).message}` };
  }
  const trimmed = text.trim();
  const code = /^[+-]?\d+$/.test(trimmed) ? Number.parseInt(trimmed, 10) : Number.NaN;
  if (!Number.isSafeInteger(code)) return { code: -1, error: `invalid return code: ${JSON.stringify(trimmed)}` };
  return { code };
}

/** Waits until every marker exists (or `signal` aborts: the rest get an error); one result per path. */
export async function waitForMarkers(paths: readonly string[], signal?: AbortSignal): Promise<Map<string, MarkerResult>> {
  const results = new Map<string, MarkerResult>();
  if (paths.length === 0) return results;
  const dir = dirname(paths[0]!);
  if (paths.some((p) => dirname(p) !== dir)) {
    for (const p of paths) results.set(p, { code: -1, error: 'marker files are not all written to the same directory' });
    return results;
  }
  for (;;) {
    for (const p of paths) {
      if (results.has(p)) continue;
      if (await exists(p)) results.set(p, await readMarker(p));
    }
    if (results.size === paths.length) return results;
    if (signal?.aborted) {
      for (const p of paths) if (!results.has(p)) results.set(p, { code: -1, error: 'cancelled: context canceled' });
      return results;
    }
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, POLL_MS);
      signal?.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
    });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
