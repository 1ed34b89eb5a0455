// Jenkins' REST API as upstream's jenkins-operator uses it (pkg/jenkins/jenkins.go): auth (basic with an
// API token, or bearer), the CSRF crumb from /crumbIssuer/api/json sent on every request, retries on 5xx,
// buildWithParameters with the parameters in the query, the queue, builds found by PROW_JOB_ID, stop and
// the progressive console text.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Logger } from '../../observability/logger.js';

export interface JenkinsAuth {
  basic?: { user: string; token: () => string };
  bearer?: () => string;
}

export interface JenkinsClientOptions {
  baseUrl: string;
  auth?: JenkinsAuth;
  /** Fetch a crumb and send it (Jenkins' "Prevent Cross Site Request Forgery exploits"). */
  csrfProtect?: boolean;
  /** TLS client certificate, key and CA (PEM contents). */
  tls?: { cert?: string; key?: string; ca?: string };
  log: Logger;
  /** Per-request timeout (upstream 30 s). */
  timeoutMs?: number;
}

export class JenkinsNotFoundError extends Error {
  override readonly name = 'JenkinsNotFoundError';
}

export class JenkinsHttpError extends Error {
  override readonly name = 'JenkinsHttpError';
  constructor(readonly status: number, method: string, path: string, detail: string) {
    super(`jenkins ${method} ${path}: ${status}${detail ? ` ${detail}` : ''}`);
  }
}

export interface JenkinsParameter {
  name: string;
  value?: unknown;
}

export interface JenkinsBuild {
  number: number;
  result: string | null;
  building: boolean;
  url?: string;
  timestamp?: number;
  actions?: Array<{ parameters?: JenkinsParameter[] } | null>;
}

export interface JenkinsQueueItem {
  id: number;
  cancelled?: boolean;
  executable?: { number: number; url?: string } | null;
  actions?: Array<{ parameters?: JenkinsParameter[] } | null>;
  task?: { name?: string };
}

export interface ProgressiveText {
  text: Buffer;
  /** X-Text-Size: where the next read starts. */
  size: number;
  /** X-More-Data: the build is still writing. */
  more: boolean;
}

interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const MAX_RETRIES = 5;
const RETRY_DELAY_MS = 100;

/** A build's parameter value, as upstream's Build.ProwJobID/BuildID read them. */
export function buildParameter(b: { actions?: JenkinsBuild['actions'] }, name: string): string | undefined {
  for (const a of b.actions ?? []) {
    for (const p of a?.parameters ?? []) if (p.name === name && typeof p.value === 'string') return p.value;
  }
  return undefined;
}

/** `a/b` → `a/job/b` (upstream getJobName): the path of a job in folders. */
export function jenkinsJobPath(job: string, opts: { githubBranchSource?: boolean; pull?: number; baseRef?: string } = {}): string {
  const name = job.includes('/') ? job.replace(/^\/+|\/+$/g, '').split('/').map(encodeURIComponent).join('/job/') : encodeURIComponent(job);
  if (opts.githubBranchSource) {
    if (opts.pull !== undefined) return `${name}/view/change-requests/job/PR-${opts.pull}`;
    if (opts.baseRef) return `${name}/job/${encodeURIComponent(opts.baseRef)}`;
  }
  return name;
}

export class JenkinsClient {
  readonly baseUrl: string;
  private readonly agent: HttpsAgent | undefined;
  private crumb: { field: string; value: string } | undefined;

  constructor(private readonly o: JenkinsClientOptions) {
    this.baseUrl = o.baseUrl.replace(/\/+$/, '');
    if (o.tls && (o.tls.cert || o.tls.key || o.tls.ca)) {
      this.agent = new HttpsAgent({ ...(o.tls.cert ? { cert: o.tls.cert } : {}), ...(o.tls.key ? { key: o.tls.key } : {}), ...(o.tls.ca ? { ca: o.tls.ca } : {}), keepAlive: true });
    }
  }

