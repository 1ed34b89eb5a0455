// One pod on the simulated node: volumes, then init containers one by one, then the containers at
// once, each a local process; container statuses, conditions and phase written back through
// pods/status as the kubelet writes them (pkg/kubelet/status, kuberuntime); graceful termination
// (SIGTERM, then SIGKILL after the grace period), restarts per restartPolicy, activeDeadlineSeconds,
// and the injected failures tests ask for (eviction, OOM kill, a lost node).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { constants } from 'node:os';
import type { Logger } from '../../observability/logger.js';
import type { KubeApi } from '../fake/api.js';
import { clone, isObject, type JsonObject } from '../fake/json.js';
import { ConfigError, containerEnv, expand, type ObjectLookup } from './env.js';
import { defaultCommandOf, type ImageCommands } from './images.js';
import { ContainerLog } from './logs.js';
import { containerMounts, containerRoot, linkMountView, prepareVolumes, rewritePaths, workingDirFor, type Mount } from './volumes.js';

export interface PodRunDeps {
  api: KubeApi;
  log: Logger;
  lookup: ObjectLookup;
  podDir: string;
  nodeName: string;
  hostIP: string;
  /** Base of the restart back-off (upstream's kubelet: 10 s, doubling to 5 min). */
  backoffMs: number;
  now: () => Date;
  imageCommands?: ImageCommands;
}

type ContainerState =
  | { waiting: { reason: string; message?: string } }
  | { running: { startedAt: string } }
  | { terminated: { exitCode: number; reason: string; message?: string; startedAt: string; finishedAt: string; containerID: string; signal?: number } };

interface ContainerRun {
  spec: JsonObject;
  name: string;
  init: boolean;
  state: ContainerState;
  lastState: ContainerState | Record<string, never>;
  restartCount: number;
  process?: ChildProcess;
  log?: ContainerLog;
  done?: Promise<void>;
}

const rfc3339 = (d: Date): string => `${d.toISOString().slice(0, 19)}Z`;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

type StopCause = 'deleted' | 'evicted' | 'deadline' | 'node-lost';

export class PodRun {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  private readonly containers: ContainerRun[];
  private readonly inits: ContainerRun[];
  private phase = 'Pending';
  private reason: string | undefined;
  private message: string | undefined;
  private startTime: string;
  private initialized = false;
  private stopCause: StopCause | undefined;
  private silent = false;
  private readonly conditionTimes = new Map<string, { status: string; time: string }>();
  private deadlineTimer: NodeJS.Timeout | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  private settled: Promise<void> | undefined;
  private seq = 0;
  private readonly oom = new Set<ContainerRun>();
  private killAt: number | undefined;

  constructor(private readonly pod: JsonObject, private readonly deps: PodRunDeps) {
    const m = pod.metadata as JsonObject;
    this.uid = str(m.uid);
    this.namespace = str(m.namespace);
    this.name = str(m.name);
    const spec = pod.spec as JsonObject;
    const mk = (list: unknown, init: boolean): ContainerRun[] => (Array.isArray(list) ? list.filter(isObject) : []).map((c) => ({
      spec: c, name: str(c.name), init, restartCount: 0, lastState: {},
      state: { waiting: { reason: init ? 'PodInitializing' : (Array.isArray(spec.initContainers) && spec.initContainers.length > 0 ? 'PodInitializing' : 'ContainerCreating') } },
    }));
    this.inits = mk(spec.initContainers, true);
    this.containers = mk(spec.containers, false);
    this.startTime = rfc3339(deps.now());
    if (this.inits.length > 0) for (const c of this.inits) c.state = { waiting: { reason: 'PodInitializing' } };
  }

  get restartPolicy(): string {
    return str((this.pod.spec as JsonObject).restartPolicy) || 'Always';
  }

  container(name: string): ContainerRun | undefined {
    return [...this.inits, ...this.containers].find((c) => c.name === name);
  }

  /** Runs the pod to its end (or until stopped); resolves when every process has exited. */
  run(): Promise<void> {
    this.settled ??= this.lifecycle().catch((err: unknown) => {
      this.deps.log.error({ err, pod: `${this.namespace}/${this.name}` }, 'kubelet pod run failed');
    });
    return this.settled;
  }

