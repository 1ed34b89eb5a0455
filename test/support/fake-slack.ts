// A fake Slack for tests: chat.postMessage as Slack's Web API answers it (form body, `ok: false` with
// `invalid_auth` or `channel_not_found` on 200), and an incoming webhook. It records every message.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSlack {
  url: string;
  /** The Web API base to hand the client (`<url>/api`). */
  apiUrl: string;
  webhookUrl: string;
  /** channel → texts, in order. */
  messages: Map<string, string[]>;
  close(): Promise<void>;
}

export async function startFakeSlack(o: { token?: string; channels?: string[] } = {}): Promise<FakeSlack> {
  const messages = new Map<string, string[]>();
  const record = (channel: string, text: string): void => {
    messages.set(channel, [...(messages.get(channel) ?? []), text]);
  };
  const known = (channel: string): boolean => o.channels === undefined || o.channels.includes(channel);
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (b: Buffer) => { raw += b.toString(); });
    req.on('end', () => {
      const reply = (status: number, body: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method === 'POST' && req.url === '/api/chat.postMessage') {
        const form = new URLSearchParams(raw);
        if (form.get('token') !== (o.token ?? 'xoxb-test')) return reply(200, { ok: false, error: 'invalid_auth' });
        const channel = form.get('channel') ?? '';
        if (!known(channel)) return reply(200, { ok: false, error: 'channel_not_found' });
        record(channel, form.get('text') ?? '');
        return reply(200, { ok: true, channel, ts: `${Date.now()}.000100` });
      }
      if (req.method === 'POST' && req.url === '/services/T000/B000/hook') {
        const body = JSON.parse(raw || '{}') as { channel?: string; text?: string };
        if (!body.text) { res.writeHead(400); return res.end('no_text'); }
        record(body.channel ?? '', body.text);
        res.writeHead(200);
        return res.end('ok');
      }
      reply(404, { ok: false, error: 'unknown_method' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url, apiUrl: `${url}/api`, webhookUrl: `${url}/services/T000/B000/hook`, messages,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
