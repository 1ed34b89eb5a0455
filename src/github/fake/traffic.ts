// What the fake GitHub heard: every call recorded, and the failures a test asked it to inject.

export interface FakeCall {
  seq: number;
  method: string;
  /** The request path, without the query. */
  path: string;
  query: string;
  /** `METHOD /template`, e.g. `POST /repos/{owner}/{repo}/issues/{issue_number}/labels`. */
  route: string;
  body: unknown;
  status: number;
  /** Login the credentials map to (null when unauthenticated). */
  actor: string | null;
  /** 'token' | 'installation' | 'app' | 'none' */
  auth: string;
  /** Changes state: any non-GET except token exchange and GraphQL queries. */
  write: boolean;
  time: string;
}

export interface CallFilter {
  method?: string;
  /** Exact path or a pattern over the path. */
  path?: string | RegExp;
  /** Path template as in `route` without the method, e.g. `/repos/{owner}/{repo}/issues/{issue_number}/labels`. */
  route?: string;
  write?: boolean;
}

export interface FakeFailure {
  method?: string;
  path?: string | RegExp;
  status: number;
  /** How many matching requests fail (default 1). */
  times?: number;
  message?: string;
  headers?: Record<string, string>;
  /** Handle the request first, then answer with the failure: the write landed but the caller hears 5xx. */
  afterHandling?: boolean;
}

export class Traffic {
  calls: FakeCall[] = [];
  private failures: (FakeFailure & { left: number })[] = [];
  private seq = 0;

  nextSeq(): number {
    return ++this.seq;
  }

  record(call: FakeCall): void {
    this.calls.push(call);
  }

  filter(filter: CallFilter = {}): FakeCall[] {
    return this.calls.filter((c) => {
      if (filter.method && c.method !== filter.method.toUpperCase()) return false;
      if (filter.write !== undefined && c.write !== filter.write) return false;
      if (filter.route && c.route.slice(c.method.length + 1) !== filter.route) return false;
      if (filter.path !== undefined) {
        if (typeof filter.path === 'string' ? c.path !== filter.path : !filter.path.test(c.path)) return false;
      }
      return true;
    });
  }

  failNext(failure: FakeFailure): void {
    this.failures.push({ ...failure, left: failure.times ?? 1 });
  }

  /** The injected failure this request meets, used up by one. */
  takeFailure(method: string, path: string): FakeFailure | undefined {
    const failure = this.failures.find((f) => f.left > 0 && (!f.method || f.method.toUpperCase() === method) && (f.path === undefined || (typeof f.path === 'string' ? f.path === path : f.path.test(path))));
    if (failure) failure.left--;
    return failure;
  }

  clear(): void {
    this.calls = [];
    this.failures = [];
  }
}
