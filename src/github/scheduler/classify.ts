// What a GitHub request is to the scheduler: a read or a write, its priority among writes, what it costs
// against GitHub's secondary limits, and for a commit status the key a newer state supersedes.
// Costs follow GitHub's documentation ("Rate limits for the REST API", secondary limits): GET, HEAD and
// OPTIONS and GraphQL queries are 1 point, other REST calls and GraphQL mutations 5, REST and GraphQL
// each against a budget of its own; creating comments, issues, pull requests and reviews is
// content-generating.

/** Lower runs first. Reads are never queued behind writes. */
export const PRIORITIES = ['read', 'merge', 'status', 'label', 'other', 'comment'] as const;
export type RequestKind = (typeof PRIORITIES)[number];

export interface RequestClass {
  kind: RequestKind;
  /** Index in PRIORITIES. */
  priority: number;
  write: boolean;
  /** Secondary-limit points (against the GraphQL budget when `graphql`, else the REST one). */
  points: number;
  /** Counts against GitHub's content-creation limit. */
  content: boolean;
  /** GraphQL (ghproxy spaces API v4 on its own). */
  graphql: boolean;
  /** For a commit status: `owner/repo@sha#context`; a newer write with the same key supersedes a queued one. */
  supersedeKey?: string;
}

const mutationRe = /^\s*mutation\b/;
const contentRe = /\/(comments|issues|pulls|reviews|releases)$/;

function classOf(kind: RequestKind, extra: Partial<RequestClass> = {}): RequestClass {
  const write = kind !== 'read';
  return { kind, priority: PRIORITIES.indexOf(kind), write, points: write ? 5 : 1, content: false, graphql: false, ...extra };
}

/** A label write sent as GraphQL: a mutation (5 points), plus a lookup query (1) when `lookup`. */
export function graphqlLabelWriteClass(lookup: boolean): RequestClass {
  return classOf('label', { graphql: true, points: lookup ? 6 : 5 });
}

/** `template` is the route template (`/repos/{owner}/{repo}/statuses/{sha}`); `params` the request's parameters. */
export function classifyRequest(method: string, template: string, params: Record<string, unknown>): RequestClass {
  if (template.endsWith('/graphql')) {
    return mutationRe.test(String(params.query ?? '')) ? classOf('other', { graphql: true }) : classOf('read', { graphql: true });
  }
  // App token exchange is authentication, not a write: it must never wait behind writes.
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS' || template.endsWith('/access_tokens')) return classOf('read');
  if (template.endsWith('/merge') || template.endsWith('/merges')) return classOf('merge');
  if (method === 'POST' && template.includes('/statuses/')) {
    const context = typeof params.context === 'string' ? params.context : 'default';
    return classOf('status', { supersedeKey: `${String(params.owner)}/${String(params.repo)}@${String(params.sha)}#${context}` });
  }
  if (template.includes('/labels')) return classOf('label');
  if (template.includes('/comments') || template.includes('/reviews')) return classOf('comment', { content: method === 'POST' && contentRe.test(template) });
  return classOf('other', { content: method === 'POST' && contentRe.test(template) });
}
