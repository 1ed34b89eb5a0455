// Volumes as directories of the pod directory, and how a container sees them. A host process cannot
// have its own mount namespace, so a container's volumeMounts become a path map: each absolute
// mountPath (and the terminationMessagePath) stands for a directory under the pod directory, and the
// kubelet rewrites those paths where the container names them — command, args, env values, workingDir
// — before it starts the process (docs/kube-fake.md). The map is also given to the process as
// KUBE_FAKE_MOUNTS (JSON) for programs that build paths themselves.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isObject, type JsonObject } from '../fake/json.js';
import { ConfigError, fieldPathValue, resourceFieldValue, type ObjectLookup } from './env.js';

export interface Mount {
  mountPath: string;
  hostPath: string;
  readOnly: boolean;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function writeItems(dir: string, entries: Record<string, string | Buffer>, items: JsonObject[] | undefined, what: string): void {
  mkdirSync(dir, { recursive: true });
  const pick = items === undefined ? Object.keys(entries).map((k) => ({ key: k, path: k })) : items.map((i) => ({ key: str(i.key), path: str(i.path) }));
  for (const { key, path } of pick) {
    const value = entries[key];
    if (value === undefined) throw new ConfigError(`configmap references non-existent config key: ${key} (${what})`);
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), value);
  }
}

function secretEntries(s: JsonObject): Record<string, Buffer> {
  const data = isObject(s.data) ? s.data : {};
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(String(v), 'base64')]));
}

function configMapEntries(cm: JsonObject): Record<string, string | Buffer> {
  const data = isObject(cm.data) ? (cm.data as Record<string, string>) : {};
  const binary = isObject(cm.binaryData) ? cm.binaryData : {};
  return { ...data, ...Object.fromEntries(Object.entries(binary).map(([k, v]) => [k, Buffer.from(String(v), 'base64')])) };
}

function downwardEntries(pod: JsonObject, items: JsonObject[], containers: JsonObject[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    if (isObject(item.fieldRef)) out[str(item.path)] = fieldPathValue(pod, str(item.fieldRef.fieldPath));
    else if (isObject(item.resourceFieldRef)) {
      const wanted = str(item.resourceFieldRef.containerName);
      const c = containers.find((x) => x.name === wanted) ?? containers[0] ?? {};
      out[str(item.path)] = resourceFieldValue(c, item.resourceFieldRef);
    }
  }
  return out;
}

/**
 * Creates every volume of the pod under `<podDir>/volumes/<name>` (hostPath volumes are the host
 * path itself) and returns where each lives. A missing secret or config map that is not optional
 * throws ConfigError, as the kubelet's FailedMount keeps the pod in ContainerCreating.
 */
export function prepareVolumes(pod: JsonObject, podDir: string, lookup: ObjectLookup): Map<string, string> {
  const ns = str((pod.metadata as JsonObject).namespace);
  const spec = isObject(pod.spec) ? pod.spec : {};
  const containers = [...(Array.isArray(spec.initContainers) ? spec.initContainers : []), ...(Array.isArray(spec.containers) ? spec.containers : [])].filter(isObject);
  const out = new Map<string, string>();
  for (const v of Array.isArray(spec.volumes) ? (spec.volumes as JsonObject[]) : []) {
    const name = str(v.name);
    const dir = join(podDir, 'volumes', name);
    const fail = (why: string): never => { throw new ConfigError(`MountVolume.SetUp failed for volume "${name}" : ${why}`); };
    if (isObject(v.hostPath)) {
      const path = str(v.hostPath.path);
      if (v.hostPath.type === 'DirectoryOrCreate') mkdirSync(path, { recursive: true });
      out.set(name, path);
      continue;
    }
    if (isObject(v.secret)) {
      const s = lookup.secret(ns, str(v.secret.secretName));
      if (s === undefined) {
        if (v.secret.optional !== true) fail(`secret "${str(v.secret.secretName)}" not found`);
        mkdirSync(dir, { recursive: true });
      } else writeItems(dir, secretEntries(s), v.secret.items as JsonObject[] | undefined, name);
    } else if (isObject(v.configMap)) {
      const cm = lookup.configMap(ns, str(v.configMap.name));
      if (cm === undefined) {
        if (v.configMap.optional !== true) fail(`configmap "${str(v.configMap.name)}" not found`);
        mkdirSync(dir, { recursive: true });
      } else writeItems(dir, configMapEntries(cm), v.configMap.items as JsonObject[] | undefined, name);
    } else if (isObject(v.downwardAPI)) {
      writeItems(dir, downwardEntries(pod, (v.downwardAPI.items as JsonObject[] | undefined) ?? [], containers), undefined, name);
    } else if (isObject(v.projected)) {
      mkdirSync(dir, { recursive: true });
      for (const src of Array.isArray(v.projected.sources) ? (v.projected.sources as JsonObject[]) : []) {
        if (isObject(src.secret)) {
          const s = lookup.secret(ns, str(src.secret.name));
          if (s === undefined) { if (src.secret.optional !== true) fail(`secret "${str(src.secret.name)}" not found`); } else writeItems(dir, secretEntries(s), src.secret.items as JsonObject[] | undefined, name);
        } else if (isObject(src.configMap)) {
          const cm = lookup.configMap(ns, str(src.configMap.name));
          if (cm === undefined) { if (src.configMap.optional !== true) fail(`configmap "${str(src.configMap.name)}" not found`); } else writeItems(dir, configMapEntries(cm), src.configMap.items as JsonObject[] | undefined, name);
        } else if (isObject(src.downwardAPI)) {
          writeItems(dir, downwardEntries(pod, (src.downwardAPI.items as JsonObject[] | undefined) ?? [], containers), undefined, name);
        }
      }
    } else {
      // emptyDir, and kinds a single host cannot provide (persistentVolumeClaim, csi…) as plain directories
      mkdirSync(dir, { recursive: true });
    }
    out.set(name, dir);
  }
  return out;
}

