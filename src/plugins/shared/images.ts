// What the image plugins (dog, pony, cat, goose) share: the size check upstream makes before embedding an
// image (pkg/github/helpers.go ImageTooBig: a HEAD request, 5 MiB at most) and a clear error when the
// process gives plugins no HTTP.
import { readFileSync } from 'node:fs';
import type { Logger } from '../../observability/logger.js';

export const IMAGE_SIZE_LIMIT = 5242880;

export class ImageError extends Error {
  override readonly name = 'ImageError';
}

/** The plugin's HTTP capability, or an error naming the plugin. */
export function httpFor(plugin: string, http: typeof fetch | undefined): typeof fetch {
  if (http === undefined) throw new ImageError(`${plugin}: this process gives plugins no HTTP client`);
  return http;
}

/** True when the image is larger than GitHub embeds; a failed HEAD counts as too big, as upstream. */
export async function imageTooBig(http: typeof fetch, url: string): Promise<boolean> {
  const res = await http(url, { method: 'HEAD', signal: AbortSignal.timeout(10_000) });
  if (res.status !== 200) throw new ImageError(`HEAD ${url}: failing ${res.status} response`);
  return Number(res.headers.get('content-length') ?? 0) > IMAGE_SIZE_LIMIT;
}

/** Go's url.QueryEscape: spaces as +, and the characters encodeURIComponent leaves alone escaped. */
export function queryEscape(s: string): string {
  return encodeURIComponent(s).replace(/%20/g, '+').replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const keys = new Map<string, { key: string; until: number }>();

/** An API key from a file (cat.key_path, goose.key_path), re-read at most once a minute as upstream. */
export function apiKey(path: string | undefined, log: Logger, now: Date): string {
  if (path === undefined || path === '') return '';
  const cached = keys.get(path);
  if (cached !== undefined && now.getTime() < cached.until) return cached.key;
  let key = '';
  try {
    key = readFileSync(path, 'utf8').trim();
  } catch (err) {
    log.error({ err, key_path: path }, 'failed to read the api key');
  }
  keys.set(path, { key, until: now.getTime() + 60_000 });
  return key;
}
