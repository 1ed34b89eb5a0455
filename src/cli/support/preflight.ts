// Checks a command makes before it starts anything: every port it will listen on is free and every file
// it was given can be read. A problem is one clear line naming the flag (StartupError), exit 1, and
// nothing half-started (no periodic triggered, no delivery claimed).
import { accessSync, constants, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { ConfigAggregateError } from '../../config/errors.js';

/** A problem the user fixes with a flag or a file: printed as one line, no stack. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

export interface PortCheck {
  flag: string;
  port: number | undefined;
  host?: string | undefined;
}

function tryListen(port: number, host: string | undefined): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/** Port 0 and undefined (not served) are skipped; two flags naming the same port are a conflict too. */
export async function checkPortsFree(checks: PortCheck[]): Promise<void> {
  const seen = new Map<number, string>();
  for (const { flag, port, host } of checks) {
    if (port === undefined || port === 0) continue;
    const other = seen.get(port);
    if (other) throw new StartupError(`${flag} ${port}: ${other} already uses port ${port}; give them different ports`);
    seen.set(port, flag);
    const err = await tryListen(port, host);
    if (err === undefined) continue;
    const where = `${host ?? '0.0.0.0'}:${port}`;
    if (err.code === 'EADDRINUSE') throw new StartupError(`${flag} ${port}: ${where} is already in use (another prow running?); pick a free port with ${flag}`);
    if (err.code === 'EACCES') throw new StartupError(`${flag} ${port}: not allowed to listen on ${where} (ports below 1024 need privileges); pick another with ${flag}`);
    if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') throw new StartupError(`${flag} ${port}: cannot listen on ${where}: ${host ?? ''} is not an address of this machine`);
    throw new StartupError(`${flag} ${port}: cannot listen on ${where}: ${err.message}`);
  }
}

export interface FileCheck {
  flag: string;
  path: string | undefined;
  /** A directory is fine too (--job-config-path). */
  directory?: boolean;
}

export function checkFilesReadable(checks: FileCheck[]): void {
  for (const { flag, path, directory = false } of checks) {
    if (path === undefined) continue;
    let isDir: boolean;
    try {
      isDir = statSync(path).isDirectory();
      accessSync(path, constants.R_OK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
      throw new StartupError(`${flag} ${path}: ${why}`);
    }
    if (isDir && !directory) throw new StartupError(`${flag} ${path}: is a directory, not a file`);
  }
}

/** What a startup failure that escaped the checks says in one line, or undefined for a bug (shown with its stack). */
export function describeStartupError(err: unknown): string | undefined {
  if (err instanceof StartupError) return err.message;
  if (err instanceof ConfigAggregateError) return err.message; // every problem, each as file:line: field: message
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number; path?: string };
  if (e?.code === 'EADDRINUSE') return `${e.address ?? ''}:${e.port ?? ''} is already in use; pick a free port`;
  if (e?.code === 'EACCES' && e.syscall === 'listen') return `not allowed to listen on ${e.address ?? ''}:${e.port ?? ''}`;
  if ((e?.code === 'ENOENT' || e?.code === 'EACCES') && typeof e.path === 'string') return `${e.path}: ${e.code === 'ENOENT' ? 'no such file' : 'permission denied'}`;
  return undefined;
}