  /** Fetches the crumb when CSRF protection is on (upstream does this once, at start). */
  async init(): Promise<void> {
    if (this.o.csrfProtect) await this.fetchCrumb();
  }

  private async fetchCrumb(): Promise<void> {
    const res = await this.send('GET', '/crumbIssuer/api/json', false);
    if (res.status !== 200) throw new JenkinsHttpError(res.status, 'GET', '/crumbIssuer/api/json', 'cannot get a Jenkins crumb (is CSRF protection on?)');
    const body = JSON.parse(res.body.toString('utf8')) as { crumb?: string; crumbRequestField?: string };
    if (!body.crumb || !body.crumbRequestField) throw new Error('jenkins: the crumb issuer answered without crumb or crumbRequestField');
    this.crumb = { field: body.crumbRequestField, value: body.crumb };
  }

  private send(method: string, path: string, withCrumb = true): Promise<Response> {
    const url = path.startsWith('http') ? new URL(path) : new URL(this.baseUrl + path);
    const headers: Record<string, string> = {};
    const auth = this.o.auth;
    if (auth?.basic) headers.authorization = `Basic ${Buffer.from(`${auth.basic.user}:${auth.basic.token()}`).toString('base64')}`;
    if (auth?.bearer) headers.authorization = `Bearer ${auth.bearer()}`;
    if (withCrumb && this.crumb) headers[this.crumb.field] = this.crumb.value;
    const doRequest = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = doRequest(url, { method, headers, ...(this.agent && url.protocol === 'https:' ? { agent: this.agent } : {}), timeout: this.o.timeoutMs ?? 30_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`jenkins ${method} ${url.pathname}: timed out`)));
      req.on('error', reject);
      req.end();
    });
  }

  /** Retries 5xx and network errors with back-off (upstream: 5 tries from 100 ms); a 403 refreshes the crumb once. */
  private async request(method: string, path: string): Promise<Response> {
    let delay = RETRY_DELAY_MS;
    let lastErr: unknown;
    let crumbRefreshed = false;
    for (let attempt = 0; attempt < MAX_RETRIES; attempt++) {
      try {
        const res = await this.send(method, path);
        if (res.status === 403 && this.o.csrfProtect && method !== 'GET' && !crumbRefreshed) {
          crumbRefreshed = true; // the crumb expires with its session: fetch a new one and try again
          await this.fetchCrumb();
          continue;
        }
        if (res.status < 500) return res;
        lastErr = new JenkinsHttpError(res.status, method, path, res.body.toString('utf8').slice(0, 200));
      } catch (err) {
        lastErr = err;
      }
      await new Promise((r) => setTimeout(r, delay));
      delay *= 2;
    }
    throw lastErr;
  }

  private async getJson<T>(path: string): Promise<T> {
    const res = await this.request('GET', path);
    if (res.status === 404) throw new JenkinsNotFoundError(`jenkins GET ${path}: 404 Not Found`);
    if (res.status < 200 || res.status >= 300) throw new JenkinsHttpError(res.status, 'GET', path, '');
    return JSON.parse(res.body.toString('utf8')) as T;
  }

  /** POST …/buildWithParameters with the parameters in the query; returns the queue item URL (Location). */
  async buildWithParameters(jobPath: string, params: Record<string, string>): Promise<string | undefined> {
    const q = new URLSearchParams(params).toString();
    const path = `/job/${jobPath}/buildWithParameters?${q}`;
    const res = await this.request('POST', path);
    if (res.status === 404) throw new JenkinsNotFoundError(`jenkins: no job at /job/${jobPath}`);
    if (res.status !== 201) throw new JenkinsHttpError(res.status, 'POST', `/job/${jobPath}/buildWithParameters`, 'response not 201');
    const location = res.headers.location;
    return typeof location === 'string' ? location : undefined;
  }

  /** The job's parameter definitions, build count and last build (upstream GetJobInfo); NotFound when there is no such job. */
  async jobInfo(jobPath: string): Promise<{ parameterized: boolean; builds: number; lastBuild?: number }> {
    const info = await this.getJson<{ builds?: Array<{ number: number }>; lastBuild?: { number: number } | null; property?: Array<{ parameterDefinitions?: unknown[] } | null> }>(
      `/job/${jobPath}/api/json?tree=builds[number],lastBuild[number],property[parameterDefinitions[name]]`,
    );
    return {
      parameterized: (info.property ?? []).some((p) => (p?.parameterDefinitions ?? []).length > 0),
      builds: (info.builds ?? []).length,
      ...(info.lastBuild ? { lastBuild: info.lastBuild.number } : {}),
    };
  }

  /** POST …/build without parameters (upstream LaunchBuild with nil params). */
  async buildWithoutParameters(jobPath: string): Promise<void> {
    const res = await this.request('POST', `/job/${jobPath}/build`);
    if (res.status === 404) throw new JenkinsNotFoundError(`jenkins: no job at /job/${jobPath}`);
    if (res.status !== 201) throw new JenkinsHttpError(res.status, 'POST', `/job/${jobPath}/build`, 'response not 201');
  }

  queueItem(location: string): Promise<JenkinsQueueItem> {
    const path = location.startsWith(this.baseUrl) ? location.slice(this.baseUrl.length) : location;
    return this.getJson(`${path.replace(/\/?$/, '/')}api/json`);
  }

  async queue(): Promise<JenkinsQueueItem[]> {
    const page = await this.getJson<{ items?: JenkinsQueueItem[] }>('/queue/api/json?tree=items[id,task[name],actions[parameters[name,value]]]');
    return page.items ?? [];
  }

  /** The job's builds with the fields upstream asks for; [] when the job does not exist (upstream logs and goes on). */
  async builds(jobPath: string): Promise<JenkinsBuild[]> {
    try {
      const page = await this.getJson<{ builds?: JenkinsBuild[] }>(`/job/${jobPath}/api/json?tree=builds[number,result,building,url,timestamp,actions[parameters[name,value]]]`);
      return page.builds ?? [];
    } catch (err) {
      if (err instanceof JenkinsNotFoundError) return [];
      throw err;
    }
  }

  build(jobPath: string, number: number): Promise<JenkinsBuild> {
    return this.getJson(`/job/${jobPath}/${number}/api/json?tree=number,result,building,url,timestamp,actions[parameters[name,value]]`);
  }

  async stop(jobPath: string, number: number): Promise<void> {
    const res = await this.request('POST', `/job/${jobPath}/${number}/stop`);
    if (res.status === 404) return; // gone already
    if (res.status >= 400) throw new JenkinsHttpError(res.status, 'POST', `/job/${jobPath}/${number}/stop`, '');
  }

  async cancelQueueItem(id: number): Promise<void> {
    const res = await this.request('POST', `/queue/cancelItem?id=${id}`);
    if (res.status >= 400 && res.status !== 404) throw new JenkinsHttpError(res.status, 'POST', '/queue/cancelItem', '');
  }

  /** A build's whole console log (`/job/<path>/<n>/consoleText`). */
  async consoleText(jobPath: string, number: number): Promise<Buffer> {
    const path = `/job/${jobPath}/${number}/consoleText`;
    const res = await this.request('GET', path);
    if (res.status === 404) throw new JenkinsNotFoundError(`jenkins GET ${path}: 404 Not Found`);
    if (res.status !== 200) throw new JenkinsHttpError(res.status, 'GET', path, '');
    return res.body;
  }

  async progressiveText(jobPath: string, number: number, start: number): Promise<ProgressiveText> {
    const path = `/job/${jobPath}/${number}/logText/progressiveText?start=${start}`;
    const res = await this.request('GET', path);
    if (res.status === 404) throw new JenkinsNotFoundError(`jenkins GET ${path}: 404 Not Found`);
    if (res.status !== 200) throw new JenkinsHttpError(res.status, 'GET', path, '');
    const size = Number(res.headers['x-text-size'] ?? start + res.body.length);
    return { text: res.body, size: Number.isFinite(size) ? size : start + res.body.length, more: res.headers['x-more-data'] === 'true' };
  }
}
