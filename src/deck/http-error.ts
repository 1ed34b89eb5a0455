// An error that is an HTTP answer: deck's error handler turns it into a response with its status.
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(readonly status: 400 | 403 | 404 | 405 | 409 | 500 | 502, message: string) {
    super(message);
  }
}
