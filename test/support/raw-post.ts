// A POST over node:http that streams a body chunk by chunk (Transfer-Encoding: chunked unless a
// Content-Length is given) and reports the answer's status, headers and whether the server closed the socket.
import { Agent, request } from 'node:http';

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** How many body bytes were written before the answer arrived. */
  sentBeforeAnswer: number;
  /** The server closed the connection after answering. */
  closed: Promise<boolean>;
}

export function rawPost(
  url: string,
  o: { headers?: Record<string, string>; chunk?: Buffer; chunks: number; contentLength?: number },
): Promise<RawAnswer> {
  const chunk = o.chunk ?? Buffer.alloc(64 * 1024, 'a');
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = request(url, {
      method: 'POST',
      // A keep-alive client, as GitHub's is: the server must say itself that it will close.
      agent: new Agent({ keepAlive: true, maxSockets: 1 }),
      headers: { ...(o.contentLength !== undefined ? { 'content-length': String(o.contentLength) } : {}), ...o.headers },
    });
    let closedResolve: (v: boolean) => void = () => undefined;
    const closed = new Promise<boolean>((r) => (closedResolve = r));
    req.on('response', (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString(), sentBeforeAnswer: sent, closed });
      });
      res.socket.once('close', () => closedResolve(true));
      setTimeout(() => closedResolve(false), 2000).unref();
    });
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    const pump = (): void => {
      while (!answered && sent < o.chunks * chunk.length) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      if (!answered) req.end();
    };
    pump();
  });
}