  private async lifecycle(): Promise<void> {
    mkdirSync(join(this.deps.podDir, 'logs'), { recursive: true });
    this.publish();
    const deadline = Number((this.pod.spec as JsonObject).activeDeadlineSeconds ?? 0);
    if (deadline > 0) {
      this.deadlineTimer = setTimeout(() => this.stop('deadline', 0), deadline * 1000);
      this.deadlineTimer.unref();
    }
    let volumes: Map<string, string> | undefined;
    while (volumes === undefined && this.stopCause === undefined) {
      try {
        volumes = prepareVolumes(this.pod, this.deps.podDir, this.deps.lookup);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        this.setWaitingAll('ContainerCreating', err.message);
        await this.pause(500);
      }
    }
    if (volumes === undefined) return this.finish();
    for (const c of this.inits) {
      for (;;) {
        if (this.stopCause !== undefined) return this.finish();
        const code = await this.runContainer(c, volumes);
        if (code === 0 || this.stopCause !== undefined) break;
        if (this.restartPolicy === 'Never') {
          this.phase = 'Failed';
          return this.finish();
        }
        await this.backoff(c);
      }
    }
    if (this.stopCause !== undefined) return this.finish();
    this.initialized = true;
    this.publish();
    await Promise.all(this.containers.map((c) => this.keepRunning(c, volumes)));
    return this.finish();
  }

  /** Runs a container, restarting it as restartPolicy says, until it stays terminated. */
  private async keepRunning(c: ContainerRun, volumes: Map<string, string>): Promise<void> {
    for (;;) {
      const code = await this.runContainer(c, volumes);
      if (this.stopCause !== undefined) return;
      const policy = this.restartPolicy;
      if (policy === 'Never' || (policy === 'OnFailure' && code === 0)) return;
      await this.backoff(c);
      if (this.stopCause !== undefined) return;
    }
  }

