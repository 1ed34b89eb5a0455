// A fake of the image services the fun plugins call (random.dog, theponyapi.com, the this-is-fine image
// bucket), answering as those do: JSON pointing at an image, images whose HEAD carries Content-Length.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeImages {
  url: string;
  /** What /woof.json names next (a path on this server, or an absolute URL); then it repeats the last. */
  dogs: string[];
  /** Pony names the pony API knows (case-insensitive); "" is any pony. */
  ponies: Set<string>;
  /** Paths requested, in order, e.g. `GET /woof.json`, `HEAD /img/a.jpg`. */
  requests: string[];
  close(): Promise<void>;
}

const SIZES: Record<string, number> = { '/img/big.jpg': 6_000_000 };

export async function startFakeImages(): Promise<FakeImages> {
  const state = { dogs: ['/img/dog.jpg'], ponies: new Set(['', 'twilight sparkle']), requests: [] as string[] };
  let base = '';
  const server: Server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', base);
    state.requests.push(`${req.method} ${u.pathname}`);
    if (u.pathname === '/woof.json') {
      const next = state.dogs.length > 1 ? state.dogs.shift()! : state.dogs[0]!;
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ fileSizeBytes: 1000, url: next.startsWith('/') ? `${base}${next}` : next }));
    }
    if (u.pathname === '/v1/images/search') {
      const category = u.searchParams.get('category') ?? '';
      res.writeHead(200, { 'content-type': 'application/json' });
      if (category !== '' && category !== 'caturday') return res.end('[]');
      const gif = u.searchParams.get('mime_types') === 'gif';
      return res.end(JSON.stringify([{ id: 'c1', url: `${base}/img/cat${gif ? '.gif' : '.jpg'}`, key: u.searchParams.get('api_key') ?? '' }]));
    }
    if (u.pathname === '/api/v1/pony/random') {
      const q = (u.searchParams.get('q') ?? '').toLowerCase();
      if (!state.ponies.has(q)) {
        res.writeHead(404, { 'content-type': 'application/json' });
        return res.end('{"error":"no pony"}');
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ pony: { id: 1, names: [q || 'Pinkie Pie'], representations: { full: `${base}/img/pony-full.png`, small: `${base}/img/pony-small.png` } } }));
    }
    if (u.pathname.startsWith('/img/') || u.pathname.startsWith('/fine/')) {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(SIZES[u.pathname] ?? 1234) });
      return res.end(req.method === 'HEAD' ? undefined : Buffer.alloc(SIZES[u.pathname] ?? 1234));
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(state, { url: base, close: () => new Promise<void>((r) => server.close(() => r())) });
}
