// A fake Jenkins 2.x: a real HTTP server answering the REST endpoints Prow's jenkins-operator uses, the way
// Jenkins answers them (crumbs, 201 + Location for a queued build, the queue item that later names its
// executable, builds with parameters, progressive text with X-Text-Size / X-More-Data, stop, folders as
// job/a/job/b, 404 pages). Each job runs a shell command given by the test, with the build parameters as
// its environment, so tests decide success, failure and output. For tests and demos only.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface FakeJenkinsJob {
  /** `sh -c` command a build runs; its exit code decides SUCCESS (0) or FAILURE. */
  script: string;
  /**
   * Declares parameters (as a parameterized job does); default true. false: a job that learns its
   * parameters on its first build (Job DSL, a Jenkinsfile); until then buildWithParameters is refused.
   */
  parameterized?: boolean;
}

export interface FakeJenkinsOptions {
  /** Full job names (`folder/name`) → what their builds run. */
  jobs: Record<string, FakeJenkinsJob>;
  /** Crumbs required on POST (Jenkins' CSRF protection, on by default in Jenkins 2.x). Default true. */
  csrf?: boolean;
  /** How long a build waits in the queue before it starts (default 50 ms). */
  queueDelayMs?: number;
  /** Require HTTP basic auth with this user and API token, or a bearer token. */
  basicAuth?: { user: string; token: string };
  bearerToken?: string;
  port?: number;
  /** Serve HTTPS with this key and certificate; with `ca`, require a client certificate it signed. */
  tls?: { key: string; cert: string; ca?: string };
}

export interface FakeBuild {
  job: string;
  number: number;
  parameters: Record<string, string>;
  building: boolean;
  result: 'SUCCESS' | 'FAILURE' | 'ABORTED' | null;
  log: string;
  timestamp: number;
}

export interface FakeJenkinsCall {
  method: string;
  path: string;
  status: number;
}

interface QueueItem {
  id: number;
  job: string;
  parameters: Record<string, string>;
  build?: FakeBuild;
  cancelled: boolean;
  timer?: NodeJS.Timeout;
}

export interface FakeJenkins {
  readonly url: string;
  builds(job?: string): FakeBuild[];
  calls(): FakeJenkinsCall[];
  /** Queue items still waiting. */
  queued(): number;
  close(): Promise<void>;
}

const CRUMB_FIELD = 'Jenkins-Crumb';

function notFound(res: ServerResponse): void {
  res.writeHead(404, { 'content-type': 'text/html;charset=utf-8' });
  res.end('<html><head><title>Error 404 Not Found</title></head><body><h2>HTTP ERROR 404 Not Found</h2></body></html>');
}

function json(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' });
  res.end(JSON.stringify(body));
}

/** `/job/a/job/b/rest` → { job: 'a/b', rest: ['rest'] } */
function splitJobPath(parts: string[]): { job: string; rest: string[] } | undefined {
  const names: string[] = [];
  let i = 0;
  while (parts[i] === 'job' && parts[i + 1] !== undefined) {
    names.push(decodeURIComponent(parts[i + 1]!));
    i += 2;
  }
  return names.length === 0 ? undefined : { job: names.join('/'), rest: parts.slice(i) };
}

