import assert from 'node:assert/strict';
import { writeFileSync, utimesSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { createHookApp } from '../../src/hook/app.js';
import { createWebhookIntake, webhookFront } from '../../src/hook/intake.js';
import { listen } from '../../src/observability/http.js';
import { createHookMetrics } from '../../src/hook/metrics.js';
import {
  fileSecretSource,
  parseHmacSecrets,
  staticSecretSource,
  tokensFor,
  type SecretSource,
} from '../../src/hook/secrets.js';
import { orderKeyOf, verifyWebhook } from '../../src/hook/verify.js';
import { createSilentLogger } from '../../src/observability/logger.js';
import { sign, tempStore, type TempStore } from './support/helpers.js';

const SECRET = 'abc123';
const body = JSON.stringify({ action: 'opened', repository: { full_name: 'org/repo', name: 'repo', owner: { login: 'org' } } });

function headers(over: Record<string, string | undefined> = {}): Record<string, string> {
  const h: Record<string, string | undefined> = {
    'X-GitHub-Event': 'ping',
    'X-GitHub-Delivery': 'd1',
    'X-Hub-Signature-256': sign(body, SECRET),
    'content-type': 'application/json',
    ...over,
  };
  return Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined)) as Record<string, string>;
}

describe('webhook validation order and status codes', () => {
  let ts: TempStore;
  before(() => {
    ts = tempStore();
  });
  after(() => ts.cleanup());

  const cases: { name: string; method?: string; headers: Record<string, string>; body?: string; status: number; prefix: string; sha1?: boolean }[] = [
    { name: 'GET is 405 even when everything else is valid', method: 'GET', headers: headers(), status: 405, prefix: '405 Method not allowed' },
    { name: 'PUT is 405', method: 'PUT', headers: headers(), body, status: 405, prefix: '405 Method not allowed' },
    { name: 'missing event header is 400 before a missing delivery', headers: headers({ 'X-GitHub-Event': undefined, 'X-GitHub-Delivery': undefined }), body, status: 400, prefix: '400 Bad Request: Missing X-GitHub-Event Header' },
    { name: 'missing delivery header is 400', headers: headers({ 'X-GitHub-Delivery': undefined }), body, status: 400, prefix: '400 Bad Request: Missing X-GitHub-Delivery Header' },
    { name: 'missing signature is 403 before a bad content type', headers: headers({ 'X-Hub-Signature-256': undefined, 'content-type': 'text/plain' }), body, status: 403, prefix: '403 Forbidden: Missing X-Hub-Signature-256' },
    { name: 'SHA-1 only is 403 without --allow-sha1-signature', headers: headers({ 'X-Hub-Signature-256': undefined, 'X-Hub-Signature': sign(body, SECRET, 'sha1') }), body, status: 403, prefix: '403 Forbidden: Missing X-Hub-Signature-256' },
    { name: 'SHA-1 only is accepted with --allow-sha1-signature', sha1: true, headers: headers({ 'X-Hub-Signature-256': undefined, 'X-Hub-Signature': sign(body, SECRET, 'sha1') }), body, status: 200, prefix: 'Event received. Have a nice day.' },
    { name: 'bad SHA-1 is 403 with --allow-sha1-signature', sha1: true, headers: headers({ 'X-Hub-Signature-256': undefined, 'X-Hub-Signature': sign(body, 'nope', 'sha1') }), body, status: 403, prefix: '403 Forbidden: Invalid X-Hub-Signature - misconfigured webhook secret from organization/repo: org/repo' },
    { name: 'content type with charset is 400 (exact match)', headers: headers({ 'content-type': 'application/json; charset=utf-8' }), body, status: 400, prefix: '400 Bad Request: Hook only accepts content-type: application/json' },
    { name: 'form content type is 400', headers: headers({ 'content-type': 'application/x-www-form-urlencoded' }), body, status: 400, prefix: '400 Bad Request: Hook only accepts content-type: application/json' },
    { name: 'body over the limit is 413 before the signature is checked', headers: headers({ 'X-Hub-Signature-256': 'sha256=00' }), body: 'x'.repeat(2048), status: 413, prefix: '413 Payload Too Large' },
    { name: 'invalid JSON is 400', headers: headers({ 'X-Hub-Signature-256': sign('{nope', SECRET) }), body: '{nope', status: 400, prefix: '400 Bad Request: Invalid JSON payload' },
    { name: 'signature without sha256= prefix is 403 invalid signature', headers: headers({ 'X-Hub-Signature-256': "this doesn't work" }), body, status: 403, prefix: '403 Forbidden: Invalid X-Hub-Signature-256 - invalid signature' },
    { name: 'non-hex signature is 403 invalid signature', headers: headers({ 'X-Hub-Signature-256': `sha256=${'z'.repeat(64)}` }), body, status: 403, prefix: '403 Forbidden: Invalid X-Hub-Signature-256 - invalid signature' },
    { name: 'short signature is 403, not a crash in the constant-time compare', headers: headers({ 'X-Hub-Signature-256': sign(body, SECRET).slice(0, 40) }), body, status: 403, prefix: '403 Forbidden: Invalid X-Hub-Signature-256 - invalid signature' },
    { name: 'wrong secret is 403 naming the scope', headers: headers({ 'X-Hub-Signature-256': sign(body, 'wrong') }), body, status: 403, prefix: '403 Forbidden: Invalid X-Hub-Signature-256 - misconfigured webhook secret from organization/repo: org/repo' },
    { name: 'one flipped hex digit is 403', headers: headers({ 'X-Hub-Signature-256': flipLast(sign(body, SECRET)) }), body, status: 403, prefix: '403 Forbidden: Invalid X-Hub-Signature-256 - misconfigured' },
    { name: 'a signature over other bytes (re-serialised JSON) is 403', headers: headers({ 'X-Hub-Signature-256': sign(JSON.stringify(JSON.parse(body), null, 1), SECRET) }), body, status: 403, prefix: '403 Forbidden: Invalid X-Hub-Signature-256 - misconfigured' },
    { name: 'valid delivery is 200', headers: headers({ 'X-GitHub-Delivery': 'ok-1' }), body, status: 200, prefix: 'Event received. Have a nice day.' },
    { name: 'upper-case hex signature is accepted', headers: headers({ 'X-GitHub-Delivery': 'ok-2', 'X-Hub-Signature-256': `sha256=${sign(body, SECRET).slice(7).toUpperCase()}` }), body, status: 200, prefix: 'Event received. Have a nice day.' },
  ];

  // The same table twice: through the Hono route (app.request, no socket) and over a real socket, where
  // the hook's node:http front serves the webhook path without building a web Request.
  for (const via of ['hono route', 'node:http front'] as const) {
    for (const [i, c] of cases.entries()) {
      it(`${c.name} (${via})`, async () => {
        const id = c.headers['X-GitHub-Delivery'] === undefined ? undefined : `case-${via === 'hono route' ? 'r' : 'f'}-${i}`;
        const hs = id === undefined ? c.headers : { ...c.headers, 'X-GitHub-Delivery': id };
        const metrics = createHookMetrics();
        const deps = {
          store: ts.store, secrets: staticSecretSource(SECRET), log: createSilentLogger(), metrics,
          allowSha1: c.sha1 ?? false, maxBodyBytes: 1024,
        };
        const app = createHookApp(deps);
        let res: Response;
        if (via === 'hono route') {
          res = await app.request('/hook', { method: c.method ?? 'POST', headers: hs, body: c.body });
        } else {
          const server = await listen(app, { port: 0, host: '127.0.0.1', front: webhookFront(createWebhookIntake(deps), '/hook') });
          try {
            res = await fetch(`${server.url}/hook?from=test`, { method: c.method ?? 'POST', headers: hs, body: c.body });
            if (c.status === 413) assert.equal(res.headers.get('connection'), 'close');
            else assert.equal(res.headers.get('content-type'), 'text/plain; charset=UTF-8');
            res = new Response(await res.text(), { status: res.status });
          } finally {
            await server.close();
          }
        }
        const text = await res.text();
        assert.equal(res.status, c.status, text);
        assert.ok(text.startsWith(c.prefix), `body ${JSON.stringify(text)} should start with ${JSON.stringify(c.prefix)}`);
        const codes = await metrics.responseCounter.get();
        assert.deepEqual(codes.values.map((v) => [v.labels.response_code, v.value]), [[String(c.status), 1]]);
        const stored = id === undefined ? undefined : await ts.store.getDelivery(id);
        assert.equal(stored !== undefined, c.status === 200, 'stored exactly when accepted');
      });
    }
  }

  it('the node:http front bounds a body sent without a length (chunked) as it arrives', async () => {
    const deps = { store: ts.store, secrets: staticSecretSource(SECRET), log: createSilentLogger(), metrics: createHookMetrics(), maxBodyBytes: 1024 };
    const server = await listen(createHookApp(deps), { port: 0, host: '127.0.0.1', front: webhookFront(createWebhookIntake(deps), '/hook') });
    const post = (id: string, chunks: string[], signature: string) =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = httpRequest(`${server.url}/hook`, { method: 'POST', headers: { ...headers({ 'X-GitHub-Delivery': id, 'X-Hub-Signature-256': signature }), 'transfer-encoding': 'chunked' } }, (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on('error', reject);
        for (const c of chunks) req.write(c);
        req.end();
      });
    try {
      const ok = await post('chunked-ok', [body.slice(0, 10), body.slice(10)], sign(body, SECRET));
      assert.deepEqual(ok, { status: 200, text: 'Event received. Have a nice day.' });
      assert.equal((await ts.store.getDelivery('chunked-ok'))?.payload, body);
      const big = 'x'.repeat(700);
      const tooBig = await post('chunked-big', [big, big], sign(big + big, SECRET));
      assert.equal(tooBig.status, 413, tooBig.text);
      assert.equal(await ts.store.getDelivery('chunked-big'), undefined);
    } finally {
      await server.close();
    }
  });

  it('the node:http front leaves every other path to the Hono app', async () => {
    const deps = { store: ts.store, secrets: staticSecretSource(SECRET), log: createSilentLogger(), metrics: createHookMetrics() };
    const app = createHookApp(deps);
    const server = await listen(app, { port: 0, host: '127.0.0.1', front: webhookFront(createWebhookIntake(deps), '/hook') });
    try {
      const other = await fetch(`${server.url}/hook/extra`, { method: 'POST', headers: headers(), body });
      assert.equal(other.status, 200);
      assert.equal(await other.text(), '', 'the legacy health check, not the intake');
      const help = await fetch(`${server.url}/plugin-help`);
      assert.equal(help.status, 404, 'no plugin help configured: answered by the app');
    } finally {
      await server.close();
    }
  });

  it('matches the known HMAC test vector (upstream hmac_test.go)', () => {
    assert.equal(sign('Hello, World!', "It's a Secret to Everybody"), 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17');
  });
});

function flipLast(sig: string): string {
  const last = sig.at(-1) === '0' ? '1' : '0';
  return sig.slice(0, -1) + last;
}

describe('HMAC secret file formats (S03)', () => {
  const scoped = `
'*':
  - value: key1
    created_at: 2020-01-01T00:00:00Z
  - value: key2
    created_at: 2021-01-01T00:00:00Z
foo/bar:
  - value: 123abc
    created_at: 2020-01-01T00:00:00Z
  - value: key6
    created_at: 2020-01-01T00:00:00Z
myorg:
  - value: orgkey
    created_at: 2020-01-01T00:00:00Z
`;
  const cases: { name: string; file: string; repo?: string; org?: string; key: string; status: number; reason?: string }[] = [
    { name: 'repo level matches', file: scoped, repo: 'foo/bar', key: '123abc', status: 200 },
    { name: 'second token of the repo level matches (rotation)', file: scoped, repo: 'foo/bar', key: 'key6', status: 200 },
    { name: 'repo level exists, so no fallback to "*"', file: scoped, repo: 'foo/bar', key: 'key1', status: 403, reason: 'misconfigured webhook secret from organization/repo: foo/bar' },
    { name: 'other repo falls back to "*"', file: scoped, repo: 'other/x', key: 'key2', status: 200 },
    { name: 'org level applies to the org\'s repos', file: scoped, repo: 'myorg/any', key: 'orgkey', status: 200 },
    { name: 'org level exists, so no fallback to "*" for its repos', file: scoped, repo: 'myorg/any', key: 'key1', status: 403 },
    { name: 'org-level event uses organization.login', file: scoped, org: 'myorg', key: 'orgkey', status: 200 },
    { name: 'plain-text legacy token', file: '123abc\n', repo: 'any/repo', key: '123abc', status: 200 },
    { name: 'plain-text legacy token is trimmed', file: '  123abc  \n\n', repo: 'any/repo', key: '123abc', status: 200 },
    { name: 'numeric-looking token stays as written', file: "'*':\n  - value: 0123\n", repo: 'a/b', key: '0123', status: 200 },
    { name: 'no applicable level', file: "foo/bar:\n  - value: x\n", repo: 'other/x', key: 'x', status: 403, reason: 'failed to get an appropriate hmac secret' },
    { name: 'expired token no longer verifies', file: "'*':\n  - value: old\n    expiry: 2001-01-01T00:00:00Z\n  - value: new\n", repo: 'a/b', key: 'old', status: 403 },
    { name: 'an empty token value never verifies (anyone could sign with the empty key)', file: "'*':\n  - value: ''\n", repo: 'a/b', key: '', status: 403 },
    { name: 'an empty token beside a real one: only the real one verifies', file: "'*':\n  - value: ''\n  - value: real\n", repo: 'a/b', key: '', status: 403 },
    { name: 'unexpired token verifies', file: "'*':\n  - value: old\n    expiry: 2999-01-01T00:00:00Z\n", repo: 'a/b', key: 'old', status: 200 },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const payload = JSON.stringify(c.repo !== undefined
        ? { repository: { full_name: c.repo } }
        : { organization: { login: c.org } });
      const req = new Request('http://x/hook', {
        method: 'POST',
        headers: { 'X-GitHub-Event': 'ping', 'X-GitHub-Delivery': 'd', 'X-Hub-Signature-256': sign(payload, c.key), 'content-type': 'application/json' },
        body: payload,
      });
      const result = await verifyWebhook(req, { secrets: staticSecretSource(c.file) }).then(
        () => ({ status: 200, message: '' }),
        (err: { status: number; message: string }) => ({ status: err.status, message: err.message }),
      );
      assert.equal(result.status, c.status, result.message);
      if (c.reason !== undefined) assert.ok(result.message.endsWith(c.reason), result.message);
    });
  }

  it('parses the scoped format and keeps created_at', () => {
    const s = parseHmacSecrets(scoped);
    assert.equal(s.kind, 'scoped');
    assert.deepEqual(tokensFor(s, 'foo/bar'), ['123abc', 'key6']);
    assert.deepEqual(tokensFor(s, 'zzz/q'), ['key1', 'key2']);
    assert.equal(s.kind === 'scoped' && s.scopes.get('*')?.[0]?.createdAt, '2020-01-01T00:00:00Z');
  });

  it('reloads the file when it changes', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'prow-hmac-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'hmac');
    writeFileSync(file, 'first');
    const source: SecretSource = fileSecretSource(file, 0);
    assert.deepEqual(tokensFor(source(), 'o/r'), ['first']);
    writeFileSync(file, "'*':\n  - value: second\n");
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    assert.deepEqual(tokensFor(source(), 'o/r'), ['second']);
    rmSync(file);
    assert.deepEqual(tokensFor(source(), 'o/r'), ['second'], 'a vanished file keeps the last secrets');
  });
});

describe('order keys', () => {
  const cases: { name: string; body: Record<string, unknown>; want: string | undefined }[] = [
    { name: 'issue number', body: { issue: { number: 3 }, repository: { full_name: 'o/r' } }, want: 'o/r#3' },
    { name: 'pull request number', body: { pull_request: { number: 4 }, number: 4, repository: { full_name: 'o/r' } }, want: 'o/r#4' },
    { name: 'push has none', body: { ref: 'refs/heads/main', repository: { full_name: 'o/r' } }, want: 'o/r' },
    { name: 'org-level event', body: { organization: { login: 'o' } }, want: 'o' },
    { name: 'nothing', body: { zen: 'hi' }, want: undefined },
  ];
  for (const c of cases) it(c.name, () => assert.equal(orderKeyOf(c.body), c.want));
});
