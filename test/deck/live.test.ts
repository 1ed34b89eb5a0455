// Live logs over real HTTP (server-sent events) and GitHub OAuth sign-in against a local stand-in for GitHub.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLocalArtifactStore } from '../../src/artifacts/local.js';
import { combineLogSources } from '../../src/artifacts/log-source.js';
import type { ArtifactStore } from '../../src/artifacts/types.js';
import { startDeckServer, type DeckServer } from '../../src/deck/server.js';
import { createLocalExecutor } from '../../src/executor/local/executor.js';
import type { Executor } from '../../src/executor/types.js';
import { createSilentLogger } from '../../src/observability/logger.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/store.js';
import { createUploadedLogSource } from '../../src/podutils/build-log.js';
import { job } from './support/world.js';

interface SseEvent { event: string; data: string; id?: string }

/** Reads server-sent events until `stop` says so or the stream ends. */
async function readEvents(res: Response, stop: (events: SseEvent[]) => boolean, onEvent?: (e: SseEvent) => Promise<void>): Promise<SseEvent[]> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: SseEvent[] = [];
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return events;
    buf += value;
    let at: number;
    while ((at = buf.indexOf('\n\n')) !== -1) {
      const block = buf.slice(0, at);
      buf = buf.slice(at + 2);
      if (block.startsWith(':')) continue;
      const e: SseEvent = { event: 'message', data: '' };
      for (const line of block.split('\n')) {
        const [k, ...rest] = line.split(': ');
        if (k === 'event') e.event = rest.join(': ');
        else if (k === 'data') e.data = rest.join(': ');
        else if (k === 'id') e.id = rest.join(': ');
      }
      events.push(e);
      await onEvent?.(e);
      if (stop(events)) {
        await reader.cancel();
        return events;
      }
    }
  }
}

describe('deck live log stream', () => {
  let dir: string;
  let store: SqliteStore;
  let artifacts: ArtifactStore;
  let deck: DeckServer;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'deck-live-'));
    store = openSqliteStore(join(dir, 'prow.db'));
    artifacts = createLocalArtifactStore({ root: join(dir, 'artifacts') });
    deck = await startDeckServer({ port: 0, store, artifacts, log: createSilentLogger(), config: () => ({}), logPollMs: 20 });
  });
  after(async () => {
    await deck.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends lines as they are appended, state changes, and done once the job completes', async () => {
    const pj = await store.createProwJob(job({ state: 'pending', complete: false, buildId: '9', job: 'pull-live' }));
    // The job writes its log straight to the artifact store's file (the local executor does).
    const log = artifacts.localPath!('pr-logs/pull/demo_hello/1/pull-live/9/build-log.txt');
    mkdirSync(dirname(log), { recursive: true });
    appendFileSync(log, 'one\n');
    const res = await fetch(`${deck.url}/log-stream/${pj.metadata.name}?offset=0`);
    assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    let step = 0;
    const events = await readEvents(res, (ev) => ev.some((e) => e.event === 'done'), async (e) => {
      if (e.event !== 'log') return;
      step++;
      // A character split across two writes: the stream must not mangle it.
      const e9 = Buffer.from('two \u00e9\n');
      if (step === 1) appendFileSync(log, e9.subarray(0, 5));
      if (step === 2) {
        appendFileSync(log, e9.subarray(5));
        const cur = (await store.getProwJob(pj.metadata.name))!;
        await store.updateProwJob({ ...cur, status: { ...cur.status, state: 'success', completionTime: new Date().toISOString() } });
      }
    });
    const text = events.filter((e) => e.event === 'log').map((e) => JSON.parse(e.data) as string).join('');
    assert.equal(text, 'one\ntwo \u00e9\n');
    assert.deepEqual(events.filter((e) => e.event === 'state').map((e) => (JSON.parse(e.data) as { state: string }).state), ['pending', 'success']);
    assert.deepEqual(JSON.parse(events.at(-1)!.data), { state: 'success' });
    assert.equal(events.filter((e) => e.event === 'log').at(-1)!.id, String(Buffer.byteLength(text)));
  });

  it('resumes from Last-Event-ID, so a reconnect does not repeat lines', async () => {
    const pj = job({ state: 'success', buildId: '10', job: 'pull-done' });
    await store.createProwJob(pj);
    await artifacts.put('pr-logs/pull/demo_hello/1/pull-done/10/build-log.txt', 'abc\ndef\n');
    const res = await fetch(`${deck.url}/log-stream/${pj.metadata.name}`, { headers: { 'last-event-id': '4' } });
    const events = await readEvents(res, () => false);
    assert.deepEqual(events.filter((e) => e.event === 'log').map((e) => JSON.parse(e.data) as string), ['def\n']);
    assert.equal(events.at(-1)!.event, 'done');
    assert.equal((await fetch(`${deck.url}/log-stream/missing`)).status, 404);
    await fetch(`${deck.url}/healthz`);
    const metrics = await (await fetch(`${deck.url}/metrics`)).text();
    assert.match(metrics, /^deck_live_log_streams 0$/m, 'finished streams are counted out');
    assert.match(metrics, /deck_http_request_duration_seconds_count\{route="\/healthz",method="GET",code="200"\} 1/);
  });

  it('close() returns while a client still follows a running job', async () => {
    const pj = await store.createProwJob(job({ state: 'pending', complete: false, buildId: '11', job: 'pull-open' }));
    const other = await startDeckServer({ port: 0, store, artifacts, log: createSilentLogger(), config: () => ({}), logPollMs: 20 });
    const res = await fetch(`${other.url}/log-stream/${pj.metadata.name}`);
    const reading = readEvents(res, () => false).catch(() => []);
    await other.close();
    await reading;
  });
});

