// deck's one app.onError: an HttpError is its own answer, a bad filter or artifact path is a 400, and
// anything else is a logged 500 that shows the client nothing of the cause.
import type { ErrorHandler } from 'hono';
import { ArtifactPathError } from '../../artifacts/types.js';
import { HttpError, onHttpError } from '../../observability/http.js';
import type { Logger } from '../../observability/logger.js';
import { FilterError } from '../jobs.js';

export function errorHandler({ log }: { log: Logger }): ErrorHandler {
  return onHttpError({
    log,
    message: 'deck request failed',
    internalErrorBody: '500 Internal Server Error',
    translate: (err) =>
      err instanceof FilterError || err instanceof ArtifactPathError ? new HttpError(400, `400 Bad Request: ${err.message}`) : undefined,
  });
}
