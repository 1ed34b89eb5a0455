import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/observability/logger.js';

function capture(): { log: ReturnType<typeof createLogger>; lines: () => Record<string, unknown>[]; text: () => string } {
  let out = '';
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      out += chunk.toString();
      cb();
    },
  });
  const log = createLogger({ destination, level: 'debug' });
  return { log, text: () => out, lines: () => out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('logger redaction', () => {
  it('hides credentials nested in errors, headers and options objects', async () => {
    const { log, text, lines } = capture();
    // An error shaped like an HTTP client's, carrying the request's headers.
    const err = Object.assign(new Error('request failed'), { request: { headers: { authorization: 'token SECRET-A', cookie: 'SECRET-B' } } });
    log.error({ err }, 'github call failed');
    log.info({ req: { headers: { cookie: 'SECRET-C', 'set-cookie': 'SECRET-D' } } }, 'request');
    log.info({ flags: { github: { token: 'SECRET-E' }, oauth: { client_secret: 'SECRET-F', clientSecret: 'SECRET-G' } } }, 'starting');
    log.info({ cookieSecret: 'SECRET-H', private_key: 'SECRET-I', app: { privateKey: 'SECRET-J' }, access_token: 'SECRET-K' }, 'more');
    await flush();
    assert.doesNotMatch(text(), /SECRET-/);
    const [first, , third] = lines();
    assert.equal(((first!.err as Record<string, any>).request.headers as Record<string, unknown>).authorization, '[redacted]');
    assert.equal((first!.err as Record<string, unknown>).message, 'request failed', 'the rest of the error stays');
    assert.deepEqual((third!.flags as Record<string, any>).github, { token: '[redacted]' });
  });
});
