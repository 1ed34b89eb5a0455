// `prow up --executor kubernetes` against `prow kube-fake`: a decorated periodic runs as a pod whose pod
// utilities are this prow, uploads to the data dir's artifacts (a file:// bucket), and deck serves its
// build log from there.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnProw, type CliProcess } from '../support/spawn-cli.js';
import { waitFor } from '../support/wait.js';

describe('prow up --executor kubernetes with decorated jobs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'up-decorated-'));
  const procs: CliProcess[] = [];
  after(async () => {
    for (const p of procs.reverse()) await p.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs a decorated periodic in kube-fake and deck shows its uploaded build log', { timeout: 300_000 }, async () => {
    const origin = join(dir, 'origin');
    mkdirSync(origin);
    const gitEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 'a', GIT_AUTHOR_EMAIL: 'a@x', GIT_COMMITTER_NAME: 'a', GIT_COMMITTER_EMAIL: 'a@x' };
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: origin, env: gitEnv });
    writeFileSync(join(origin, 'f'), 'from the repository\n');
    execFileSync('git', ['add', 'f'], { cwd: origin, env: gitEnv });
    execFileSync('git', ['commit', '-q', '-m', 'init'], { cwd: origin, env: gitEnv });
    const data = join(dir, 'data');
    writeFileSync(join(dir, 'config.yaml'), `prowjob_namespace: default
pod_namespace: default
plank:
  default_decoration_config_entries:
  - config:
      timeout: 1m
      grace_period: 5s
      utility_images: { clonerefs: gcr.io/k8s-prow/clonerefs:v1, initupload: gcr.io/k8s-prow/initupload:v1, entrypoint: gcr.io/k8s-prow/entrypoint:v1, sidecar: gcr.io/k8s-prow/sidecar:v1 }
      gcs_configuration: { bucket: "file://${data}/artifacts", path_strategy: explicit }
`);
    mkdirSync(join(dir, 'jobs'));
    writeFileSync(join(dir, 'jobs', 'jobs.yaml'), `periodics:
- name: ci-decorated
  interval: 1h
  decorate: true
  extra_refs:
  - { org: o, repo: r, base_ref: main, clone_uri: "file://${origin}" }
  spec:
    containers:
    - image: alpine
      command: [sh, -c, 'echo decorated in a pod; cat f']
`);
    const kf = spawnProw(['kube-fake', '--port', '0', '--kubeconfig-out', join(dir, 'kc.yaml')]);
    procs.push(kf);
    await kf.waitFor(/^http:\/\/127\.0\.0\.1:\d+$/m, 'the kube-fake URL', 60_000);
    const up = spawnProw([
      'up', '--data-dir', data, '--hook-port', '0', '--deck-port', '0', '--fake-github-port', '0', '--executor', 'kubernetes',
      '--kubeconfig', join(dir, 'kc.yaml'), '--config-path', join(dir, 'config.yaml'), '--job-config-path', join(dir, 'jobs'),
    ]);
    procs.push(up);
    const finished = join(data, 'artifacts', 'logs', 'ci-decorated', '1', 'finished.json');
    await up.waitUntil(() => existsSync(finished), 'finished.json in the data dir', 180_000);
    assert.equal((JSON.parse(readFileSync(finished, 'utf8')) as { passed: boolean }).passed, true);
    const deckUrl = (await up.waitFor(/deck[^\n]*?(http:\/\/127\.0\.0\.1:\d+)/, 'the deck URL', 60_000))[1]!;
    const log = await waitFor(async () => {
      const res = await fetch(`${deckUrl}/log?job=ci-decorated&id=1`);
      const text = await res.text();
      return res.ok && text.includes('decorated in a pod') ? text : undefined;
    }, { timeoutMs: 60_000, intervalMs: 200, message: 'deck serving the build log' });
    assert.equal(log, 'decorated in a pod\nfrom the repository\n');
  });
});
