// What an image's default command is, for the containers that set no `command`. kube-fake runs no images,
// so it knows only the ones it is told about: the pod utilities (upstream's
// us-docker.pkg.dev/k8s-infra-prow/images/<utility>, gcr.io/k8s-prow/<utility>, or any image whose last path
// segment is clonerefs, initupload, entrypoint or sidecar) run as `prow <utility>`, our own image (last
// segment `prow`) as `prow`, and `--image-command IMAGE=COMMAND` adds or overrides one image.
const POD_UTILITIES = new Set(['clonerefs', 'initupload', 'entrypoint', 'sidecar']);

export interface ImageCommands {
  /** How to run `prow` on this host (e.g. [node, bin/prow]); without it, only `overrides` apply. */
  prow?: readonly string[];
  /** Image (with or without its tag) → its default command. */
  overrides?: Readonly<Record<string, readonly string[]>>;
}

/** `registry/path/name:tag@digest` → `registry/path/name`. */
function withoutTag(image: string): string {
  const at = image.indexOf('@');
  const noDigest = at < 0 ? image : image.slice(0, at);
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

/** The default command of `image`, or undefined when kube-fake does not know it. */
export function defaultCommandOf(image: string, o: ImageCommands | undefined): string[] | undefined {
  if (o === undefined || image === '') return undefined;
  const name = withoutTag(image);
  const override = o.overrides?.[image] ?? o.overrides?.[name];
  if (override !== undefined) return [...override];
  if (o.prow === undefined) return undefined;
  const last = name.slice(name.lastIndexOf('/') + 1);
  if (POD_UTILITIES.has(last)) return [...o.prow, last];
  if (last === 'prow') return [...o.prow];
  return undefined;
}

/** `IMAGE=COMMAND` (the command split on spaces) as `--image-command` takes it. */
export function parseImageCommand(value: string): [string, string[]] {
  const eq = value.indexOf('=');
  const image = eq < 0 ? '' : value.slice(0, eq).trim();
  const command = eq < 0 ? [] : value.slice(eq + 1).trim().split(/\s+/).filter(Boolean);
  if (image === '' || command.length === 0) throw new Error(`--image-command ${JSON.stringify(value)}: want IMAGE=COMMAND, e.g. gcr.io/k8s-prow/sidecar=/usr/local/bin/prow sidecar`);
  return [image, command];
}
