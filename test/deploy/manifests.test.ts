// deploy/ as an operator applies it (`kubectl kustomize deploy/`): every object valid for Kubernetes, RBAC
// as narrow as what each component calls, probes on the ports the components serve them, every file a flag
// names mounted from the object that holds it, and no secret value anywhere.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { LEASE_NAMES } from '../../src/cli/support/store-leader.js';
import { checkConfig } from '../../src/config/check.js';
import { startKubeApiFake, type KubeApiFake } from '../../src/kube/fake/server.js';
import { ResourceRegistry } from '../../src/kube/fake/resources.js';
import { builtinPluginNames, builtinPluginSections } from '../../src/plugins/registry.js';
import { deploymentsOf, flagValue, kustomize, objectName, type Deployment, type Manifest, type PolicyRule, type Volume } from './support/manifests.js';

const COMPONENTS = ['hook', 'prow-controller-manager', 'crier', 'sinker', 'horologium', 'tide', 'deck'];

/** What each component's ServiceAccount may do, one `namespace group/resource[names] verb` a line. */
const EXPECTED_PERMISSIONS: Record<string, string[]> = {
  hook: ['prow prow.k8s.io/prowjobs create', 'prow prow.k8s.io/prowjobs get', 'prow prow.k8s.io/prowjobs list', 'prow prow.k8s.io/prowjobs update'],
  'prow-controller-manager': [
    ...['get', 'list', 'watch', 'update'].map((v) => `prow prow.k8s.io/prowjobs ${v}`),
    ...leaseLines(LEASE_NAMES.controller),
    ...['create', 'delete', 'get', 'list', 'watch'].map((v) => `test-pods core/pods ${v}`),
  ],
  crier: [...['get', 'list', 'watch', 'update'].map((v) => `prow prow.k8s.io/prowjobs ${v}`), ...leaseLines(LEASE_NAMES.crier)],
  sinker: [
    ...['get', 'list', 'watch', 'delete'].map((v) => `prow prow.k8s.io/prowjobs ${v}`),
    ...leaseLines(LEASE_NAMES.sinker),
    ...['get', 'list', 'watch', 'delete'].map((v) => `test-pods core/pods ${v}`),
  ],
  horologium: [...['create', 'list', 'watch'].map((v) => `prow prow.k8s.io/prowjobs ${v}`), ...leaseLines(LEASE_NAMES.horologium)],
  tide: [...['create', 'get', 'list', 'watch'].map((v) => `prow prow.k8s.io/prowjobs ${v}`), ...leaseLines(LEASE_NAMES.tide)],
  deck: [
    ...['get', 'list', 'watch'].map((v) => `prow prow.k8s.io/prowjobs ${v}`),
    ...['get', 'list', 'watch'].map((v) => `test-pods core/pods ${v}`),
    'test-pods core/pods/log get',
  ],
};

function leaseLines(lease: string): string[] {
  return [`prow coordination.k8s.io/leases[${lease}] get`, `prow coordination.k8s.io/leases[${lease}] update`, 'prow coordination.k8s.io/leases create'];
}

function ruleLines(namespace: string, rules: readonly PolicyRule[]): string[] {
  const out: string[] = [];
  for (const r of rules) {
    for (const group of r.apiGroups ?? []) {
      for (const resource of r.resources ?? []) {
        const names = r.resourceNames && r.resourceNames.length > 0 ? `[${r.resourceNames.join(',')}]` : '';
        for (const verb of r.verbs) out.push(`${namespace} ${group === '' ? 'core' : group}/${resource}${names} ${verb}`);
      }
    }
  }
  return out;
}

const find = (objects: readonly Manifest[], kind: string, name: string, namespace?: string): Manifest | undefined =>
  objects.find((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace));

