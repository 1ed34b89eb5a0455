// --dry-run: reads go to GitHub, writes are logged and answered locally (upstream's dry-run client in
// pkg/github/client.go does the same).

/** Set on a response the dry-run answered, so methods that inspect the answer can skip that. */
export const DRY_RUN_HEADER = 'x-prow-dry-run';

/** Whether a request changes anything on GitHub. */
export function isWrite(method: string, template: string, options: Record<string, unknown>): boolean {
  if (method === 'GET' || method === 'HEAD') return false;
  if (template.endsWith('/access_tokens')) return false; // App token exchange: auth, not a write
  if (template.endsWith('/graphql')) return /^\s*mutation\b/.test(String(options.query ?? ''));
  return true;
}

/** The smallest answer the methods can map: an empty list of labels, a merged merge, no GraphQL data. */
export function dryRunAnswer(template: string): unknown {
  if (template.endsWith('/labels')) return [];
  if (template.endsWith('/merge')) return { merged: true, sha: '', message: 'dry run' };
  if (template.endsWith('/graphql')) return { data: {} };
  return {};
}
