// deck's one app.onError: an HttpError is its own answer, a bad filter or artifact path is a 400, and
// anything else is a logged 500 that shows the client nothing of the cause.
import type { ErrorHandler } from 'hono';
import { ArtifactPathError } from '../../artifacts/types.js';
import type { Logger } from '../../observability/logger.js';
import { HttpError } from '../http-error.js';
import { FilterError } from '../jobs.js';

export function errorHandler({ log }: { log: Logger }): ErrorHandler {
  return function errorHandler(err, c) {
    if (err instanceof HttpError) return c.text(err.message, err.status);
    if (err instanceof FilterError || err instanceof ArtifactPathError) return c.text(`400 Bad Request: ${err.message}`, 400);
    log.error({ err, path: c.req.path }, 'deck request failed');
    return c.text('500 Internal Server Error', 500);
  };
}
