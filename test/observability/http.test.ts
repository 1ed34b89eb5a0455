import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { PassThrough } from 'node:stream';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { createLogger, createSilentLogger } from '../../src/observability/logger.js';
import { HttpError, listen, onHttpError } from '../../src/observability/http.js';

describe('listen', () => {
  it('serves an app and a bare handler on a free port, with a URL to reach it', async (t) => {
    const app = new Hono().get('/', (c) => c.text('app'));
    const a = await listen(app, { port: 0, host: '127.0.0.1' });
    const b = await listen(() => new Response('handler'), { port: 0 });
    t.after(() => Promise.all([a.close(), b.close()]));
    assert.notEqual(a.port, 0);
    assert.equal(a.url, `http://127.0.0.1:${a.port}`);
    assert.equal(b.url, `http://127.0.0.1:${b.port}`, 'bound to every interface: reached on 127.0.0.1');
    assert.equal(await (await fetch(a.url)).text(), 'app');
    assert.equal(await (await fetch(b.url)).text(), 'handler');
  });

  it('logs "<name> listening" with the port and URL', async () => {
    const lines: string[] = [];
    const destination = new PassThrough();
    destination.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
    const s = await listen(() => new Response('x'), { port: 0, host: '127.0.0.1', name: 'tot', log: createLogger({ destination, format: 'json' }) });
    await s.close();
    await new Promise((r) => setImmediate(r));
    const line = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'tot listening');
    assert.deepEqual({ port: line?.port, url: line?.url }, { port: s.port, url: s.url });
  });

  it('fails when the port is taken', async (t) => {
    const first = await listen(() => new Response('x'), { port: 0, host: '127.0.0.1' });
    t.after(() => first.close());
    await assert.rejects(listen(() => new Response('x'), { port: first.port, host: '127.0.0.1' }), /EADDRINUSE/);
  });

  it('close() lets an in-flight request finish, then stops accepting', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let arrived!: () => void;
    const inFlight = new Promise<void>((r) => (arrived = r));
    const s = await listen(async () => {
      arrived();
      await released;
      return new Response('finished');
    }, { port: 0, host: '127.0.0.1' });
    const answer = fetch(s.url).then((r) => r.text());
    await inFlight;
    const closed = s.close();
    assert.equal(s.close(), closed, 'idempotent');
    release();
    assert.equal(await answer, 'finished');
    await closed;
    await assert.rejects(fetch(s.url));
  });

  it('close() is bounded: a response that never ends is cut', async () => {
    const s = await listen(() => new Response(new ReadableStream({ pull: () => new Promise(() => undefined) })), {
      port: 0, host: '127.0.0.1', closeTimeoutMs: 20,
    });
    let started!: () => void;
    const headers = new Promise<void>((r) => (started = r));
    const ended = new Promise<string>((resolve) => {
      request(s.url, (res) => {
        started();
        res.resume();
        res.once('close', () => resolve('cut'));
      }).end();
    });
    await headers;
    await s.close();
    assert.equal(await ended, 'cut');
  });
});

describe('HttpError and onHttpError', () => {
  const lines: string[] = [];
  const destination = new PassThrough();
  destination.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
  const app = new Hono();
  app.get('/http-error', () => {
    throw new HttpError(409, 'conflict: try again\n');
  });
  app.get('/hono', () => {
    throw new HTTPException(413, { message: 'too large' });
  });
  app.get('/bug', () => {
    throw new Error('boom');
  });
  app.onError(onHttpError({ log: createLogger({ destination, format: 'json' }), message: 'test request failed' }));

  const cases = [
    { name: 'an HttpError answers with its status and message', path: '/http-error', status: 409, body: 'conflict: try again\n', logged: false },
    { name: "Hono's HTTPException answers as it says", path: '/hono', status: 413, body: 'too large', logged: false },
    { name: 'anything else is a logged 500', path: '/bug', status: 500, body: '500 Internal Server Error\n', logged: true },
  ];
  for (const { name, path, status, body, logged } of cases) {
    it(name, async () => {
      lines.length = 0;
      const res = await app.request(path);
      assert.equal(res.status, status);
      assert.equal(await res.text(), body);
      await new Promise((r) => setImmediate(r));
      const errors = lines.map((l) => JSON.parse(l) as Record<string, any>).filter((l) => l.msg === 'test request failed');
      assert.equal(errors.length, logged ? 1 : 0);
      if (logged) assert.deepEqual([errors[0]!.path, errors[0]!.err.message, errors[0]!.level], [path, 'boom', 'error']);
    });
  }

  it('translate gives a component\'s own errors their status', async () => {
    class FilterError extends Error {}
    const deckLike = new Hono().get('/', () => {
      throw new FilterError('bad state filter');
    });
    deckLike.onError(onHttpError({
      log: createSilentLogger(),
      translate: (err) => (err instanceof FilterError ? new HttpError(400, `400 Bad Request: ${err.message}`) : undefined),
    }));
    const res = await deckLike.request('/');
    assert.deepEqual([res.status, await res.text()], [400, '400 Bad Request: bad state filter']);
  });

  it('the default message is "request failed"', async () => {
    const quiet = new Hono().get('/', () => {
      throw new Error('x');
    });
    quiet.onError(onHttpError({ log: createSilentLogger() }));
    assert.equal((await quiet.request('/')).status, 500);
  });
});
