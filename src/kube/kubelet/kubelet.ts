// The kubelet simulation: one node (`kube-fake-node`) that schedules every pod onto itself (the
// scheduler's work, reduced to one node) and runs it with PodRun, as local processes in a per-pod
// directory under the root directory. It watches pods through the fake's store, finishes graceful
// deletions once the processes stopped, serves container logs, and lets tests inject what a cluster
// does to pods: eviction, OOM kills, a lost node, an unschedulable node.
import { mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import type { Logger } from '../../observability/logger.js';
import type { KubeApi } from '../fake/api.js';
import { isObject, type JsonObject } from '../fake/json.js';
import type { KubeletAttachment, PodLogOptions } from '../fake/server.js';
import { badRequest, KubeError } from '../fake/status.js';
import type { StoreEvent } from '../fake/store.js';
import type { ObjectLookup } from './env.js';
import type { ImageCommands } from './images.js';
import { PodRun } from './pod-run.js';

export interface KubeletOptions {
  /** Where pod directories go; default a temp dir removed on close. */
  rootDir?: string;
  /** Default `kube-fake-node`. */
  nodeName?: string;
  /** Start with the node cordoned: pods stay Pending, PodScheduled False (Unschedulable). */
  unschedulable?: boolean;
  /** Base of the container restart back-off (default 10 s as upstream's kubelet). */
  backoffMs?: number;
  /** Default commands of images, for containers without `command` (the pod utilities; images.ts). */
  imageCommands?: ImageCommands;
}

/** What tests and `prow kube-fake` can do to the simulated node. */
export interface KubeletSim {
  readonly nodeName: string;
  readonly rootDir: string;
  /** Node-pressure eviction: containers killed, phase Failed, reason Evicted (as plank sees a real one). */
  evict(namespace: string, name: string): Promise<void>;
  /** Kills one running container as the OOM killer does (exit 137, reason OOMKilled). */
  oomKill(namespace: string, name: string, container: string): Promise<void>;
  /**
   * The node stops answering: its pods get reason NodeLost and a deletionTimestamp (what upstream's
   * node lifecycle controller leaves for plank to see), their processes die; after `recoverAfterMs`
   * (default 1 s) the pod GC removes them and a replacement node is Ready. Resolves then.
   */
  loseNode(opts?: { recoverAfterMs?: number }): Promise<void>;
  /** Cordons (true) or uncordons the node; pending pods are scheduled when it becomes schedulable. */
  setUnschedulable(unschedulable: boolean): void;
  /** The directory of a pod on the node, if it is there. */
  podDir(namespace: string, name: string): string | undefined;
}

const rfc3339 = (d: Date): string => `${d.toISOString().slice(0, 19)}Z`;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const HOST_IP = '127.0.0.1';

export async function startKubelet(api: KubeApi, options: KubeletOptions, log: Logger): Promise<KubeletSim & KubeletAttachment> {
  const nodeName = options.nodeName ?? 'kube-fake-node';
  const ownRoot = options.rootDir === undefined;
  const rootDir = options.rootDir ?? mkdtempSync(join(tmpdir(), 'kube-fake-kubelet-'));
  const pods = api.type('', 'pods');
  const runs = new Map<string, PodRun>();
  const lost = new Set<string>();
  const imageLogged = new Set<string>();
  let unschedulable = options.unschedulable ?? false;
  let nodeReady = true;
  let closed = false;
  const klog = log.child({ component: 'kubelet', node: nodeName });

  const lookup: ObjectLookup = {
    secret: (ns, name) => api.store.get(api.type('', 'secrets'), ns, name),
    configMap: (ns, name) => api.store.get(api.type('', 'configmaps'), ns, name),
  };

  const nodes = api.type('', 'nodes');
  const nodeStatus = (ready: boolean): JsonObject => ({
    conditions: [{
      type: 'Ready', status: ready ? 'True' : 'Unknown', reason: ready ? 'KubeletReady' : 'NodeStatusUnknown',
      message: ready ? 'kubelet is posting ready status' : 'Kubelet stopped posting node status.',
      lastHeartbeatTime: rfc3339(new Date()), lastTransitionTime: rfc3339(new Date()),
    }],
    addresses: [{ type: 'InternalIP', address: HOST_IP }, { type: 'Hostname', address: nodeName }],
    capacity: { cpu: '8', memory: '16Gi', pods: '110' },
    allocatable: { cpu: '8', memory: '16Gi', pods: '110' },
    nodeInfo: {
      architecture: process.arch, operatingSystem: process.platform, kubeletVersion: 'v1.32.0-kube-fake', kubeProxyVersion: '',
      containerRuntimeVersion: 'kube-fake://host-processes', kernelVersion: '', osImage: 'host', machineID: '', systemUUID: '', bootID: '',
    },
  });
  const writeNode = (ready: boolean): void => {
    const current = api.store.get(nodes, '', nodeName);
    if (current === undefined) return;
    current.status = nodeStatus(ready);
    (current.spec as JsonObject | undefined ?? (current.spec = {})).unschedulable = unschedulable || undefined;
    if (!unschedulable) delete (current.spec as JsonObject).unschedulable;
    api.store.put(nodes, current, 'MODIFIED');
  };
  try {
    await api.create(nodes, 'v1', '', {
      apiVersion: 'v1', kind: 'Node',
      metadata: { name: nodeName, labels: { 'kubernetes.io/hostname': nodeName, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': process.arch } },
      spec: {}, status: nodeStatus(true),
    });
  } catch (err) {
    if (!(err instanceof KubeError && err.code === 409)) throw err;
  }
  writeNode(true);

  const podDirOf = (pod: JsonObject): string => {
    const m = pod.metadata as JsonObject;
    return join(rootDir, str(m.namespace), `${str(m.name)}-${str(m.uid).slice(0, 8)}`);
  };

  function schedule(pod: JsonObject): void {
    const m = pod.metadata as JsonObject;
    const status = isObject(pod.status) ? pod.status : {};
    const now = rfc3339(new Date());
    if (unschedulable || !nodeReady) {
      const conds = Array.isArray(status.conditions) ? (status.conditions as JsonObject[]) : [];
      if (conds.some((c) => c.type === 'PodScheduled' && c.reason === 'Unschedulable')) return;
      const why = unschedulable ? "1 node(s) were unschedulable" : "1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }";
      api.writePodStatus(str(m.namespace), str(m.name), str(m.uid), {
        ...status, phase: 'Pending',
        conditions: [{ type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: now, reason: 'Unschedulable', message: `0/1 nodes are available: ${why}. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.` }],
      });
      return;
    }
    api.bindPod(str(m.namespace), str(m.name), str(m.uid), nodeName, {
      ...status, phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now }],
    });
  }

  function start(pod: JsonObject): void {
    const m = pod.metadata as JsonObject;
    const uid = str(m.uid);
    const phase = isObject(pod.status) ? pod.status.phase : undefined;
    if (runs.has(uid) || lost.has(uid) || phase === 'Succeeded' || phase === 'Failed') return;
    if (!imageLogged.has(uid)) {
      imageLogged.add(uid);
      const images = [...new Set([...(Array.isArray((pod.spec as JsonObject).initContainers) ? ((pod.spec as JsonObject).initContainers as JsonObject[]) : []), ...((pod.spec as JsonObject).containers as JsonObject[])].map((c) => str(c.image)))];
      for (const image of images) klog.info({ pod: `${str(m.namespace)}/${str(m.name)}`, image }, `image ${image} ignored: kube-fake runs commands on the host`);
    }
    const run = new PodRun(pod, {
      api, log: klog, lookup, podDir: podDirOf(pod), nodeName, hostIP: HOST_IP,
      backoffMs: options.backoffMs ?? 10_000, now: () => new Date(),
      ...(options.imageCommands === undefined ? {} : { imageCommands: options.imageCommands }),
    });
    runs.set(uid, run);
    void run.run();
  }

  function handle(e: StoreEvent): void {
    if (closed || e.typeKey !== '/pods') return;
    const pod = e.object;
    const m = pod.metadata as JsonObject;
    const uid = str(m.uid);
    const spec = isObject(pod.spec) ? pod.spec : {};
    if (e.type === 'DELETED') {
      const run = runs.get(uid);
      runs.delete(uid);
      lost.delete(uid);
      imageLogged.delete(uid);
      if (run !== undefined) {
        void run.stop('deleted', 0).then(() => run.removeDir()).catch((err: unknown) => klog.error({ err, pod: `${e.namespace}/${str(m.name)}` }, 'kubelet failed to clean up a deleted pod'));
      }
      return;
    }
    const node = str(spec.nodeName);
    if (m.deletionTimestamp !== undefined) {
      if (node !== nodeName || lost.has(uid)) return;
      const run = runs.get(uid);
      const grace = Number(m.deletionGracePeriodSeconds ?? 0);
      const done = run === undefined ? Promise.resolve() : run.stop('deleted', grace);
      void done.then(() => {
        const current = api.store.get(pods, str(m.namespace), str(m.name));
        if (current !== undefined && (current.metadata as JsonObject).uid === uid) api.finishPodDeletion(str(m.namespace), str(m.name));
      }).catch((err: unknown) => klog.error({ err, pod: `${str(m.namespace)}/${str(m.name)}` }, 'kubelet failed to finish a pod deletion'));
      return;
    }
    if (node === '') schedule(pod);
    else if (node === nodeName) start(pod);
  }

  const unsubscribe = api.store.subscribe((e) => {
    // Later, never inside the write that emitted the event: watchers must see events in order.
    if (e.typeKey !== '/pods') return;
    queueMicrotask(() => {
      try {
        handle(e);
      } catch (err) {
        klog.error({ err, pod: `${e.namespace}/${str((e.object.metadata as JsonObject).name)}` }, 'kubelet failed to handle a pod change');
      }
    });
  });
  for (const pod of api.store.list(pods)) handle({ rv: 0, type: 'ADDED', typeKey: '/pods', namespace: str((pod.metadata as JsonObject).namespace), object: pod });

  const findRun = (namespace: string, name: string): PodRun | undefined => {
    const pod = api.store.get(pods, namespace, name);
    return pod === undefined ? undefined : runs.get(str((pod.metadata as JsonObject).uid));
  };

  return {
    nodeName,
    rootDir,
    handlesNode: (name) => name === nodeName && nodeReady,
    async serveLog(pod: JsonObject, container: string, opts: PodLogOptions, res: ServerResponse) {
      const m = pod.metadata as JsonObject;
      const c = runs.get(str(m.uid))?.container(container);
      const log = (c as { log?: { serve(o: PodLogOptions, r: ServerResponse): Promise<void> } } | undefined)?.log;
      if (log === undefined) {
        const init = Array.isArray((pod.spec as JsonObject).initContainers) && ((pod.spec as JsonObject).initContainers as unknown[]).length > 0;
        throw badRequest(`container "${container}" in pod "${str(m.name)}" is waiting to start: ${init ? 'PodInitializing' : 'ContainerCreating'}`);
      }
      await log.serve(opts, res);
    },
    async evict(namespace, name) {
      const run = findRun(namespace, name);
      if (run === undefined) throw new Error(`kubelet: no pod ${namespace}/${name} runs on ${nodeName}`);
      await run.stop('evicted', 0);
    },
    async oomKill(namespace, name, container) {
      const run = findRun(namespace, name);
      if (run === undefined || !run.oomKill(container)) throw new Error(`kubelet: container ${container} of pod ${namespace}/${name} is not running on ${nodeName}`);
      await new Promise((r) => setTimeout(r, 0));
    },
    async loseNode({ recoverAfterMs = 1000 } = {}) {
      nodeReady = false;
      writeNode(false);
      const victims = api.store.list(pods).filter((p) => str((p.spec as JsonObject).nodeName) === nodeName);
      for (const pod of victims) {
        const m = pod.metadata as JsonObject;
        const uid = str(m.uid);
        lost.add(uid);
        const run = runs.get(uid);
        runs.delete(uid);
        if (run !== undefined) await run.stop('node-lost', 0);
        const status = isObject(pod.status) ? pod.status : {};
        const conditions = (Array.isArray(status.conditions) ? (status.conditions as JsonObject[]) : [])
          .map((c) => (c.type === 'Ready' ? { ...c, status: 'False', reason: 'NodeLost', lastTransitionTime: rfc3339(new Date()) } : c));
        api.writePodStatus(str(m.namespace), str(m.name), uid, {
          ...status, conditions, reason: 'NodeLost', message: `Node ${nodeName} which was running pod ${str(m.name)} is unresponsive`,
        });
        try {
          await api.delete(pods, 'v1', str(m.namespace), str(m.name), { gracePeriodSeconds: 30 });
        } catch (err) {
          if (!(err instanceof KubeError && err.code === 404)) throw err;
        }
      }
      await new Promise((r) => setTimeout(r, recoverAfterMs));
      for (const pod of victims) {
        const m = pod.metadata as JsonObject;
        const current = api.store.get(pods, str(m.namespace), str(m.name));
        if (current !== undefined && (current.metadata as JsonObject).uid === m.uid) {
          await api.delete(pods, 'v1', str(m.namespace), str(m.name), { gracePeriodSeconds: 0 });
        }
        await rm(podDirOf(pod), { recursive: true, force: true });
      }
      nodeReady = true;
      writeNode(true);
      for (const pod of api.store.list(pods)) if (str((pod.spec as JsonObject).nodeName) === '') schedule(pod);
    },
    setUnschedulable(value) {
      unschedulable = value;
      writeNode(nodeReady);
      if (!value) for (const pod of api.store.list(pods)) if (str((pod.spec as JsonObject).nodeName) === '' && (pod.metadata as JsonObject).deletionTimestamp === undefined) schedule(pod);
    },
    podDir(namespace, name) {
      const pod = api.store.get(pods, namespace, name);
      return pod === undefined || !runs.has(str((pod.metadata as JsonObject).uid)) ? undefined : podDirOf(pod);
    },
    async close() {
      closed = true;
      unsubscribe();
      await Promise.all([...runs.values()].map((r) => r.stop('deleted', 0)));
      runs.clear();
      if (ownRoot) rmSync(rootDir, { recursive: true, force: true });
    },
  };
}

