// Serving HTTP, once for every component (hook, deck, tot, health and metrics, the fake GitHub):
// `listen()` binds a Hono app or fetch handler and hands back a handle whose close() is graceful and
// bounded; `HttpError` carries its status, and `onHttpError` is the one `app.onError` that maps it
// (anything else is a logged 500), as Hono's HTTPException does (src/http-exception.ts in honojs/hono).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from './logger.js';

type FetchHandler = (req: Request) => Response | Promise<Response>;

interface ListenOptions {
  /** 0 picks a free port. */
  port: number;
  /** The address to bind; undefined binds every interface. */
  host?: string | undefined;
  /** Logs `<name> listening` with the port and URL. */
  log?: Logger | undefined;
  /** What the server is, for the log line (hook, deck, tot, health, metrics…). */
  name?: string;
  /**
   * How long close() lets in-flight requests finish before cutting their connections (default 5 s).
   * 0 cuts at once: for servers whose responses may never end by themselves (deck's live log streams).
   */
  closeTimeoutMs?: number;
  /**
   * Sees each request first, on the plain node:http objects; returns true when it has taken the request
   * (the hook's webhook path), false to leave it to the app.
   */
  front?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

export interface ListeningServer {
  /** `http://host:port`; 127.0.0.1 when bound to every interface. */
  url: string;
  port: number;
  server: Server;
  /** Stops accepting, closes idle connections, waits for in-flight requests up to the bound. Idempotent. */
  close(): Promise<void>;
}

const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;

function urlHost(address: string | undefined): string {
  if (address === undefined || address === '' || address === '0.0.0.0' || address === '::') return '127.0.0.1';
  return address.includes(':') ? `[${address}]` : address;
}

export async function listen(app: { fetch: FetchHandler } | FetchHandler, options: ListenOptions): Promise<ListeningServer> {
  const fetch = typeof app === 'function' ? app : app.fetch.bind(app);
  const listener = getRequestListener(fetch);
  const front = options.front;
  const server = createServer(front === undefined ? listener : (req, res) => {
    if (!front(req, res)) void listener(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${urlHost(options.host)}:${port}`;
  options.log?.info({ url, port }, `${options.name ?? 'server'} listening`);
  const bound = options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    server,
    close() {
      closing ??= new Promise<void>((resolve) => {
        let timer: NodeJS.Timeout | undefined;
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
        if (bound <= 0) server.closeAllConnections();
        else {
          timer = setTimeout(() => server.closeAllConnections(), bound);
          timer.unref();
        }
      });
      return closing;
    },
  };
}

/** An error with the HTTP status it answers with; the message is the response body. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(readonly status: ContentfulStatusCode, message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

interface HttpErrorHandlerOptions {
  log: Logger;
  /** The log message of an unexpected error (default "request failed"). */
  message?: string;
  /** Gives a component's own errors their status (e.g. a bad filter is a 400); undefined leaves the error as it is. */
  translate?: (err: Error) => HttpError | undefined;
  /** The body of a 500 (default "500 Internal Server Error\n"). */
  internalErrorBody?: string;
}

/** `app.onError(onHttpError({ log }))`: HttpError and Hono's HTTPException answer as they say; the rest is a logged 500. */
export function onHttpError({
  log, message = 'request failed', translate, internalErrorBody = '500 Internal Server Error\n',
}: HttpErrorHandlerOptions): (err: Error, c: Context) => Response {
  return (thrown, c) => {
    const err = translate?.(thrown) ?? thrown;
    if (err instanceof HttpError) return c.text(err.message, err.status);
    if (err instanceof HTTPException) return err.getResponse();
    log.error({ err, path: c.req.path }, message);
    return c.text(internalErrorBody, 500);
  };
}
