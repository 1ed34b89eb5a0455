// deck's named middleware and its one error handler, each on a small Hono app through app.request().
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { Hono } from 'hono';
import { pino } from 'pino';
import type { Logger } from '../../src/observability/logger.js';
import { Registry } from 'prom-client';
import { ArtifactPathError } from '../../src/artifacts/types.js';
import { HttpError } from '../../src/observability/http.js';
import { FilterError } from '../../src/deck/jobs.js';
import { errorHandler } from '../../src/deck/middleware/error-handler.js';
import { requestMetrics } from '../../src/deck/middleware/request-metrics.js';
import { securityHeaders } from '../../src/deck/middleware/security-headers.js';
import { makeWorld } from './support/world.js';

function capturingLogger(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ base: undefined }, sink) as unknown as Logger, lines };
}

describe('deck middleware', () => {
  it('errorHandler: an HttpError is its own answer, bad input a 400, anything else a logged 500 that hides the cause', async () => {
    const { log, lines } = capturingLogger();
    const app = new Hono();
    app.onError(errorHandler({ log }));
    app.get('/http', () => { throw new HttpError(409, '409 Conflict: busy'); });
    app.get('/filter', () => { throw new FilterError('state: "x" is not a state'); });
    app.get('/path', () => { throw new ArtifactPathError('../x', 'must not contain ".."'); });
    app.get('/bug', () => { throw new Error('secret detail'); });
    const answer = async (path: string): Promise<[number, string]> => {
      const res = await app.request(path);
      return [res.status, await res.text()];
    };
    assert.deepEqual(await answer('/http'), [409, '409 Conflict: busy']);
    assert.deepEqual(await answer('/filter'), [400, '400 Bad Request: state: "x" is not a state']);
    assert.deepEqual(await answer('/path'), [400, '400 Bad Request: artifact path "../x": must not contain ".."']);
    assert.equal(lines.length, 0, 'answers the client chose are not errors');
    assert.deepEqual(await answer('/bug'), [500, '500 Internal Server Error']);
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.msg, 'deck request failed');
    assert.equal(lines[0]!.path, '/bug');
    assert.equal((lines[0]!.err as { message: string }).message, 'secret detail');
  });

  it('securityHeaders: every answer is nosniff; pages also get the CSP and may not be framed', async () => {
    const app = new Hono();
    app.use('*', securityHeaders());
    app.get('/page', (c) => c.html('<p>hi</p>'));
    app.get('/data', (c) => c.json({}));
    const page = await app.request('/page');
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    const data = await app.request('/data');
    assert.equal(data.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(data.headers.get('referrer-policy'), 'same-origin');
    assert.equal(data.headers.get('content-security-policy'), null);
  });

  it('requestMetrics: observes each route by its pattern, and leaves out the skipped ones', async () => {
    const registry = new Registry();
    const app = new Hono();
    app.use('*', requestMetrics({ registry, skipRoutes: ['/stream/:id'] }));
    app.get('/job/:name', (c) => c.text('ok'));
    app.get('/stream/:id', (c) => c.text('ok'));
    await app.request('/job/a');
    await app.request('/job/b');
    await app.request('/stream/1');
    const text = await registry.metrics();
    assert.match(text, /deck_http_request_duration_seconds_count\{route="\/job\/:name",method="GET",code="200"\} 2/);
    assert.doesNotMatch(text, /route="\/stream/);
  });

  it('in the deck app, a failing store is a 500 that still carries the security headers', async () => {
    const w = makeWorld({}, { scan: true });
    try {
      await w.store.close(); // every read now fails
      const res = await w.app.request('/job/anything');
      assert.equal(res.status, 500);
      assert.equal(await res.text(), '500 Internal Server Error');
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    } finally {
      await w.close().catch(() => undefined);
    }
  });
});
