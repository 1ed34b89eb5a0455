// Deck refuses an oversized POST body before reading it (forms are tiny), answers 413 and closes the
// connection, on /rerun and on /login/*, over a real socket.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_FORM_BYTES } from '../../src/deck/middleware/body-limit.js';
import { listen, type ListeningServer } from '../../src/observability/http.js';
import { rawPost } from '../support/raw-post.js';
import { job, makeWorld, type World } from './support/world.js';

describe('deck body limit', () => {
  let w: World;
  let server: ListeningServer;
  let name = '';
  before(async () => {
    w = makeWorld({ demoUsers: ['alice'] });
    name = (await w.store.createProwJob(job({ state: 'failure' }))).metadata.name;
    server = await listen(w.app, { port: 0, host: '127.0.0.1' });
  });
  after(async () => {
    await server.close();
    await w.close();
  });

  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const cases = [
    { name: 'a chunked form POST to /rerun', path: () => `/rerun?prowjob=${name}`, chunks: 160 },
    { name: 'a chunked form POST to /login/demo', path: () => '/login/demo', chunks: 160 },
    { name: 'a declared 200 MB body to /rerun', path: () => `/rerun?prowjob=${name}`, chunks: 1, contentLength: 200 * 1024 * 1024 },
  ];
  for (const c of cases) {
    it(`${c.name}: 413 with Connection: close, long before the body ends`, async () => {
      const total = c.chunks * 64 * 1024;
      const res = await rawPost(`${server.url}${c.path()}`, { headers: form, chunks: c.chunks, contentLength: c.contentLength });
      assert.equal(res.status, 413, res.body);
      assert.match(res.body, new RegExp(`at most ${MAX_FORM_BYTES} bytes`));
      assert.equal(res.headers.connection, 'close');
      assert.ok(await res.closed, 'the server closes the socket');
      assert.ok(res.sentBeforeAnswer < (c.contentLength ?? total), `answered after ${res.sentBeforeAnswer} of ${c.contentLength ?? total} bytes`);
    });
  }

  it('a small form POST still reaches the CSRF check and the route', async () => {
    const res = await rawPost(`${server.url}/rerun?prowjob=${name}`, { headers: form, chunk: Buffer.from('csrf=forged'), chunks: 1 });
    assert.equal(res.status, 403);
    assert.match(res.body, /CSRF/);
  });
});
