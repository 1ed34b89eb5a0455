// Every request the fake answered, for tests and benchmarks that count API calls (per job, per verb).

export type RequestVerb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection' | 'discovery';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  verb: RequestVerb;
  /** `pods`, `prowjobs.prow.k8s.io`…; empty for discovery and other non-resource paths. */
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  status: number;
  userAgent: string;
}