describe('deck GitHub OAuth sign-in', () => {
  let gh: Server;
  let ghUrl: string;
  let deck: DeckServer;
  let dir: string;
  let store: SqliteStore;
  const seen: string[] = [];
  before(async () => {
    gh = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push(`${req.method} ${req.url}`);
        res.setHeader('content-type', 'application/json');
        if (req.url === '/login/oauth/access_token') {
          const { code, client_secret } = JSON.parse(body) as { code: string; client_secret: string };
          res.end(JSON.stringify(code === 'good' && client_secret === 'shh' ? { access_token: 'user-token' } : { error: 'bad_verification_code' }));
        } else if (req.url === '/user' && req.headers.authorization === 'token user-token') {
          res.end(JSON.stringify({ login: 'octocat' }));
        } else {
          res.statusCode = 401;
          res.end('{}');
        }
      });
    });
    await new Promise<void>((r) => gh.listen(0, '127.0.0.1', r));
    ghUrl = `http://127.0.0.1:${(gh.address() as AddressInfo).port}`;
    dir = mkdtempSync(join(tmpdir(), 'deck-oauth-'));
    store = openSqliteStore(join(dir, 'prow.db'));
    deck = await startDeckServer({
      port: 0, store, artifacts: createLocalArtifactStore({ root: join(dir, 'a') }), log: createSilentLogger(), config: () => ({}),
      oauth: { client_id: 'cid', client_secret: 'shh', redirect_url: 'http://deck/github-login/redirect', web_base_url: ghUrl, api_base_url: ghUrl },
    });
  });
  after(async () => {
    await deck.close();
    await new Promise((r) => gh.close(r));
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs in through GitHub and refuses a state from another session or a bad code', async () => {
    const first = await fetch(`${deck.url}/github-login?dest=/command-help`, { redirect: 'manual' });
    const cookie = first.headers.get('set-cookie')!.split(';')[0]!;
    const to = new URL(first.headers.get('location')!);
    assert.equal(`${to.origin}${to.pathname}`, `${ghUrl}/login/oauth/authorize`);
    assert.equal(to.searchParams.get('client_id'), 'cid');
    const state = to.searchParams.get('state')!;

    const stranger = await fetch(`${deck.url}/github-login/redirect?code=good&state=${encodeURIComponent(state)}`, { redirect: 'manual' });
    assert.equal(stranger.status, 403, 'another browser cannot use this state');
    const badCode = await fetch(`${deck.url}/github-login/redirect?code=bad&state=${encodeURIComponent(state)}`, { redirect: 'manual', headers: { cookie } });
    assert.equal(badCode.status, 403);
    assert.match(await badCode.text(), /bad_verification_code/);

    const ok = await fetch(`${deck.url}/github-login/redirect?code=good&state=${encodeURIComponent(state)}`, { redirect: 'manual', headers: { cookie } });
    assert.equal(ok.status, 303);
    assert.equal(ok.headers.get('location'), '/command-help');
    const session = ok.headers.get('set-cookie')!.split(';')[0]!;
    const home = await (await fetch(`${deck.url}/`, { headers: { cookie: session } })).text();
    assert.match(home, /Signed in as <strong>octocat<\/strong>/);
    assert.ok(seen.includes('GET /user'));
  });
});

