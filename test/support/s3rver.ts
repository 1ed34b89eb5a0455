// s3rver, a real S3 wire server (XML errors, SigV4 checks, ranges), on a free port with a throw-away directory.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

export interface S3Server {
  endpoint: string;
  /** An upstream-format S3 credentials file (path style, s3rver's fixed keys) pointing at this server. */
  credentialsFile: string;
  close(): Promise<void>;
}

/** Starts s3rver with the given buckets (names need at least 3 characters). */
export async function startS3rver(buckets: string[]): Promise<S3Server> {
  const dir = mkdtempSync(join(tmpdir(), 's3rver-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: join(dir, 'data'), configureBuckets: buckets.map((name) => ({ name })) });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const credentialsFile = join(dir, 's3-credentials.json');
  writeFileSync(credentialsFile, JSON.stringify({
    region: 'us-east-1', endpoint, s3_force_path_style: true, access_key: 'S3RVER', secret_key: 'S3RVER',
  }));
  return {
    endpoint,
    credentialsFile,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