  private async backoff(c: ContainerRun): Promise<void> {
    const delay = Math.min(this.deps.backoffMs * 2 ** c.restartCount, 300_000);
    c.lastState = c.state;
    c.state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${Math.round(delay / 1000)}s restarting failed container=${c.name} pod=${this.name}_${this.namespace}(${this.uid})` } };
    c.restartCount++;
    this.publish();
    await this.pause(delay);
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      const check = setInterval(() => {
        if (this.stopCause !== undefined) {
          clearTimeout(t);
          clearInterval(check);
          resolve();
        }
      }, 50);
      t.unref();
      check.unref();
      setTimeout(() => clearInterval(check), ms).unref();
    });
  }

  private setWaitingAll(reason: string, message: string): void {
    for (const c of [...this.inits, ...this.containers]) if ('waiting' in c.state) c.state = { waiting: { reason, message } };
    this.publish();
  }

  /** Starts one container process and resolves with its exit code when it ends. */
  private async runContainer(c: ContainerRun, volumes: Map<string, string>): Promise<number> {
    let env: Record<string, string>;
    let mounts: Mount[];
    for (;;) {
      if (this.stopCause !== undefined) return 137;
      try {
        env = containerEnv(this.currentPod(), c.spec, this.deps.lookup);
        const root = containerRoot(this.deps.podDir, c.name);
        mounts = containerMounts(c.spec, volumes, root);
        break;
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        c.state = { waiting: { reason: 'CreateContainerConfigError', message: err.message } };
        this.publish();
        await this.pause(500);
      }
    }
    const root = containerRoot(this.deps.podDir, c.name);
    linkMountView(this.deps.podDir, c.name, mounts);
    const cwd = workingDirFor(c.spec, mounts, root);
    const rewrite = (s: string): string => rewritePaths(s, mounts);
    const command = (Array.isArray(c.spec.command) ? c.spec.command : []).map(String);
    const args = (Array.isArray(c.spec.args) ? c.spec.args : []).map(String);
    // The image's default command is this host's (not the container's paths): it is not rewritten.
    const imageCommand = command.length > 0 ? [] : defaultCommandOf(str(c.spec.image), this.deps.imageCommands) ?? [];
    const argv = [...imageCommand, ...(command.length > 0 ? [...command, ...args] : args).map((a) => rewrite(expand(a, env)))];
    const startedAt = rfc3339(this.deps.now());
    const containerID = `kube-fake://${this.uid.slice(0, 8)}-${c.name}-${++this.seq}`;
    c.log = new ContainerLog(join(this.deps.podDir, 'logs', `${c.name}.log`));
    if (argv.length === 0) {
      return this.terminate(c, { exitCode: 128, reason: 'StartError', message: `kube-fake cannot run the default command of image ${str(c.spec.image)}: the container sets neither command nor args`, startedAt, containerID });
    }
    const processEnv: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      HOSTNAME: this.name,
      HOME: root,
      ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, rewrite(v)])),
      KUBE_FAKE_POD_DIR: this.deps.podDir,
      KUBE_FAKE_MOUNTS: JSON.stringify(Object.fromEntries(mounts.map((m) => [m.mountPath, m.hostPath]))),
    };
    const child = spawn(argv[0]!, argv.slice(1), { cwd, env: processEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    c.process = child;
    this.oom.delete(c);
    const log = c.log;
    child.stdout!.on('data', (d: Buffer) => log.write('stdout', d));
    child.stderr!.on('data', (d: Buffer) => log.write('stderr', d));
    const outcome = await new Promise<{ code: number; signal?: number; error?: string }>((resolve) => {
      child.once('error', (err) => resolve({ code: 128, error: `failed to create containerd task: exec: "${argv[0]!}": ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'executable file not found in $PATH' : err.message}` }));
      child.once('spawn', () => {
        c.state = { running: { startedAt } };
        this.refreshPhase();
        this.publish();
      });
      child.once('close', (code, signal) => {
        const signo = signal === null ? undefined : constants.signals[signal];
        resolve({ code: code ?? 128 + (signo ?? 9), ...(signo === undefined ? {} : { signal: signo }) });
      });
    });
    c.process = undefined;
    if (outcome.error !== undefined) return this.terminate(c, { exitCode: 128, reason: 'StartError', message: outcome.error, startedAt, containerID });
    const reason = this.oom.has(c) ? 'OOMKilled' : outcome.code === 0 ? 'Completed' : 'Error';
    const tmp = mounts.find((m) => m.mountPath === str(c.spec.terminationMessagePath));
    let message = '';
    if (tmp !== undefined) {
      try {
        message = readFileSync(tmp.hostPath, 'utf8').slice(0, 4096);
      } catch {
        message = ''; // the container removed its termination log: no message, as upstream
      }
    }
    log.end();
    if (message === '' && outcome.code !== 0 && c.spec.terminationMessagePolicy === 'FallbackToLogsOnError') message = log.tail(80, 2048);
    return this.terminate(c, {
      exitCode: outcome.code, reason, startedAt, containerID,
      ...(message === '' ? {} : { message }), ...(outcome.signal === undefined ? {} : { signal: outcome.signal }),
    });
  }

  private terminate(c: ContainerRun, t: { exitCode: number; reason: string; message?: string; startedAt: string; containerID: string; signal?: number }): number {
    c.log?.end();
    c.state = { terminated: { ...t, finishedAt: rfc3339(this.deps.now()) } };
    this.refreshPhase();
    this.publish();
    return t.exitCode;
  }

  private refreshPhase(): void {
    if (this.phase === 'Failed' || this.phase === 'Succeeded') return;
    if (this.initialized && this.containers.some((c) => 'running' in c.state || 'terminated' in c.state)) this.phase = 'Running';
  }

  /** Every process has ended: the pod's final phase (for restartPolicy Never/OnFailure or a stop). */
  private finish(): void {
    clearTimeout(this.deadlineTimer);
    clearTimeout(this.killTimer);
    if (this.stopCause === 'node-lost') return;
    for (const c of [...this.inits, ...this.containers]) {
      if ('running' in c.state) c.state = { terminated: { exitCode: 137, reason: 'Error', startedAt: c.state.running.startedAt, finishedAt: rfc3339(this.deps.now()), containerID: '' } };
    }
    if (this.stopCause === 'evicted') {
      this.phase = 'Failed';
      this.reason = 'Evicted';
      this.message = 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 0Ki. ';
    } else if (this.stopCause === 'deadline') {
      this.phase = 'Failed';
      this.reason = 'DeadlineExceeded';
      this.message = 'Pod was active on the node longer than the specified deadline';
    } else if (this.phase !== 'Failed') {
      const all = this.containers.map((c) => ('terminated' in c.state ? c.state.terminated.exitCode : undefined));
      if (all.every((x) => x !== undefined)) this.phase = all.every((x) => x === 0) ? 'Succeeded' : 'Failed';
    }
    this.publish();
  }

  /** Stops the pod: SIGTERM, SIGKILL after `graceSeconds`; no restarts after this. */
  stop(cause: StopCause, graceSeconds: number): Promise<void> {
    // A deletion seen again (every status write while terminating is another event) never postpones the SIGKILL.
    const killAt = Date.now() + graceSeconds * 1000;
    if (this.killAt !== undefined && killAt >= this.killAt && cause !== 'node-lost') return this.run();
    this.killAt = killAt;
    if (this.stopCause === undefined || cause === 'node-lost') this.stopCause = cause;
    if (cause === 'node-lost') this.silent = true;
    const running = [...this.inits, ...this.containers].filter((c) => c.process !== undefined);
    for (const c of running) signal(c.process!, graceSeconds > 0 ? 'SIGTERM' : 'SIGKILL');
    if (graceSeconds > 0) {
      clearTimeout(this.killTimer);
      this.killTimer = setTimeout(() => {
        for (const c of [...this.inits, ...this.containers]) if (c.process !== undefined) signal(c.process, 'SIGKILL');
      }, graceSeconds * 1000);
      this.killTimer.unref();
    }
    return this.run();
  }

  /** Kills one container as the kernel's OOM killer would (exit 137, reason OOMKilled). */
  oomKill(container: string): boolean {
    const c = this.container(container);
    if (c?.process === undefined) return false;
    this.oom.add(c);
    signal(c.process, 'SIGKILL');
    return true;
  }

  /** The pod as the API holds it now (labels and annotations may have changed since it started). */
  private currentPod(): JsonObject {
    try {
      return this.deps.api.get(this.deps.api.type('', 'pods'), 'v1', this.namespace, this.name);
    } catch {
      return this.pod; // deleted meanwhile: the spec it started with still describes it
    }
  }

  private condition(type: string, ok: boolean, reason?: string): JsonObject {
    const status = ok ? 'True' : 'False';
    const prev = this.conditionTimes.get(type);
    const time = prev !== undefined && prev.status === status ? prev.time : rfc3339(this.deps.now());
    this.conditionTimes.set(type, { status, time });
    return { type, status, lastProbeTime: null, lastTransitionTime: time, ...(reason === undefined ? {} : { reason }) };
  }

  private containerStatus(c: ContainerRun): JsonObject {
    return {
      name: c.name,
      state: clone(c.state) as JsonObject,
      lastState: clone(c.lastState) as JsonObject,
      ready: !c.init && 'running' in c.state,
      restartCount: c.restartCount,
      image: str(c.spec.image),
      imageID: '',
      started: 'running' in c.state,
      ...('terminated' in c.state && c.state.terminated.containerID !== '' ? { containerID: c.state.terminated.containerID } : {}),
    };
  }

  /** Writes the status as it is now (the kubelet's status manager). */
  publish(): void {
    if (this.silent) return;
    const done = this.phase === 'Succeeded' || this.phase === 'Failed';
    const allRunning = this.containers.length > 0 && this.containers.every((c) => 'running' in c.state);
    const readyReason = done ? 'PodCompleted' : allRunning ? undefined : 'ContainersNotReady';
    const conditions: JsonObject[] = [
      this.condition('PodReadyToStartContainers', !done || this.phase === 'Succeeded'),
      this.condition('Initialized', this.initialized || this.inits.length === 0, this.initialized || this.inits.length === 0 ? undefined : 'ContainersNotInitialized'),
      this.condition('Ready', allRunning && !done, readyReason),
      this.condition('ContainersReady', allRunning && !done, readyReason),
      this.condition('PodScheduled', true),
    ];
    if (this.stopCause === 'evicted') conditions.unshift({ ...this.condition('DisruptionTarget', true), reason: 'TerminationByKubelet', message: 'The node was low on resource: memory. ' });
    const status: JsonObject = {
      phase: this.phase,
      conditions,
      hostIP: this.deps.hostIP,
      hostIPs: [{ ip: this.deps.hostIP }],
      podIP: this.deps.hostIP,
      podIPs: [{ ip: this.deps.hostIP }],
      startTime: this.startTime,
      qosClass: 'BestEffort',
      ...(this.inits.length > 0 ? { initContainerStatuses: this.inits.map((c) => this.containerStatus(c)) } : {}),
      containerStatuses: this.containers.map((c) => this.containerStatus(c)),
      ...(this.reason === undefined ? {} : { reason: this.reason }),
      ...(this.message === undefined ? {} : { message: this.message }),
    };
    this.deps.api.writePodStatus(this.namespace, this.name, this.uid, status);
  }

  get isRunning(): boolean {
    return [...this.inits, ...this.containers].some((c) => c.process !== undefined);
  }

  /** Asynchronous: a pod directory can hold a whole checkout, and the kubelet shares a process with the API server. */
  removeDir(): Promise<void> {
    return rm(this.deps.podDir, { recursive: true, force: true });
  }
}

function signal(child: ChildProcess, sig: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, sig);
  } catch {
    try {
      child.kill(sig);
    } catch {
      // already gone: nothing left to signal
    }
  }
}
