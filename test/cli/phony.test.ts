// `prow phony` against a tiny local HTTP server that checks what arrives, as GitHub's receiver would.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { verify } from '@octokit/webhooks-methods';
import { signPayload, signPayloadSha1 } from '../../src/github/webhook-sign.js';

const exec = promisify(execFile);
// Most cases load only the phony command (cheap); the first goes through bin/prow as a user would.
const PHONY_ONLY = "import('./src/cli/phony.ts').then((m) => m.createCommand().parseAsync(['node', 'phony', ...process.argv.slice(1)]))";
const run = (_node: string, args: string[]): Promise<{ stdout: string; stderr: string }> => exec('node', ['--import', 'tsx', '-e', PHONY_ONLY, '--', ...args.slice(2)]);

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

describe('prow phony', () => {
  let server: Server;
  let url = '';
  let dir: string;
  let received: Received[] = [];
  let answer = { status: 200, body: 'Event received. Have a nice day.' };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'prow-phony-'));
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    received = [];
    answer = { status: 200, body: 'Event received. Have a nice day.' };
  });

  it('sends the payload byte for byte, signed (sha256 and legacy sha1), with event, delivery and content type', async () => {
    const payload = new URL('../../examples/payloads/issue_comment-lgtm.json', import.meta.url);
    const { stdout } = await exec('node', ['bin/prow', 'phony', '--address', url, '--hmac', 'topsecret', '--event', 'issue_comment', '--payload', payload.pathname]);
    assert.equal(received.length, 1);
    const got = received[0];
    assert.ok(got);
    assert.equal(got.body, await readFile(payload, 'utf8'));
    assert.equal(await verify('topsecret', got.body, String(got.headers['x-hub-signature-256'])), true);
    assert.equal(await verify('wrong', got.body, String(got.headers['x-hub-signature-256'])), false);
    assert.equal(got.headers['x-hub-signature'], signPayloadSha1('topsecret', got.body));
    assert.equal(got.headers['x-github-event'], 'issue_comment');
    assert.equal(got.headers['content-type'], 'application/json');
    assert.match(String(got.headers['x-github-delivery']), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.match(stdout, /^200 \(delivery [0-9a-f-]{36}\)\nEvent received\. Have a nice day\.\n$/);
  });

  it('uses a fresh delivery id each time and upstream defaults (ping, "{}")', async () => {
    await run('node', ['bin/prow', 'phony', '--address', url]);
    await run('node', ['bin/prow', 'phony', '--address', url]);
    assert.equal(received.length, 2);
    assert.notEqual(received[0]?.headers['x-github-delivery'], received[1]?.headers['x-github-delivery']);
    assert.equal(received[0]?.headers['x-github-event'], 'ping');
    assert.equal(received[0]?.body, '{}');
    assert.equal(received[0]?.headers['x-hub-signature-256'], signPayload('abcde12345', '{}'));
  });

  it('reads the secret from --hmac-secret-file: a raw token (trimmed) or hook\'s YAML token map', async () => {
    const raw = join(dir, 'raw');
    await writeFile(raw, 'filesecret\n');
    await run('node', ['bin/prow', 'phony', '--address', url, '--hmac-secret-file', raw]);
    assert.equal(received[0]?.headers['x-hub-signature-256'], signPayload('filesecret', '{}'));
    const yaml = join(dir, 'tokens.yaml');
    await writeFile(yaml, "'*':\n- value: old-one\n  created_at: 2020-01-01T00:00:00Z\n- value: new-one\n  created_at: 2024-01-01T00:00:00Z\n");
    await run('node', ['bin/prow', 'phony', '--address', url, '--hmac-secret-file', yaml]);
    assert.equal(received[1]?.headers['x-hub-signature-256'], signPayload('new-one', '{}'));
  });

  it('exits 1 and prints the answer when hook refuses the delivery', async () => {
    answer = { status: 403, body: 'invalid signature' };
    await assert.rejects(run('node', ['bin/prow', 'phony', '--address', url, '--hmac', 'x']), (err: { code?: number; stdout?: string }) => {
      assert.equal(err.code, 1);
      assert.match(err.stdout ?? '', /^403 .*\ninvalid signature\n$/);
      return true;
    });
  });

  it('exits 1 with a clear message when nothing listens', async () => {
    await assert.rejects(run('node', ['bin/prow', 'phony', '--address', 'http://127.0.0.1:1/hook']), (err: { code?: number; stderr?: string }) => {
      assert.equal(err.code, 1);
      assert.match(err.stderr ?? '', /phony: sending to http:\/\/127\.0\.0\.1:1\/hook failed/);
      return true;
    });
  });
});
