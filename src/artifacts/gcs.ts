// ArtifactStore over one Google Cloud Storage bucket with @google-cloud/storage, as upstream's opener
// does for `gs://` (pkg/io/opener.go NewOpener, createGCSClient): credentials from a service-account
// JSON file (--gcs-credentials-file), or anonymous access (public buckets) when none is given.
import { PassThrough, Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import type { File, Storage, StorageOptions } from '@google-cloud/storage';
import { ArtifactNotFoundError, type ArtifactEntry, type ArtifactStore } from './types.js';
import { checkArtifactPath, checkByteRange, compareArtifactPaths, listPrefixOf } from './artifact-path.js';

/** A Google credentials JSON (service_account, authorized_user, external_account…), checked for shape. */
export type GcsCredentials = Record<string, unknown> & { type: string };

export class GcsCredentialsError extends Error {
  override readonly name = 'GcsCredentialsError';
}

export function parseGcsCredentials(text: string, source: string): GcsCredentials {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // Not the parser's message: it quotes the file's text, and this file holds secrets.
    throw new GcsCredentialsError(`${source}: not valid JSON`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new GcsCredentialsError(`${source}: want a JSON object`);
  const obj = raw as Record<string, unknown>;
  if (typeof obj['type'] !== 'string' || obj['type'] === '') throw new GcsCredentialsError(`${source}: type: want a credentials type such as "service_account"`);
  if (obj['type'] === 'service_account') {
    for (const key of ['client_email', 'private_key']) {
      if (typeof obj[key] !== 'string' || obj[key] === '') throw new GcsCredentialsError(`${source}: ${key}: a service account key needs it`);
    }
  }
  return obj as GcsCredentials;
}

const GCS_ENDPOINT = 'https://storage.googleapis.com';

export interface GcsClientOptions {
  /** Absent: anonymous requests, which read public buckets only (upstream's fallback, option.WithoutAuthentication). */
  credentials?: GcsCredentials;
  /** The JSON API's base URL, for a fake or a private endpoint. Default https://storage.googleapis.com. */
  apiEndpoint?: string;
}

// The client library takes over half a second to load: only commands that open a gs:// bucket pay for it.
export async function createGcsClient(options: GcsClientOptions = {}): Promise<Storage> {
  const { Storage } = await import('@google-cloud/storage');
  const apiEndpoint = (options.apiEndpoint ?? GCS_ENDPOINT).replace(/\/+$/, '');
  const config: StorageOptions = { apiEndpoint };
  if (options.credentials) {
    // The library prints a deprecation warning for `credentials` (and for keyFilename and fromJSON):
    // it wants google-auth-library's JWT constructor, which is not one of our dependencies.
    config.credentials = options.credentials;
    config.useAuthWithCustomEndpoint = true;
    const project = options.credentials['project_id'];
    if (typeof project === 'string') config.projectId = project;
  } else {
    // The client signs every request unless the endpoint counts as custom and auth is not asked for
    // there; "https://storage.googleapis.com/" differs from its default by the slash alone and it
    // trims that slash, so the same host is reached without credentials.
    config.apiEndpoint = `${apiEndpoint}/`;
    config.useAuthWithCustomEndpoint = false;
  }
  return new Storage(config);
}

export interface GcsArtifactStoreOptions {
  client: Storage | Promise<Storage>;
  bucket: string;
}

export function createGcsArtifactStore({ client, bucket: bucketName }: GcsArtifactStoreOptions): ArtifactStore {
  const bucketReady = Promise.resolve(client).then((c) => c.bucket(bucketName));
  bucketReady.catch(() => {}); // reported by the first call that awaits it
  const file = async (path: string): Promise<File> => {
    checkArtifactPath(path);
    return (await bucketReady).file(path);
  };

  return {
    async put(path, data) {
      // One simple (multipart) upload: GCS makes the object visible whole, old or new.
      await (await file(path)).save(typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength), { resumable: false });
    },

    async putIfAbsent(path, data) {
      try {
        await (await file(path)).save(typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength), {
          resumable: false, preconditionOpts: { ifGenerationMatch: 0 },
        });
        return true;
      } catch (err) {
        if (statusOf(err) === 412) return false; // generation 0 means "no live object"
        throw err;
      }
    },

    async get(path) {
      // Through openRead rather than File.download, whose buffering adds listeners per chunk on large objects.
      try {
        return await buffer(await this.openRead(path));
      } catch (err) {
        if (err instanceof ArtifactNotFoundError) return undefined;
        throw err;
      }
    },

    async stat(path) {
      try {
        const [meta] = await (await file(path)).getMetadata();
        return { path, size: Number(meta.size ?? 0), modified: new Date(meta.updated ?? 0).toISOString() };
      } catch (err) {
        if (isObjectNotFound(err)) return undefined;
        throw err;
      }
    },

    async list(prefix) {
      const [files] = await (await bucketReady).getFiles({ prefix: listPrefixOf(prefix), autoPaginate: true });
      const out: ArtifactEntry[] = [];
      for (const f of files) {
        if (f.name.endsWith('/')) continue; // "folder" placeholders the console creates
        out.push({ path: f.name, size: Number(f.metadata.size ?? 0), modified: new Date(f.metadata.updated ?? 0).toISOString() });
      }
      return out.sort(compareArtifactPaths);
    },

    async openRead(path, range = {}) {
      const { start, end } = checkByteRange(path, range);
      const ranged = start > 0 || end !== undefined;
      const stream = (await file(path)).createReadStream(ranged ? { start, ...(end === undefined ? {} : { end }) } : {});
      // The client sends the request once the stream is read, and reports a failed one as a stream error
      // after its 'response' event. Piping into a PassThrough starts it (back-pressure still holds), and
      // the caller gets the stream once the status says the object is there.
      const out = new PassThrough();
      return new Promise<Readable>((resolve, reject) => {
        let answered = false;
        stream.once('response', (res: { statusCode?: number; status?: number }) => {
          if ((res.statusCode ?? res.status ?? 200) >= 300) return; // the error event follows
          answered = true;
          resolve(out);
        });
        stream.once('error', (err: unknown) => {
          if (answered) out.destroy(err as Error);
          else if (isObjectNotFound(err)) reject(new ArtifactNotFoundError(path));
          else if (isRangeNotSatisfiable(err)) resolve(Readable.from([]));
          else reject(err);
        });
        stream.pipe(out);
      });
    },

    async delete(path) {
      await (await file(path)).delete({ ignoreNotFound: true });
    },
  };
}

function isObjectNotFound(err: unknown): boolean {
  // A missing bucket is a 404 too, and a configuration error rather than a missing object.
  return statusOf(err) === 404 && !/bucket does not exist/i.test((err as Error).message);
}

function isRangeNotSatisfiable(err: unknown): boolean {
  return statusOf(err) === 416;
}

/** The HTTP status of a failed request: the `code` of the client's ApiError (or of the error a download stream reports). */
function statusOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}