export async function startFakeJenkins(options: FakeJenkinsOptions): Promise<FakeJenkins> {
  const csrf = options.csrf ?? true;
  const crumb = randomBytes(16).toString('hex');
  const delay = options.queueDelayMs ?? 50;
  const builds = new Map<string, FakeBuild[]>();
  const queue = new Map<number, QueueItem>();
  const procs = new Map<FakeBuild, ChildProcess>();
  const calls: FakeJenkinsCall[] = [];
  let nextQueueId = 1;
  let base = '';

  const buildUrl = (b: FakeBuild): string => `${base}/${b.job.split('/').map((n) => `job/${encodeURIComponent(n)}`).join('/')}/${b.number}/`;
  const paramActions = (p: Record<string, string>) => [
    { _class: 'hudson.model.ParametersAction', parameters: Object.entries(p).map(([name, value]) => ({ _class: 'hudson.model.StringParameterValue', name, value })) },
  ];
  const buildJson = (b: FakeBuild) => ({
    _class: 'hudson.model.FreeStyleBuild', number: b.number, result: b.result, building: b.building, url: buildUrl(b), timestamp: b.timestamp,
    actions: paramActions(b.parameters),
  });

  const learnt = new Set<string>();
  const isParameterized = (job: string): boolean => options.jobs[job]!.parameterized !== false || learnt.has(job);

  function startBuild(item: QueueItem): void {
    learnt.add(item.job);
    const list = builds.get(item.job) ?? [];
    builds.set(item.job, list);
    const build: FakeBuild = { job: item.job, number: list.length + 1, parameters: item.parameters, building: true, result: null, log: '', timestamp: Date.now() };
    list.push(build);
    item.build = build;
    const child = spawn('/bin/sh', ['-c', options.jobs[item.job]!.script], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...item.parameters }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    procs.set(build, child);
    const append = (b: Buffer): void => {
      build.log += b.toString('utf8');
    };
    child.stdout!.on('data', append);
    child.stderr!.on('data', append);
    child.once('error', (err) => {
      build.log += `${err.message}\n`;
    });
    child.once('close', (code) => {
      procs.delete(build);
      if (build.result === null) build.result = code === 0 ? 'SUCCESS' : 'FAILURE';
      build.log += `Finished: ${build.result}\n`;
      build.building = false;
    });
  }

  function authorized(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? '';
    if (options.basicAuth) {
      const want = `Basic ${Buffer.from(`${options.basicAuth.user}:${options.basicAuth.token}`).toString('base64')}`;
      if (header !== want) return false;
    }
    if (options.bearerToken && header !== `Bearer ${options.bearerToken}`) return false;
    return true;
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', base);
    const method = req.method ?? 'GET';
    const parts = url.pathname.split('/').filter(Boolean);
    res.once('finish', () => calls.push({ method, path: url.pathname + url.search, status: res.statusCode }));
    if (!authorized(req)) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="Jenkins"', 'content-type': 'text/html' });
      res.end('<html><body>Authentication required</body></html>');
      return;
    }
    if (method === 'GET' && url.pathname === '/crumbIssuer/api/json') {
      if (!csrf) return notFound(res);
      return json(res, { _class: 'hudson.security.csrf.DefaultCrumbIssuer', crumb, crumbRequestField: CRUMB_FIELD });
    }
    if (method === 'POST' && csrf && req.headers[CRUMB_FIELD.toLowerCase()] !== crumb) {
      res.writeHead(403, { 'content-type': 'text/html;charset=utf-8' });
      res.end('<html><head><title>Error 403 No valid crumb was included in the request</title></head><body><h2>HTTP ERROR 403 No valid crumb was included in the request</h2></body></html>');
      return;
    }
    if (method === 'GET' && url.pathname === '/queue/api/json') {
      const items = [...queue.values()].filter((q) => !q.build && !q.cancelled).map((q) => ({
        id: q.id, task: { name: q.job.split('/').pop() }, actions: paramActions(q.parameters), why: 'Waiting for next available executor',
      }));
      return json(res, { items });
    }
    if (method === 'POST' && url.pathname === '/queue/cancelItem') {
      const item = queue.get(Number(url.searchParams.get('id')));
      if (!item) return notFound(res);
      if (!item.build) {
        item.cancelled = true;
        clearTimeout(item.timer);
      }
      res.writeHead(204).end();
      return;
    }
    if (method === 'GET' && parts[0] === 'queue' && parts[1] === 'item' && parts[3] === 'api' && parts[4] === 'json') {
      const item = queue.get(Number(parts[2]));
      if (!item) return notFound(res);
      return json(res, {
        _class: item.build ? 'hudson.model.Queue$LeftItem' : 'hudson.model.Queue$WaitingItem',
        id: item.id, cancelled: item.cancelled, task: { name: item.job.split('/').pop() }, actions: paramActions(item.parameters),
        executable: item.build ? { number: item.build.number, url: buildUrl(item.build) } : null,
      });
    }
    const jp = splitJobPath(parts);
    if (!jp || !options.jobs[jp.job]) return notFound(res);
    const { job, rest } = jp;
    if (method === 'GET' && rest[0] === 'api' && rest[1] === 'json') {
      return json(res, {
        _class: 'hudson.model.FreeStyleProject', name: job.split('/').pop(), fullName: job,
        builds: [...(builds.get(job) ?? [])].reverse().map(buildJson),
        lastBuild: (builds.get(job) ?? []).length > 0 ? buildJson(builds.get(job)!.at(-1)!) : null,
        property: !isParameterized(job) ? [] : [{ _class: 'hudson.model.ParametersDefinitionProperty', parameterDefinitions: [{ name: 'PROW_JOB_ID', type: 'StringParameterDefinition' }] }],
      });
    }
    if (method === 'POST' && rest[0] === 'buildWithParameters' && rest.length === 1 && !isParameterized(job)) {
      res.writeHead(400, { 'content-type': 'text/html;charset=utf-8' });
      res.end('<html><body><h2>HTTP ERROR 400 Nothing is submitted</h2></body></html>');
      return;
    }
    if (method === 'POST' && (rest[0] === 'buildWithParameters' || rest[0] === 'build') && rest.length === 1) {
      const parameters: Record<string, string> = {};
      for (const [k, v] of url.searchParams) parameters[k] = v;
      const item: QueueItem = { id: nextQueueId++, job, parameters, cancelled: false };
      queue.set(item.id, item);
      item.timer = setTimeout(() => startBuild(item), delay);
      res.writeHead(201, { location: `${base}/queue/item/${item.id}/` }).end();
      return;
    }
    const build = (builds.get(job) ?? []).find((b) => String(b.number) === rest[0]);
    if (!build) return notFound(res);
    if (method === 'GET' && rest[1] === 'api' && rest[2] === 'json') return json(res, buildJson(build));
    if (method === 'POST' && rest[1] === 'stop') {
      const proc = procs.get(build);
      if (proc?.pid !== undefined && build.building) {
        build.result = 'ABORTED';
        build.log += 'Aborted by prow\n';
        try {
          process.kill(-proc.pid, 'SIGTERM');
        } catch {
          // already gone: its close event completes the build
        }
      }
      res.writeHead(302, { location: buildUrl(build) }).end();
      return;
    }
    if (method === 'GET' && rest[1] === 'consoleText') {
      res.writeHead(200, { 'content-type': 'text/plain;charset=utf-8' });
      res.end(build.log);
      return;
    }
    if (method === 'GET' && rest[1] === 'logText' && rest[2] === 'progressiveText') {
      const all = Buffer.from(build.log, 'utf8');
      const start = Math.max(0, Number(url.searchParams.get('start') ?? '0') || 0);
      const headers: Record<string, string> = { 'content-type': 'text/plain;charset=utf-8', 'x-text-size': String(all.length) };
      if (build.building) headers['x-more-data'] = 'true';
      res.writeHead(200, headers);
      res.end(all.subarray(Math.min(start, all.length)));
      return;
    }
    notFound(res);
  }

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    req.resume();
    req.once('end', () => handle(req, res));
  };
  const tls = options.tls;
  const server: Server = tls
    ? createHttpsServer({ key: tls.key, cert: tls.cert, ...(tls.ca ? { ca: tls.ca, requestCert: true, rejectUnauthorized: true } : {}) }, listener)
    : createServer(listener);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  base = `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    builds: (job) => (job ? [...(builds.get(job) ?? [])] : [...builds.values()].flat()),
    calls: () => [...calls],
    queued: () => [...queue.values()].filter((q) => !q.build && !q.cancelled).length,
    async close() {
      for (const q of queue.values()) clearTimeout(q.timer);
      for (const p of procs.values()) {
        try {
          if (p.pid !== undefined) process.kill(-p.pid, 'SIGKILL');
        } catch {
          // already exited
        }
      }
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
