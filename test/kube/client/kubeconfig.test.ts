import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterKubeConfig, loadClusterConfigs, KubeconfigError } from '../../../src/kube/client/kubeconfig.js';

function kubeconfig(current: string, contexts: Record<string, string>): string {
  const names = Object.keys(contexts);
  return [
    'apiVersion: v1',
    'kind: Config',
    `current-context: ${current}`,
    'clusters:',
    ...names.flatMap((n) => [`- name: ${n}-cluster`, '  cluster:', `    server: ${contexts[n]}`]),
    'users:',
    '- name: u',
    '  user:',
    '    token: t',
    'contexts:',
    ...names.flatMap((n) => [`- name: ${n}`, '  context:', `    cluster: ${n}-cluster`, '    user: u']),
    '',
  ].join('\n');
}

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'prow-kubeconfig-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const server = (kc: ReturnType<typeof clusterKubeConfig>): string | undefined => kc.getCurrentCluster()?.server;

describe('loadClusterConfigs', () => {
  it('makes one config per context, the current context is the default and `default` aliases it', () => {
    withDir((dir) => {
      const file = join(dir, 'config');
      writeFileSync(file, kubeconfig('infra', { infra: 'https://infra:6443', build1: 'https://b1:6443' }));
      const { clusters, defaultContext } = loadClusterConfigs({ kubeconfig: file, inCluster: false });
      assert.equal(defaultContext, 'infra');
      assert.deepEqual([...clusters.keys()].sort(), ['build1', 'default', 'infra']);
      assert.equal(server(clusterKubeConfig(clusters, 'build1')), 'https://b1:6443');
      assert.equal(server(clusterKubeConfig(clusters, 'default')), 'https://infra:6443');
      assert.equal(server(clusterKubeConfig(clusters, '')), 'https://infra:6443');
      assert.throws(() => clusterKubeConfig(clusters, 'nope'), /cluster "nope" has no kubeconfig context \(known: build1, default, infra\)/);
    });
  });

  it('keeps an explicit `default` context rather than aliasing it', () => {
    withDir((dir) => {
      const file = join(dir, 'config');
      writeFileSync(file, kubeconfig('infra', { infra: 'https://infra:6443', default: 'https://d:6443' }));
      const { clusters } = loadClusterConfigs({ kubeconfig: file, inCluster: false });
      assert.equal(server(clusterKubeConfig(clusters, 'default')), 'https://d:6443');
    });
  });

  it('merges every file of --kubeconfig-dir, honouring the suffix and skipping `..` entries and directories', () => {
    withDir((dir) => {
      const kdir = join(dir, 'kubeconfigs');
      mkdirSync(kdir);
      mkdirSync(join(kdir, 'sub'));
      writeFileSync(join(kdir, 'a.yaml'), kubeconfig('a', { a: 'https://a:1' }));
      writeFileSync(join(kdir, 'b.yaml'), kubeconfig('b', { b: 'https://b:1' }));
      writeFileSync(join(kdir, 'c.txt'), kubeconfig('c', { c: 'https://c:1' }));
      writeFileSync(join(kdir, '..data'), 'not yaml: [');
      const all = loadClusterConfigs({ kubeconfigDir: kdir, inCluster: false });
      assert.deepEqual([...all.clusters.keys()].sort(), ['c', 'a', 'b', 'default'].sort());
      const suffixed = loadClusterConfigs({ kubeconfigDir: kdir, kubeconfigSuffix: '.yaml', inCluster: false });
      assert.deepEqual([...suffixed.clusters.keys()].sort(), ['a', 'b', 'default']);
      assert.equal(suffixed.defaultContext, 'b'); // the last file's current-context, as upstream
    });
  });

  it('refuses a context that two files define', () => {
    withDir((dir) => {
      writeFileSync(join(dir, 'one'), kubeconfig('x', { x: 'https://x:1' }));
      writeFileSync(join(dir, 'two'), kubeconfig('x', { x: 'https://y:1' }));
      assert.throws(() => loadClusterConfigs({ kubeconfigDir: dir, inCluster: false }), /context "x" occurred more than once/);
    });
  });

  it('names the flag at fault', () => {
    withDir((dir) => {
      assert.throws(() => loadClusterConfigs({ kubeconfig: join(dir, 'missing') }), (err: unknown) =>
        err instanceof KubeconfigError && /--kubeconfig .*missing: no such file/.test(err.message));
      assert.throws(() => loadClusterConfigs({ kubeconfigSuffix: '.yaml', kubeconfig: '' }), /--kubeconfig-dir must be set if --kubeconfig-suffix is set/);
      const file = join(dir, 'f');
      writeFileSync(file, 'x');
      assert.throws(() => loadClusterConfigs({ kubeconfigDir: file }), /--kubeconfig-dir .*: must be a directory/);
    });
  });

  it('uses the service account in a pod when no kubeconfig is given', () => {
    const saved = { host: process.env['KUBERNETES_SERVICE_HOST'], port: process.env['KUBERNETES_SERVICE_PORT'] };
    process.env['KUBERNETES_SERVICE_HOST'] = '10.0.0.1';
    process.env['KUBERNETES_SERVICE_PORT'] = '443';
    try {
      const { clusters, defaultContext } = loadClusterConfigs({});
      assert.equal(defaultContext, '');
      assert.equal(server(clusterKubeConfig(clusters, 'default')), 'https://10.0.0.1:443');
    } finally {
      for (const [k, v] of [['KUBERNETES_SERVICE_HOST', saved.host], ['KUBERNETES_SERVICE_PORT', saved.port]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('says how to get access when there is none', () => {
    withDir((dir) => {
      const saved = process.env['KUBECONFIG'];
      process.env['KUBECONFIG'] = join(dir, 'absent');
      try {
        assert.throws(() => loadClusterConfigs({ inCluster: false }), /no prow cluster access: pass --kubeconfig/);
      } finally {
        if (saved === undefined) delete process.env['KUBECONFIG'];
        else process.env['KUBECONFIG'] = saved;
      }
    });
  });
});