describe('deck reads build logs through the LogSource seam', () => {
  let dir: string;
  let store: SqliteStore;
  let deck: DeckServer;
  let executor: Executor;
  let uploaded: ArtifactStore;
  // The job process is unref'd (it outlives a stopping controller): keep the loop alive while we wait.
  let keepAlive: NodeJS.Timeout;
  before(async () => {
    keepAlive = setInterval(() => undefined, 1000);
    dir = mkdtempSync(join(tmpdir(), 'deck-logsource-'));
    store = openSqliteStore(join(dir, 'prow.db'));
    // A store without localPath, as gs:// or s3:// would be: the running job logs to its workspace only.
    const { localPath: _local, ...remote } = createLocalArtifactStore({ root: join(dir, 'bucket') });
    uploaded = remote;
    executor = createLocalExecutor({ dataDir: join(dir, 'data'), artifacts: uploaded, log: createSilentLogger() });
    const logs = combineLogSources({ live: executor.logs, uploaded: createUploadedLogSource(uploaded) });
    deck = await startDeckServer({ port: 0, store, artifacts: uploaded, logs, log: createSilentLogger(), config: () => ({}), logPollMs: 20 });
  });
  after(async () => {
    clearInterval(keepAlive);
    await deck.close();
    await executor.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("shows a running job's log from the executor, and the uploaded log once the run is gone", async () => {
    const pj = job({ type: 'periodic', job: 'ci-live', state: 'pending', complete: false, buildId: '5' });
    delete pj.spec.refs; // nothing to clone
    pj.spec.pod_spec = { containers: [{ image: 'x', command: ['sh', '-c', 'echo from-the-executor; sleep 30'] }] };
    await store.createProwJob(pj);
    await executor.start(pj, { buildId: '5' });
    let body = '';
    for (let i = 0; i < 400 && !body.includes('from-the-executor'); i++) {
      const res = await fetch(`${deck.url}/log/${pj.metadata.name}`);
      body = res.ok ? await res.text() : '';
      if (!body.includes('from-the-executor')) await new Promise((r) => setTimeout(r, 25));
    }
    assert.equal(body, 'from-the-executor\n');
    assert.equal(await uploaded.stat('logs/ci-live/5/build-log.txt'), undefined, 'not uploaded while it runs');
    assert.match(await (await fetch(`${deck.url}/job/${pj.metadata.name}`)).text(), /from-the-executor/);

    await executor.abort(pj); // the run ends: the sidecar step uploads the log
    const cur = (await store.getProwJob(pj.metadata.name))!;
    await store.updateProwJob({ ...cur, status: { ...cur.status, state: 'aborted', completionTime: new Date().toISOString() } });
    await executor.cleanup({ name: pj.metadata.name }); // the workspace is gone: only the uploaded copy is left
    const after = await (await fetch(`${deck.url}/log/${pj.metadata.name}`)).text();
    assert.match(after, /^from-the-executor\n\nEntrypoint received interrupt: aborted\n/);
    const events = await readEvents(await fetch(`${deck.url}/log-stream/${pj.metadata.name}`), () => false);
    assert.equal(events.filter((e) => e.event === 'log').map((e) => JSON.parse(e.data) as string).join(''), after);
  });
});
