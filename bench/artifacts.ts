// Artifact store throughput: the local directory, S3 (s3rver, a real S3 wire server on loopback) and GCS
// (our fake GCS JSON API on loopback), each through its real client. Prints small-object puts/s, large
// put and get MB/s, and range reads/s (what deck's log viewer does), with the ratio to local.
//   node --import tsx bench/artifacts.ts [--small 200] [--big-mib 16] [--ranges 200]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import S3rver from 's3rver';
import { createGcsArtifactStore, createGcsClient } from '../src/artifacts/gcs.js';
import { createLocalArtifactStore } from '../src/artifacts/local.js';
import { createS3ArtifactStore, createS3Client } from '../src/artifacts/s3.js';
import type { ArtifactStore } from '../src/artifacts/types.js';
import { startFakeGcs } from '../src/artifacts/fake-gcs/server.js';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}
const SMALL = arg('small', 200);
const BIG_MIB = arg('big-mib', 16);
const RANGES = arg('ranges', 200);
const RANGE_BYTES = 64 * 1024;

interface Figures {
  smallPutsPerSec: number;
  bigPutMBs: number;
  bigGetMBs: number;
  rangeReadsPerSec: number;
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

async function measure(store: ArtifactStore): Promise<Figures> {
  const small = Buffer.alloc(4096, 'x');
  const big = Buffer.alloc(BIG_MIB * 1024 * 1024);
  for (let i = 0; i < big.length; i += 4096) big[i] = i % 251;
  const smallSecs = await timed(async () => {
    for (let i = 0; i < SMALL; i++) await store.put(`logs/bench/${i}/started.json`, small);
  });
  const putSecs = await timed(() => store.put('logs/bench/big/build-log.txt', big));
  let got = 0;
  const getSecs = await timed(async () => {
    got = (await store.get('logs/bench/big/build-log.txt'))!.length;
  });
  if (got !== big.length) throw new Error(`read ${got} bytes, wrote ${big.length}`);
  let ranged = 0;
  const rangeSecs = await timed(async () => {
    for (let i = 0; i < RANGES; i++) {
      const start = (i * 7919 * 4096) % (big.length - RANGE_BYTES);
      ranged += (await text(await store.openRead('logs/bench/big/build-log.txt', { start, end: start + RANGE_BYTES - 1 }))).length;
    }
  });
  if (ranged !== RANGES * RANGE_BYTES) throw new Error(`range reads returned ${ranged} bytes`);
  const mb = big.length / 1e6;
  return { smallPutsPerSec: SMALL / smallSecs, bigPutMBs: mb / putSecs, bigGetMBs: mb / getSecs, rangeReadsPerSec: RANGES / rangeSecs };
}

const dir = mkdtempSync(join(tmpdir(), 'bench-artifacts-'));
const s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: join(dir, 's3'), configureBuckets: [{ name: 'prow-logs' }] });
const { port } = await s3.run();
const gcs = await startFakeGcs({ buckets: ['prow-logs'], maxObjectBytes: (BIG_MIB + 1) * 1024 * 1024 });
try {
  const results: Array<[string, Figures]> = [];
  results.push(['local', await measure(createLocalArtifactStore({ root: join(dir, 'local') }))]);
  const s3Client = await createS3Client({ endpoint: `http://127.0.0.1:${port}`, s3_force_path_style: true, access_key: 'S3RVER', secret_key: 'S3RVER', region: 'us-east-1' });
  results.push(['s3 (s3rver)', await measure(createS3ArtifactStore({ client: s3Client, bucket: 'prow-logs' }))]);
  results.push(['gcs (fake)', await measure(createGcsArtifactStore({ client: await createGcsClient({ apiEndpoint: gcs.url }), bucket: 'prow-logs' }))]);
  const base = results[0]![1];
  const f = (n: number): string => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
  const r = (n: number, b: number): string => `×${(n / b).toPrecision(2)}`;
  console.log(`${SMALL} puts of 4 KiB, one ${BIG_MIB} MiB put and get, ${RANGES} range reads of 64 KiB; loopback, one client\n`);
  console.log('store          small puts/s        big put MB/s     big get MB/s     range reads/s');
  for (const [name, x] of results) {
    console.log(`${name.padEnd(14)} ${`${f(x.smallPutsPerSec)} ${r(x.smallPutsPerSec, base.smallPutsPerSec)}`.padEnd(19)} ${`${f(x.bigPutMBs)} ${r(x.bigPutMBs, base.bigPutMBs)}`.padEnd(16)} ${`${f(x.bigGetMBs)} ${r(x.bigGetMBs, base.bigGetMBs)}`.padEnd(16)} ${f(x.rangeReadsPerSec)} ${r(x.rangeReadsPerSec, base.rangeReadsPerSec)}`);
  }
} finally {
  await s3.close();
  await gcs.close();
  rmSync(dir, { recursive: true, force: true });
}
