// What the image plugins (dog, pony, cat, goose) share: the size check upstream makes before embedding an
// image (pkg/github/helpers.go ImageTooBig: a HEAD request, 5 MiB at most) and a clear error when the
// process gives plugins no HTTP.
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
