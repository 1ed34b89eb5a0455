// The one error that ends a ProwJob as `error` and is never retried (upstream pkg/plank/error.go):
// an executor that cannot create the run from this ProwJob (a 4xx on pod create), or a controller
// that finds the job unrunnable. Anything else is retried.

export class TerminalError extends Error {
  override readonly name = 'TerminalError';
  constructor(readonly prowjob: string, detail: string, options?: ErrorOptions) {
    super(detail, options);
  }
}
