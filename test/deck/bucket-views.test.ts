// deck reading buckets: /view/gs|s3/<bucket>/<build dir> with its lenses (metadata, buildlog by byte
// range, junit, links, podinfo) chosen by deck.spyglass.lenses, /job-history/ paging by buildId,
// /badge.svg, raw objects with ranges, and refusals (traversal, unknown bucket, no bucket access).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../../src/observability/logger.js';
import type { ArtifactStore } from '../../src/artifacts/types.js';
import { directoryBucketOpener, uploadRun } from './support/buckets.js';
import { job, makeWorld, type World } from './support/world.js';

const BUCKET = 'prow-results';
const LOG_LINES = 60_000; // ~2.9 MB: far more than the 256 KiB the page renders
const HTML = { headers: { accept: 'text/html' } };

function bigLog(): string {
  const lines: string[] = [];
  for (let n = 1; n <= LOG_LINES; n++) lines.push(n === LOG_LINES - 5 ? `line ${n} Error: the widget broke` : `line ${n} ${'ok '.repeat(14)}`);
  return `${lines.join('\n')}\n`;
}

const JUNIT = `<?xml version="1.0"?>
<testsuites><testsuite name="widgets" tests="3" failures="1">
<testcase classname="widgets" name="TestSpin" time="0.5"/>
<testcase classname="widgets" name="TestBreak" time="1.25"><failure message="boom">widget_test.go:42: expected 1, got 2</failure></testcase>
<testcase classname="widgets" name="TestSkip"><skipped/></testcase>
</testsuite></testsuites>`;

