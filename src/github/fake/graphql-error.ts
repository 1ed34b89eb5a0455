/** A GraphQL answer with `errors` (HTTP 200, `data: null`), as GitHub gives for a bad node id or a refused mutation. */
export class FakeGraphQLError extends Error {
  override readonly name = 'FakeGraphQLError';
  constructor(readonly type: string, message: string) {
    super(message);
  }
}
