import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { commandArgs, spawnCli, type CliProcess } from '../support/spawn-cli.js';

const run = promisify(execFile);

describe('prow kube-fake', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kube-fake-cli-'));
  const children: CliProcess[] = [];
  after(() => {
    for (const c of children) c.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  const kubectl = async (kubeconfig: string, ...args: string[]): Promise<string> =>
    (await run('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args], { timeout: 30_000 })).stdout;

  it('prints its URL, writes a kubeconfig kubectl uses, runs pods on its node, stops on SIGTERM', async () => {
    const kubeconfig = join(dir, 'kubeconfig');
    const root = join(dir, 'pods');
    const cli = spawnCli(process.execPath, commandArgs('kube-fake', '--port', '0', '--kubeconfig-out', kubeconfig, '--namespace', 'default', '--root-dir', root, '--log-format', 'json'), { name: 'prow kube-fake' });
    children.push(cli);
    const [, url] = await cli.waitFor(/^(http:\/\/127\.0\.0\.1:\d+)$/m, 'the URL line', 60_000);
    const config = parse(readFileSync(kubeconfig, 'utf8')) as { clusters: { cluster: { server: string } }[]; contexts: { context: { namespace: string } }[] };
    assert.equal(config.clusters[0]!.cluster.server, url);
    assert.equal(config.contexts[0]!.context.namespace, 'default');
    assert.match(await kubectl(kubeconfig, 'get', 'nodes'), /kube-fake-node\s+Ready/);
    await run('sh', ['-c', `kubectl --kubeconfig ${kubeconfig} --cache-dir ${join(dir, 'cache')} run hi --image=busybox --restart=Never --dry-run=client -o yaml --command -- sh -c 'echo hi there' | kubectl --kubeconfig ${kubeconfig} --cache-dir ${join(dir, 'cache')} create -f -`]);
    await kubectl(kubeconfig, 'wait', '--for=jsonpath={.status.phase}=Succeeded', 'pod/hi', '--timeout=30s');
    assert.equal(await kubectl(kubeconfig, 'logs', 'hi'), 'hi there\n');
    assert.ok(existsSync(join(root, 'default')), 'pod directories live under --root-dir');
    assert.equal(await cli.stop('SIGTERM'), 0);
  });

  it('--no-kubelet stores pods without running them', async () => {
    const kubeconfig = join(dir, 'kubeconfig-nokubelet');
    const cli = spawnCli(process.execPath, commandArgs('kube-fake', '--port', '0', '--kubeconfig-out', kubeconfig, '--no-kubelet', '--log-format', 'json'), { name: 'prow kube-fake --no-kubelet' });
    children.push(cli);
    await cli.waitFor(/^http:\/\/127\.0\.0\.1:\d+$/m, 'the URL line', 60_000);
    assert.equal((await kubectl(kubeconfig, 'get', 'nodes', '-o', 'name')).trim(), '');
    await run('sh', ['-c', `kubectl --kubeconfig ${kubeconfig} --cache-dir ${join(dir, 'cache')} run idle --image=busybox --restart=Never --dry-run=client -o yaml --command -- true | kubectl --kubeconfig ${kubeconfig} --cache-dir ${join(dir, 'cache')} create -f -`]);
    assert.equal((await kubectl(kubeconfig, 'get', 'pod', 'idle', '-o', 'jsonpath={.status.phase}')), 'Pending');
    assert.equal(await cli.stop('SIGTERM'), 0);
  });
});
