// deck's one app.onError: an HttpError is its own answer, a bad filter or artifact path is a 400, and
// anything else is a logged 500 that shows the client nothing of the cause.
import type { Context, ErrorHandler } from 'hono';
import { ArtifactPathError } from '../../artifacts/types.js';
import { HttpError, onHttpError } from '../../observability/http.js';
import type { Logger } from '../../observability/logger.js';
import { FilterError } from '../jobs.js';

/** Renders an error as a full deck page (header, message, a way back) for a browser asking for HTML. */
export type ErrorPage = (c: Context, status: number, message: string) => Response;

export function errorHandler({ log, page }: { log: Logger; page?: ErrorPage }): ErrorHandler {
  const plain = onHttpError({
    log,
    message: 'deck request failed',
    internalErrorBody: '500 Internal Server Error',
    translate: (err) =>
      err instanceof FilterError || err instanceof ArtifactPathError ? new HttpError(400, `400 Bad Request: ${err.message}`) : undefined,
  });
  return (err, c) => {
    const res = plain(err, c);
    if (!page || !(c.req.header('accept') ?? '').includes('text/html')) return res;
    // The same status and words, inside the page a person was browsing.
    const status = res.status;
    const message = status >= 500 && !(err instanceof HttpError) ? '500 Internal Server Error: deck could not answer this; the log says why.' : err instanceof HttpError ? err.message
      : err instanceof FilterError || err instanceof ArtifactPathError ? `400 Bad Request: ${err.message}` : `${status}`;
    return page(c, status, message);
  };
}