describe('deck bucket views', () => {
  let w: World;
  let gs: ArtifactStore;
  let bucketRoot = '';
  let lastDir = '';

  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deck-buckets-'));
    bucketRoot = join(dir, 'buckets');
    const bucketOpener = directoryBucketOpener(bucketRoot);
    w = makeWorld({ openBucket: bucketOpener });
    gs = bucketOpener({ provider: 'gs', bucket: BUCKET });
    const scratch = join(w.dir, 'scratch');
    for (let id = 100; id <= 125; id++) {
      const last = id === 125;
      const { dir } = await uploadRun(gs, scratch, {
        bucket: `gs://${BUCKET}`, type: 'periodic', job: 'ci-demo-e2e', buildId: String(id), passed: id % 3 !== 0 && !last,
        log: last ? bigLog() : `build ${id}\nok\n`,
        ...(last ? { artifacts: { 'junit_01.xml': JUNIT, 'metadata.json': '{"k8s-version":"v1.31.0"}', 'grafana.link.txt': 'https://grafana.example/d/abc' } } : {}),
      });
      if (last) lastDir = dir;
    }
    for (const id of ['7', '8']) {
      await uploadRun(gs, scratch, { bucket: `gs://${BUCKET}`, type: 'presubmit', job: 'pull-demo-unit', pull: 42, buildId: id, passed: id === '8', log: `pr build ${id}\n` });
    }
    const s3 = bucketOpener({ provider: 's3', bucket: 'minio-logs' });
    await uploadRun(s3, scratch, { bucket: 's3://minio-logs', type: 'postsubmit', job: 'post-demo-build', buildId: '3', passed: true, log: 'built\n' });
    // Something outside every bucket that a traversal would reach.
    mkdirSync(join(bucketRoot, 'gs'), { recursive: true });
    writeFileSync(join(bucketRoot, 'gs', 'secret.txt'), 'not for deck');
  });
  after(async () => {
    await w?.close();
    if (bucketRoot) rmSync(join(bucketRoot, '..'), { recursive: true, force: true });
  });

  const get = (path: string, init: RequestInit = HTML): Promise<Response> => Promise.resolve(w.app.request(path, init));

  it('shows a run from a gs:// bucket: metadata, the tail of the build log, failed tests, links and artifacts', async () => {
    assert.equal(lastDir, 'logs/ci-demo-e2e/125');
    const res = await get(`/view/gs/${BUCKET}/${lastDir}`);
    assert.equal(res.status, 200);
    const body = await res.text();
    const rows = body.match(/class="row/g)?.length ?? 0;
    assert.ok(rows > 1000 && rows < 6000, `the page carries the log's last 256 KiB, not all ${LOG_LINES} lines (${rows} rows)`);
    assert.match(body, /<h1>ci-demo-e2e <span class="muted">#125<\/span>/);
    assert.match(body, /id="spyglass-result">FAILURE</);
    assert.match(body, /<th>k8s-version<\/th><td>v1\.31\.0<\/td>/);
    assert.match(body, new RegExp(`id="L${LOG_LINES}"`), 'the last line is numbered as in the whole file');
    assert.doesNotMatch(body, /id="L1"/);
    assert.match(body, /<a href="#L59995" id="jump-error">first error line<\/a>/);
    const earlier = /<a href="([^"]+)" data-before="(\d+)">([\d,]+) earlier lines<\/a>/.exec(body);
    assert.ok(earlier, 'an "earlier lines" link');
    assert.equal(earlier[1], `/spyglass/log/gs/${BUCKET}/${lastDir}/build-log.txt?before=${earlier[2]}`);
    // JUnit: the failure first with its message, counts for the rest.
    assert.match(body, /1 failed<\/span> · 1 passed · 1 skipped/);
    assert.match(body, /widgets\.TestBreak[\s\S]*widget_test\.go:42: expected 1, got 2/);
    assert.match(body, /<a href="https:\/\/grafana\.example\/d\/abc" rel="noreferrer noopener">Grafana<\/a>/);
    assert.match(body, new RegExp(`<a href="/spyglass/raw/gs/${BUCKET}/${lastDir}/artifacts/junit_01.xml">artifacts/junit_01.xml</a>`));
    assert.match(body, new RegExp(`href="/job-history/gs/${BUCKET}/logs/ci-demo-e2e" id="job-history-link"`));
    // Lens order is upstream's priority: metadata, junit, buildlog, links.
    const order = ['lens-metadata', 'lens-junit', 'lens-buildlog', 'lens-links'].map((id) => body.indexOf(`id="${id}"`));
    assert.deepEqual([...order].sort((a, b) => a - b), order);
    assert.ok(order[0]! > 0);
  });

  it('loads earlier lines of a bucket log by byte range, whole lines ending where the page starts', async () => {
    const body = await (await get(`/view/gs/${BUCKET}/${lastDir}`)).text();
    const [, href, before, count] = /<a href="([^"]+)" data-before="(\d+)">([\d,]+) earlier lines<\/a>/.exec(body)!;
    const res = await get(href!.replaceAll('&amp;', '&'), {});
    assert.equal(res.status, 200);
    const start = Number(res.headers.get('x-log-start'));
    const text = await res.text();
    assert.equal(start + Buffer.byteLength(text), Number(before));
    assert.ok(text.endsWith(`line ${Number(count!.replaceAll(',', ''))} ${'ok '.repeat(14)}\n`), 'ends with the line right before the tail');
    assert.match(text, /^line \d+ /, 'starts at a whole line');
    // A plain byte range too.
    const range = await get(`/spyglass/log/gs/${BUCKET}/${lastDir}/build-log.txt?start=0&end=9`, {});
    assert.equal(await range.text(), 'line 1 ok ');
  });

  it('serves raw objects as text or JSON with byte ranges', async () => {
    const fin = await get(`/spyglass/raw/gs/${BUCKET}/${lastDir}/finished.json`, {});
    assert.equal(fin.headers.get('content-type'), 'application/json');
    assert.equal((await fin.json() as { result: string }).result, 'FAILURE');
    const part = await get(`/spyglass/raw/gs/${BUCKET}/${lastDir}/build-log.txt`, { headers: { range: 'bytes=5-9' } });
    assert.equal(part.status, 206);
    assert.equal(await part.text(), '1 ok ');
  });

  it('honours deck.spyglass.lenses: only configured lenses, required files decide, unknown names are said', async () => {
    w.config = { deck: { spyglass: { size_limit: 100_000_000, lenses: [
      { lens: { name: 'buildlog' }, required_files: ['^build-log\\.txt$'] },
      { lens: { name: 'podinfo' }, required_files: ['^podinfo\\.json$'] },
      { lens: { name: 'coverage' }, required_files: ['^artifacts/cover\\.out$'] },
    ] } } };
    try {
      let body = await (await get(`/view/gs/${BUCKET}/${lastDir}`)).text();
      assert.match(body, /id="lens-buildlog"/);
      assert.doesNotMatch(body, /id="lens-metadata"|id="lens-junit"|id="lens-podinfo"/);
      assert.match(body, /id="unknown-lenses">Configured lenses deck does not have \(not shown\): coverage\./);
      const pod = { pod: { metadata: { name: 'pod-125', namespace: 'test-pods' }, spec: { nodeName: 'node-a' }, status: { phase: 'Failed', containerStatuses: [{ name: 'test', image: 'golang:1.23', state: { terminated: { exitCode: 2, reason: 'Error' } } }] } }, events: [{ type: 'Warning', reason: 'BackOff', message: 'restarting failed container', count: 3 }] };
      await gs.put(`${lastDir}/podinfo.json`, JSON.stringify(pod));
      body = await (await get(`/view/gs/${BUCKET}/${lastDir}`)).text();
      assert.match(body, /id="lens-podinfo"/);
      assert.match(body, /<th>test<\/th><td>terminated \(exit code 2, Error\)/);
      assert.match(body, /BackOff<\/td><td>restarting failed container/);
    } finally {
      w.config = {};
      await gs.delete(`${lastDir}/podinfo.json`);
    }
  });

  it('logs once per config every spyglass setting it does not act on, naming the setting', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk: Buffer, _enc, done) { lines.push(chunk.toString()); done(); } });
    const logged = makeWorld({ openBucket: directoryBucketOpener(bucketRoot), log: createLogger({ format: 'json', destination: sink, level: 'warn' }) });
    logged.config = { deck: { spyglass: { size_limit: 1e8, testgrid_root: 'https://testgrid.example/', lenses: [
      { lens: { name: 'buildlog', config: { highlight_regexes: ['boom'] } }, required_files: ['build-log\\.txt'] },
      { lens: { name: 'restcoverage' }, required_files: ['x'] },
    ] } } };
    try {
      for (let i = 0; i < 2; i++) assert.equal((await logged.app.request(`/view/gs/${BUCKET}/${lastDir}`, HTML)).status, 200);
      const settings = lines.map((l) => (JSON.parse(l) as { setting?: string }).setting).filter(Boolean).sort();
      assert.deepEqual(settings, ['deck.spyglass.lenses[0].lens.config', 'deck.spyglass.lenses[1].lens.name', 'deck.spyglass.testgrid_root']);
    } finally {
      await logged.close();
    }
  });

  it('pages job history 20 runs at a time by buildId, newest first, with results from the bucket', async () => {
    const res = await get(`/job-history/gs/${BUCKET}/logs/ci-demo-e2e`);
    assert.equal(res.status, 200);
    const body = await res.text();
    const ids = [...body.matchAll(/data-build="(\d+)"/g)].map((m) => m[1]);
    assert.deepEqual(ids, Array.from({ length: 20 }, (_, i) => String(125 - i)));
    assert.match(body, /Showing 20 of 26 runs/);
    assert.match(body, new RegExp(`<a href="/view/gs/${BUCKET}/logs/ci-demo-e2e/125">125</a>`));
    assert.match(body, /data-build="124"><td><span class="state state-success">SUCCESS/);
    assert.match(body, /data-build="123"><td><span class="state state-failure">FAILURE/);
    const older = /<a href="([^"]+)" id="history-older">/.exec(body)![1]!;
    assert.equal(older, `/job-history/gs/${BUCKET}/logs/ci-demo-e2e?buildId=105`);
    const page2 = await (await get(older)).text();
    assert.deepEqual([...page2.matchAll(/data-build="(\d+)"/g)].map((m) => m[1]), ['105', '104', '103', '102', '101', '100']);
    assert.match(page2, /id="history-latest"/);
    assert.match(page2, /<a href="[^"]*\?buildId=125" id="history-newer">/);
    assert.doesNotMatch(page2, /id="history-older"/);
    // Without a provider the bucket is a GCS one, as upstream.
    assert.equal((await get(`/job-history/${BUCKET}/logs/ci-demo-e2e`)).status, 200);
    assert.equal((await get(`/job-history/gs/${BUCKET}/logs/ci-demo-e2e?buildId=abc`)).status, 400);
  });

  it('resolves presubmit history through pr-logs/directory links', async () => {
    const body = await (await get(`/job-history/gs/${BUCKET}/pr-logs/directory/pull-demo-unit`)).text();
    assert.deepEqual([...body.matchAll(/data-build="(\d+)"/g)].map((m) => m[1]), ['8', '7']);
    assert.match(body, new RegExp(`<a href="/view/gs/${BUCKET}/pr-logs/pull/demo_hello/42/pull-demo-unit/8">8</a>`));
    const view = await (await get(`/view/gs/${BUCKET}/pr-logs/pull/demo_hello/42/pull-demo-unit/8`)).text();
    assert.match(view, /href="\/pr-history\?org=demo&amp;repo=hello&amp;pr=42" id="pr-history-link"/);
    assert.match(view, new RegExp(`href="/job-history/gs/${BUCKET}/pr-logs/directory/pull-demo-unit"`));
    // The directory link itself opens the run, as upstream's symlinks do.
    const viaLink = await (await get(`/view/gs/${BUCKET}/pr-logs/directory/pull-demo-unit/8.txt`)).text();
    assert.match(viaLink, /pr build 8/);
  });

  it('links a run whose ProwJob is still running to its live job page; takes upstream\'s legacy gcs spelling', async () => {
    const { pj, dir } = await uploadRun(gs, join(bucketRoot, '..', 'scratch'), {
      bucket: `gs://${BUCKET}`, type: 'periodic', job: 'ci-still-running', buildId: '1', passed: true, log: 'working\n',
    });
    await gs.delete(`${dir}/finished.json`);
    pj.status.state = 'pending';
    delete pj.status.completionTime;
    const created = await w.store.createProwJob(pj);
    await gs.put(`${dir}/prowjob.json`, JSON.stringify(created));
    const body = await (await get(`/view/gcs/${BUCKET}/${dir}`)).text();
    assert.match(body, new RegExp(`<a href="/job/${created.metadata.name}" id="job-page-link">live log, rerun and abort</a>`));
    assert.match(body, /id="running-note"/);
    assert.match(body, /id="spyglass-result">Pending</);
    await w.store.deleteProwJob(created.metadata.name);
  });

  it('reads s3:// buckets the same way', async () => {
    const body = await (await get('/view/s3/minio-logs/logs/post-demo-build/3')).text();
    assert.match(body, /id="spyglass-result">SUCCESS</);
    assert.match(body, /<span class="lc">built<\/span>/);
  });

  it('answers a missing run with a 404 page that keeps the header', async () => {
    const res = await get(`/view/gs/${BUCKET}/logs/ci-demo-e2e/999`);
    assert.equal(res.status, 404);
    const body = await res.text();
    assert.match(body, /<header/);
    assert.match(body, /No job artifacts at gs:\/\/prow-results\/logs\/ci-demo-e2e\/999\./);
    assert.equal((await get(`/job-history/gs/${BUCKET}/logs/no-such-job`)).status, 404);
    assert.equal((await get(`/spyglass/raw/gs/${BUCKET}/logs/nope.txt`, {})).status, 404);
    assert.equal((await get('/view/ftp/x/logs/a/1')).status, 404);
  });

  it('refuses paths that leave the bucket', async () => {
    for (const path of [
      `/spyglass/raw/gs/${BUCKET}/%2e%2e/secret.txt`, `/spyglass/raw/gs/${BUCKET}/logs/%2e%2e/%2e%2e/secret.txt`,
      `/view/gs/${BUCKET}/logs/..%2f..%2f`, `/spyglass/log/gs/${BUCKET}/a%5c..%5csecret.txt`, `/job-history/gs/${BUCKET}/%2e%2e`,
    ]) {
      const res = await get(path, {});
      assert.equal(res.status, 400, path);
      assert.doesNotMatch(await res.text(), /not for deck/);
    }
  });

  it('opens only allowed buckets when skip_storage_path_validation is false', async () => {
    w.config = { deck: { skip_storage_path_validation: false, additional_allowed_buckets: ['minio-logs'] } };
    try {
      const refused = await get(`/view/gs/${BUCKET}/${lastDir}`);
      assert.equal(refused.status, 403);
      assert.match(await refused.text(), /bucket &quot;prow-results&quot; is not in deck&#39;s allowed list/);
      assert.equal((await get('/view/s3/minio-logs/logs/post-demo-build/3')).status, 200);
      w.config = { deck: { skip_storage_path_validation: false, spyglass: { size_limit: 1e8, bucket_aliases: { results: BUCKET } } },
        plank: { default_decoration_config_entries: [{ config: { gcs_configuration: { bucket: `gs://${BUCKET}` } } as never }] } };
      assert.equal((await get(`/view/gs/results/${lastDir}`)).status, 200, 'an alias names an allowed bucket');
    } finally {
      w.config = {};
    }
  });

  it('says so when deck has no access to a provider', async () => {
    const bare = makeWorld();
    try {
      const res = await bare.app.request(`/view/gs/${BUCKET}/${lastDir}`, HTML);
      assert.equal(res.status, 501);
      assert.match(await res.text(), /deck cannot read gs:\/\/prow-results: this deck was started without access to gs:\/\/ buckets/);
    } finally {
      await bare.close();
    }
  });

  it('links a job page to its run in the bucket and shows its log from there', async () => {
    const pj = job({ type: 'periodic', job: 'ci-demo-e2e', buildId: '125', state: 'failure' });
    pj.spec.decoration_config = { gcs_configuration: { bucket: `gs://${BUCKET}`, path_strategy: 'explicit' } } as typeof pj.spec.decoration_config;
    const created = await w.store.createProwJob(pj);
    const body = await (await get(`/job/${created.metadata.name}`)).text();
    assert.match(body, new RegExp(`<a href="/view/gs/${BUCKET}/logs/ci-demo-e2e/125" id="bucket-view">`));
    // A finished job's log comes from its bucket: the page's tail, earlier lines and upstream's /log.
    assert.match(body, new RegExp(`id="L${LOG_LINES}"`));
    const earlier = /<a href="([^"]+)" data-before="(\d+)">/.exec(body)!;
    assert.equal(earlier[1], `/log/${created.metadata.name}?before=${earlier[2]}`);
    assert.match(await (await get(earlier[1]!, {})).text(), /^line \d+ ok/);
    const whole = await get('/log?job=ci-demo-e2e&id=125', {});
    assert.equal((await whole.text()).length, bigLog().length);
    // A deck that cannot open gs:// buckets (prow up's, whose jobs upload to its local directory) links nowhere.
    const bare = makeWorld();
    try {
      const copy = await bare.store.createProwJob(pj);
      assert.doesNotMatch(await (await bare.app.request(`/job/${copy.metadata.name}`, HTML)).text(), /id="bucket-view"/);
    } finally {
      await bare.close();
    }
    await w.store.deleteProwJob(created.metadata.name);
  });

  it('draws upstream badges from the newest run of each matching job', async () => {
    const at = (m: number): string => new Date(Date.UTC(2026, 11, 1, 12, m)).toISOString();
    const runs: [string, 'success' | 'failure' | 'pending', number][] = [
      ['ci-alpha', 'failure', 1], ['ci-alpha', 'success', 2], ['ci-beta', 'failure', 3], ['ci-gamma', 'pending', 4], ['post-x', 'failure', 5],
    ];
    for (const [name, state, m] of runs) await w.store.createProwJob(job({ type: 'periodic', job: name, state, start: at(m) }));
    const badge = async (q: string): Promise<{ status: number; type: string | null; svg: string }> => {
      const res = await get(`/badge.svg?jobs=${encodeURIComponent(q)}`, {});
      return { status: res.status, type: res.headers.get('content-type'), svg: await res.text() };
    };
    const failing = await badge('ci-*');
    assert.equal(failing.type, 'image/svg+xml');
    assert.match(failing.svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(failing.svg, /<text x="[\d.]+" y="14">failing ci-beta<\/text>/);
    assert.match(failing.svg, /fill="#e05d44"/);
    const passing = await badge('ci-alpha,ci-g?mma');
    assert.match(passing.svg, /y="14">passing<\/text>/);
    assert.match(passing.svg, /fill="#4c1"/);
    assert.match((await badge('nothing-*')).svg, /y="14">no results<\/text>/);
    assert.match((await badge('ci-[ab]*,post-*')).svg, /y="14">failing ci-beta, post-x<\/text>/);
    assert.equal((await get('/badge.svg', {})).status, 400);
  });
});