describe('deploy/ manifests', () => {
  let objects: Manifest[];
  let deployments: Deployment[];

  before(async () => {
    objects = await kustomize();
    deployments = deploymentsOf(objects);
  });

  it('has the namespaces, the CRD, the seed\'s secrets, the config maps, hook\'s claim, services, the ingress and a Deployment per component', () => {
    const names = objects.map(objectName).sort();
    for (const want of [
      'Namespace prow', 'Namespace test-pods', 'CustomResourceDefinition prowjobs.prow.k8s.io',
      'Secret prow/hmac-token', 'Secret prow/oauth-token', 'ConfigMap prow/config', 'ConfigMap prow/plugins',
      'PersistentVolumeClaim prow/hook-data', 'Service prow/hook', 'Service prow/deck', 'Service prow/tide', 'Ingress prow/prow',
      ...COMPONENTS.map((c) => `Deployment prow/${c}`), ...COMPONENTS.map((c) => `ServiceAccount prow/${c}`),
    ]) assert.ok(names.includes(want), `${want} missing from kubectl kustomize deploy/: ${names.join(', ')}`);
    assert.deepEqual(deployments.map((d) => d.metadata.name).sort(), [...COMPONENTS].sort());
  });

  it('every object validates against Kubernetes\' schemas: the API fake accepts each with dryRun=All and strict field validation, and stores none', async (t) => {
    const fake: KubeApiFake = await startKubeApiFake();
    t.after(() => fake.close());
    const registry = new ResourceRegistry();
    const post = async (o: Manifest, dryRun: boolean): Promise<{ status: number; body: { message?: string } }> => {
      const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') as [string, string] : ['', o.apiVersion];
      const type = registry.byKind(group, o.kind);
      assert.ok(type, `${objectName(o)}: the API fake serves no ${o.apiVersion} ${o.kind}`);
      const base = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
      const path = type.namespaced ? `${base}/namespaces/${o.metadata.namespace ?? 'default'}/${type.plural}` : `${base}/${type.plural}`;
      const res = await fetch(`${fake.url}${path}?fieldValidation=Strict${dryRun ? '&dryRun=All' : ''}`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(o),
      });
      return { status: res.status, body: (await res.json()) as { message?: string } };
    };
    // Objects in a namespace need the namespace, as on a real server: those two are created for real.
    for (const ns of objects.filter((o) => o.kind === 'Namespace')) assert.equal((await post(ns, false)).status, 201);
    for (const o of objects) {
      const { status, body } = await post(o, true);
      assert.ok(status === 201 || (o.kind === 'Namespace' && status === 409), `${objectName(o)}: HTTP ${status}: ${body.message}`);
    }
    // The same path refuses what a real server refuses: a misspelt field, a value outside an enum.
    const hook = structuredClone(deployments.find((d) => d.metadata.name === 'hook')!);
    (hook.spec.template.spec.containers[0] as unknown as Record<string, unknown>).imagePullPolicy = 'Allways';
    assert.equal((await post(hook, true)).status, 422);
    const typo = structuredClone(deployments.find((d) => d.metadata.name === 'deck')!);
    (typo.spec.template.spec as Record<string, unknown>).serviceAcountName = 'deck';
    const refused = await post(typo, true);
    assert.equal(refused.status, 400);
    assert.match(refused.body.message ?? '', /unknown field "spec\.template\.spec\.serviceAcountName"/);
    const stored = (await (await fetch(`${fake.url}/apis/apps/v1/namespaces/prow/deployments`)).json()) as { items: unknown[] };
    assert.equal(stored.items.length, 0);
  });

  it('the Secrets carry no values: the operator creates them (docs/deploy.md)', () => {
    const secrets = objects.filter((o) => o.kind === 'Secret');
    assert.deepEqual(secrets.map((s) => s.metadata.name).sort(), ['hmac-token', 'oauth-token']);
    for (const s of secrets) {
      assert.equal(s.data, undefined, `${objectName(s)} has data`);
      assert.equal(s.stringData, undefined, `${objectName(s)} has stringData`);
    }
  });

  it('RBAC: one ServiceAccount per component, bound to namespaced Roles that allow exactly what the component calls', () => {
    assert.deepEqual(objects.filter((o) => o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding').map(objectName), []);
    for (const d of deployments) {
      const sa = d.spec.template.spec.serviceAccountName;
      assert.equal(sa, d.metadata.name, `${objectName(d)} runs as its own ServiceAccount`);
      assert.ok(find(objects, 'ServiceAccount', sa, 'prow'), `ServiceAccount prow/${sa}`);
      const granted: string[] = [];
      for (const b of objects.filter((o) => o.kind === 'RoleBinding')) {
        const subjects = b.subjects as { kind: string; name: string; namespace?: string }[];
        if (!subjects.some((s) => s.kind === 'ServiceAccount' && s.name === sa && (s.namespace ?? b.metadata.namespace) === 'prow')) continue;
        const ref = b.roleRef as { kind: string; name: string };
        assert.equal(ref.kind, 'Role', `${objectName(b)} binds a Role`);
        const role = find(objects, 'Role', ref.name, b.metadata.namespace);
        assert.ok(role, `${objectName(b)}: Role ${b.metadata.namespace}/${ref.name} is missing`);
        granted.push(...ruleLines(b.metadata.namespace!, role.rules as PolicyRule[]));
      }
      assert.deepEqual(granted.sort(), [...EXPECTED_PERMISSIONS[d.metadata.name]!].sort(), `permissions of ${sa}`);
    }
    for (const r of objects.filter((o) => o.kind === 'Role')) {
      for (const rule of r.rules as PolicyRule[]) {
        for (const field of [rule.apiGroups, rule.resources, rule.verbs]) assert.ok(!(field ?? []).includes('*'), `${objectName(r)} uses a wildcard`);
        assert.ok(!(rule.resources ?? []).includes('secrets'), `${objectName(r)} reads secrets`);
      }
    }
  });

  it('probes ask for /healthz and /healthz/ready on the port the component serves them on', () => {
    for (const d of deployments) {
      const c = d.spec.template.spec.containers[0]!;
      const portOf = (p: string | number): number => (typeof p === 'number' ? p : c.ports?.find((x) => x.name === p)?.containerPort ?? Number.NaN);
      // deck serves /healthz on its web port and has no readiness endpoint (docs/deploy.md).
      const [ready, flag] = d.metadata.name === 'deck' ? ['/healthz', '--port'] : ['/healthz/ready', '--health-port'];
      const served = Number(flagValue(c.args ?? [], flag));
      assert.equal(c.livenessProbe?.httpGet?.path, '/healthz', `${objectName(d)} liveness`);
      assert.equal(c.readinessProbe?.httpGet?.path, ready, `${objectName(d)} readiness`);
      assert.equal(portOf(c.livenessProbe!.httpGet!.port), served, `${objectName(d)}: liveness port is ${flag}`);
      assert.equal(portOf(c.readinessProbe!.httpGet!.port), served, `${objectName(d)}: readiness port is ${flag}`);
    }
  });

  it('every file a flag names is mounted from the ConfigMap key, Secret key or volume that holds it', () => {
    for (const d of deployments) {
      const pod = d.spec.template.spec;
      const c = pod.containers[0]!;
      const fileFlags = (c.args ?? []).filter((a) => /^--[a-z-]+=\//.test(a));
      assert.ok(fileFlags.some((a) => a.startsWith('--config-path=')), `${objectName(d)} reads config.yaml`);
      for (const arg of fileFlags) {
        const path = arg.slice(arg.indexOf('=') + 1);
        const mount = (c.volumeMounts ?? []).filter((m) => path === m.mountPath || path.startsWith(`${m.mountPath}/`)).sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
        assert.ok(mount, `${objectName(d)}: ${arg}: no volume is mounted there`);
        const volume: Volume | undefined = pod.volumes?.find((v) => v.name === mount.name);
        assert.ok(volume, `${objectName(d)}: volume ${mount.name} is not declared`);
        const file = path.slice(mount.mountPath.length + 1);
        if (volume.configMap) {
          const cm = find(objects, 'ConfigMap', volume.configMap.name, 'prow');
          assert.ok(cm, `${objectName(d)}: ConfigMap ${volume.configMap.name} is not in deploy/`);
          assert.ok(file in (cm.data as Record<string, string>), `${objectName(d)}: ${arg}: ConfigMap ${volume.configMap.name} has no key ${file}`);
        } else if (volume.secret) {
          // Named items: a missing key stops the pod with "couldn't find key" instead of a missing file later.
          assert.deepEqual(volume.secret.items?.map((i) => i.path), [file], `${objectName(d)}: ${arg}: Secret ${volume.secret.secretName} items`);
          assert.ok(find(objects, 'Secret', volume.secret.secretName, 'prow'), `Secret ${volume.secret.secretName}`);
        } else {
          assert.equal(file, '', `${objectName(d)}: ${arg} names a file inside a writable volume`);
        }
      }
    }
  });

  it('traffic reaches the components: selectors match pod labels, Services target named container ports, the Ingress sends /hook to hook and the rest to deck', () => {
    type ServiceSpec = { selector: Record<string, string>; ports: { port: number; targetPort: string | number }[] };
    const podsOf = (selector: Record<string, string>): Deployment[] => deployments.filter((d) => {
      const labels = d.spec.template.metadata?.labels ?? {};
      return Object.entries(selector).every(([k, v]) => labels[k] === v);
    });
    for (const d of deployments) {
      const selector = d.spec.selector.matchLabels;
      assert.deepEqual(podsOf(selector).map((x) => x.metadata.name), [d.metadata.name], `${objectName(d)}: its selector matches its own pods only`);
    }
    const services = objects.filter((o) => o.kind === 'Service');
    for (const s of services) {
      const spec = s.spec as ServiceSpec;
      const [target] = podsOf(spec.selector);
      assert.ok(target, `${objectName(s)} selects no Deployment's pods`);
      const c = target.spec.template.spec.containers[0]!;
      for (const p of spec.ports) {
        const port = typeof p.targetPort === 'number' ? p.targetPort : c.ports?.find((x) => x.name === p.targetPort)?.containerPort;
        assert.ok(port !== undefined && c.ports?.some((x) => x.containerPort === port), `${objectName(s)} port ${p.port} → ${p.targetPort}: not a port of ${objectName(target)}`);
        const served = ['--port', '--health-port', '--metrics-port'].map((f) => Number(flagValue(c.args ?? [], f)));
        assert.ok(served.includes(port), `${objectName(s)}: ${objectName(target)} serves nothing on ${port}`);
      }
    }
    const ingress = find(objects, 'Ingress', 'prow', 'prow')!;
    type Backend = { service: { name: string; port: { number: number } } };
    const rules = (ingress.spec as { rules: { http: { paths: { path: string; backend: Backend }[] } }[] }).rules;
    const routes = Object.fromEntries(rules[0]!.http.paths.map((p) => [p.path, p.backend.service]));
    assert.deepEqual(Object.keys(routes).sort(), ['/', '/hook']);
    for (const [path, backend] of Object.entries(routes)) {
      const svc = find(objects, 'Service', backend.name, 'prow');
      assert.ok(svc && (svc.spec as ServiceSpec).ports.some((p) => p.port === backend.port.number), `Ingress ${path} → ${backend.name}:${backend.port.number}: no such Service port`);
    }
    assert.equal(routes['/hook']!.name, 'hook');
    assert.equal(routes['/']!.name, 'deck');
    const hookArgs = deployments.find((d) => d.metadata.name === 'hook')!.spec.template.spec.containers[0]!.args ?? [];
    assert.equal(flagValue(hookArgs, '--webhook-path') ?? '/hook', '/hook', "the Ingress path is hook's webhook path");
  });

  it('hook keeps its delivery queue on the claim: one replica, recreated rather than rolled', () => {
    const hook = deployments.find((d) => d.metadata.name === 'hook')!;
    const pod = hook.spec.template.spec;
    assert.equal(hook.spec.replicas, 1);
    assert.equal(hook.spec.strategy?.type, 'Recreate');
    const dataDir = flagValue(pod.containers[0]!.args ?? [], '--data-dir');
    const mount = pod.containers[0]!.volumeMounts!.find((m) => m.mountPath === dataDir);
    assert.ok(mount, `--data-dir ${dataDir} is a mount`);
    assert.equal(pod.volumes!.find((v) => v.name === mount.name)!.persistentVolumeClaim?.claimName, 'hook-data');
  });

  it('every component keeps ProwJobs in the CRD, runs its subcommand of the one image as a non-root user', () => {
    const images = new Set<string>();
    for (const d of deployments) {
      const pod = d.spec.template.spec;
      const c = pod.containers[0]!;
      assert.equal(pod.containers.length, 1);
      assert.equal(c.command, undefined, `${objectName(d)}: the image's entrypoint (prow) runs`);
      assert.equal(flagValue(c.args ?? [], '--store'), 'kubernetes', `${objectName(d)} --store`);
      assert.equal(pod.securityContext?.runAsNonRoot, true);
      assert.notEqual(pod.securityContext?.runAsUser, 0);
      images.add(c.image);
    }
    assert.equal(images.size, 1, `one image: ${[...images].join(', ')}`);
  });

  it('config.yaml and plugins.yaml in the ConfigMaps pass checkconfig --strict, with the namespaces deploy/ creates and utility images that are the components\' image', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'deploy-config-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const configText = (find(objects, 'ConfigMap', 'config', 'prow')!.data as Record<string, string>)['config.yaml']!;
    const pluginsText = (find(objects, 'ConfigMap', 'plugins', 'prow')!.data as Record<string, string>)['plugins.yaml']!;
    writeFileSync(join(dir, 'config.yaml'), configText);
    writeFileSync(join(dir, 'plugins.yaml'), pluginsText);
    const result = checkConfig({
      configPath: join(dir, 'config.yaml'), pluginConfigPath: join(dir, 'plugins.yaml'),
      pluginSections: builtinPluginSections(), implementedPlugins: builtinPluginNames(), strict: true,
    });
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.warnings, []);
    const config = parse(configText) as {
      prowjob_namespace: string; pod_namespace: string;
      plank: { default_decoration_config_entries: { config: { utility_images: Record<string, string> } }[] };
    };
    const namespaces = objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name);
    assert.ok(namespaces.includes(config.prowjob_namespace) && namespaces.includes(config.pod_namespace));
    const image = deployments[0]!.spec.template.spec.containers[0]!.image;
    for (const entry of config.plank.default_decoration_config_entries) {
      assert.deepEqual(entry.config.utility_images, { clonerefs: image, initupload: image, entrypoint: image, sidecar: image });
    }
  });

});
