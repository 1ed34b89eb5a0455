// Issue search (REST) and GraphQL.
import type { GitHubCall, Params } from '../call.js';
import { GraphQLError } from '../errors.js';
import { toIssue } from '../map.js';
import type { GitHubClient, Issue, SearchOptions } from '../types.js';

type SearchMethods = Pick<GitHubClient, 'searchIssues' | 'graphql'>;

/** The org a search is about, to pick the App installation. */
function orgOfQuery(query: string): string | undefined {
  const m = /(?:^|\s)(?:repo:([^/\s]+)\/|org:([^\s]+)|user:([^\s]+))/.exec(query);
  return m ? (m[1] ?? m[2] ?? m[3]) : undefined;
}

export function searchMethods(call: GitHubCall): SearchMethods {
  return {
    async searchIssues(query: string, options: SearchOptions = {}): Promise<Issue[]> {
      const params: Params = { q: query };
      if (options.sort) params.sort = options.sort;
      if (options.order) params.order = options.order;
      return (await call.paginate(orgOfQuery(query), 'GET /search/issues', params)).map(toIssue);
    },

    async graphql<T = unknown>(query: string, variables: Record<string, unknown> = {}, org?: string): Promise<T> {
      const params: Params = { query, variables };
      // GitHub Enterprise Server serves REST at /api/v3 but GraphQL at /api/graphql.
      if (/\/api\/v3$/.test(call.connection.baseUrl)) params.baseUrl = call.connection.baseUrl.replace(/\/api\/v3$/, '/api');
      const res = await call.request(org, 'POST /graphql', params);
      const body = res.data as { data?: unknown; errors?: { message: string; type?: string; path?: (string | number)[] }[] };
      if (Array.isArray(body.errors) && body.errors.length > 0) throw new GraphQLError(body.errors, body.data);
      return body.data as T;
    },
  };
}