/** The container's path map: its volumeMounts (with subPath) and its terminationMessagePath, longest first. */
export function containerMounts(container: JsonObject, volumes: Map<string, string>, containerDir: string): Mount[] {
  const mounts: Mount[] = [];
  for (const m of Array.isArray(container.volumeMounts) ? (container.volumeMounts as JsonObject[]) : []) {
    const base = volumes.get(str(m.name));
    if (base === undefined) throw new ConfigError(`unable to find volume "${str(m.name)}"`);
    const hostPath = m.subPath === undefined || m.subPath === '' ? base : join(base, str(m.subPath));
    if (m.subPath !== undefined && m.subPath !== '') mkdirSync(hostPath, { recursive: true });
    mounts.push({ mountPath: str(m.mountPath).replace(/\/+$/, ''), hostPath, readOnly: m.readOnly === true });
  }
  const tmp = str(container.terminationMessagePath);
  if (tmp !== '') {
    const file = join(containerDir, 'termination-log');
    writeFileSync(file, '');
    mounts.push({ mountPath: tmp, hostPath: file, readOnly: false });
  }
  return mounts.sort((a, b) => b.mountPath.length - a.mountPath.length);
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Replaces each mountPath where it starts a path in `s` (at the start or after a space, `=`, quote, `:` or
 * `,`). One pass over all mounts, longest first: a host path put in by one mount (under /tmp, say) is
 * never rewritten again by another mount (a container's /tmp).
 */
export function rewritePaths(s: string, mounts: Mount[]): string {
  const usable = mounts.filter((m) => m.mountPath !== '' && m.mountPath !== '/');
  if (usable.length === 0) return s;
  const byPath = new Map(usable.map((m) => [m.mountPath, m.hostPath]));
  const alternatives = [...byPath.keys()].sort((a, b) => b.length - a.length).map(escapeRe).join('|');
  const re = new RegExp(`(^|[\\s="':,;])(${alternatives})(?=$|[/\\s"':,;])`, 'g');
  return s.replace(re, (_all, lead: string, mountPath: string) => `${lead}${byPath.get(mountPath)!}`);
}

/** The container's stand-in root: its workingDir and any unmounted path it needs live under it. */
export function containerRoot(podDir: string, name: string): string {
  const dir = join(podDir, 'containers', name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Where a container's working directory is: a mounted path when it lies in a volume, else inside its stand-in root. */
export function workingDirFor(container: JsonObject, mounts: Mount[], root: string): string {
  const wd = str(container.workingDir);
  if (wd === '') return root;
  const mapped = rewritePaths(wd, mounts);
  const dir = mapped !== wd ? mapped : join(root, wd);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Links `<podDir>/mounts/<container>/<mountPath>` to each volume, so the layout a container sees can be browsed. */
export function linkMountView(podDir: string, container: string, mounts: Mount[]): void {
  for (const m of mounts) {
    const at = join(podDir, 'mounts', container, m.mountPath);
    mkdirSync(dirname(at), { recursive: true });
    try {
      symlinkSync(m.hostPath, at);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}
