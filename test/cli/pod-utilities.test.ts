// The pod utility commands as a pod runs them: `prow clonerefs|initupload|entrypoint` with their options
// in the environment, and `prow` alone picking the utility from the variable present (our one image).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { marshalJobSpec } from '../../src/api/jobspec.js';
import type { Refs } from '../../src/api/prowjob.js';
import { podUtilityArgv } from '../../src/cli/main.js';
import { remoteWithToken } from '../../src/git/clonerefs.js';
import { defaultCommandOf, parseImageCommand } from '../../src/kube/kubelet/images.js';
import { PROW_BIN, spawnProw } from '../support/spawn-cli.js';
import { waitFor } from '../support/wait.js';

const gitEnv = {
  ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'a', GIT_AUTHOR_EMAIL: 'a@x', GIT_COMMITTER_NAME: 'a', GIT_COMMITTER_EMAIL: 'a@x',
};
const git = (dir: string, ...args: string[]): string => execFileSync('git', args, { cwd: dir, env: gitEnv, encoding: 'utf8' }).trim();
function commit(dir: string, file: string, content: string): string {
  writeFileSync(join(dir, file), content);
  git(dir, 'add', file);
  git(dir, 'commit', '-q', '-m', `change ${file}`);
  return git(dir, 'rev-parse', 'HEAD');
}

function prow(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [PROW_BIN, ...args], { env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/', ...env }, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('pod utility commands', () => {
  let dir: string;
  let origin: { dir: string; base: string; pr: string; conflict: string };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'podutil-cli-'));
    const o = join(dir, 'origin');
    mkdirSync(o);
    git(o, 'init', '-q', '-b', 'main');
    const base = commit(o, 'shared.txt', 'base\n');
    git(o, 'checkout', '-q', '-b', 'pr');
    const pr = commit(o, 'feature.txt', 'feature\n');
    git(o, 'checkout', '-q', '-b', 'conflict', base);
    const conflict = commit(o, 'shared.txt', 'conflicting\n');
    git(o, 'checkout', '-q', 'main');
    commit(o, 'shared.txt', 'main moved on\n');
    origin = { dir: o, base: git(o, 'rev-parse', 'HEAD'), pr, conflict };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const refsFor = (sha: string): Refs => ({ org: 'o', repo: 'r', base_ref: 'main', base_sha: origin.base, clone_uri: `file://${origin.dir}`, pulls: [{ number: 5, author: 'a', sha }], path_alias: 'example.com/r' });
  const jobSpec = (refs: Refs): string => marshalJobSpec({ type: 'presubmit', job: 'pull-r', buildid: '9', prowjobid: 'x', refs });

  it('clonerefs merges the PR onto its base at path_alias; initupload uploads started.json with the merged SHA', async () => {
    const work = join(dir, 'ok');
    const refs = refsFor(origin.pr);
    const options = JSON.stringify({ src_root: join(work, 'go'), log: join(work, 'clone.json'), git_user_name: 'bot', git_user_email: 'bot@x', refs: [refs] });
    mkdirSync(work);
    // `prow` with no subcommand: CLONEREFS_OPTIONS picks clonerefs.
    const cloned = await prow([], { CLONEREFS_OPTIONS: options });
    assert.equal(cloned.code, 0, cloned.stderr);
    const checkout = join(work, 'go', 'src', 'example.com', 'r');
    assert.equal(readFileSync(join(checkout, 'feature.txt'), 'utf8'), 'feature\n');
    assert.equal(readFileSync(join(checkout, 'shared.txt'), 'utf8'), 'main moved on\n');
    assert.equal(git(checkout, 'log', '-1', '--format=%an'), 'bot');
    const records = JSON.parse(readFileSync(join(work, 'clone.json'), 'utf8')) as { final_sha?: string; failed?: boolean }[];
    assert.equal(records.length, 2);
    assert.equal(git(checkout, 'rev-parse', 'HEAD'), records[1]!.final_sha);

    const bucket = join(work, 'bucket');
    const init = await prow(['initupload'], {
      JOB_SPEC: jobSpec(refs), INITUPLOAD_OPTIONS: JSON.stringify({ bucket: `file://${bucket}`, path_strategy: 'explicit', log: join(work, 'clone.json') }),
    });
    assert.equal(init.code, 0, init.stderr);
    const started = JSON.parse(readFileSync(join(bucket, 'pr-logs/pull/o_r/5/pull-r/9/started.json'), 'utf8')) as Record<string, string>;
    assert.equal(started['repo-commit'], records[1]!.final_sha);
  });

  it('a merge conflict: clonerefs records the failure and exits 0; initupload uploads, then exits 1', async () => {
    const work = join(dir, 'conflict');
    mkdirSync(work);
    const refs = refsFor(origin.conflict);
    const cloned = await prow(['clonerefs'], { CLONEREFS_OPTIONS: JSON.stringify({ src_root: join(work, 'go'), log: join(work, 'clone.json'), refs: [refs] }) });
    assert.equal(cloned.code, 0, cloned.stderr);
    const records = JSON.parse(readFileSync(join(work, 'clone.json'), 'utf8')) as { failed?: boolean; commands: { command: string; error?: string }[] }[];
    assert.equal(records[1]!.failed, true);
    assert.match(records[1]!.commands.at(-1)!.command, /git merge --no-ff/);

    const bucket = join(work, 'bucket');
    const init = await prow([], { JOB_SPEC: jobSpec(refs), INITUPLOAD_OPTIONS: JSON.stringify({ bucket: `file://${bucket}`, path_strategy: 'explicit', log: join(work, 'clone.json') }) });
    assert.equal(init.code, 1);
    assert.match(init.stderr, /cloning the appropriate refs failed/);
    const buildDir = join(bucket, 'pr-logs/pull/o_r/5/pull-r/9');
    assert.match(readFileSync(join(buildDir, 'build-log.txt'), 'utf8'), /# FAILED[\s\S]*CONFLICT/);
    assert.equal((JSON.parse(readFileSync(join(buildDir, 'finished.json'), 'utf8')) as { passed: boolean }).passed, false);
    assert.ok(existsSync(join(buildDir, 'started.json')));
  });

  it('initupload says which upload settings it cannot apply', async () => {
    const out = join(dir, 'warn-out');
    const run = await prow(['initupload'], {
      JOB_SPEC: marshalJobSpec({ type: 'periodic', job: 'ci-x', buildid: '1', prowjobid: 'x' }),
      INITUPLOAD_OPTIONS: JSON.stringify({ local_output_dir: out, compress_file_types: ['txt'], mediaTypes: { log: 'text/plain' } }),
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /compress_file_types is not applied/);
    assert.match(run.stderr, /mediaTypes is not applied/);
    assert.ok(existsSync(join(out, 'started.json')));
  });

  it('a bad s3_credentials_file or gcs_credentials_file: one line naming the field and the file, exit 1, no secret shown', async () => {
    const work = join(dir, 'bad-creds');
    mkdirSync(work);
    const spec = marshalJobSpec({ type: 'periodic', job: 'ci-x', buildid: '1', prowjobid: 'x' });
    const s3File = join(work, 's3.json');
    writeFileSync(s3File, '{"access_key": "AKIA-not-shown", "secret_key": "hunter2-not-shown"');
    const s3 = await prow(['initupload'], {
      JOB_SPEC: spec, INITUPLOAD_OPTIONS: JSON.stringify({ bucket: 's3://prow-logs', path_strategy: 'explicit', s3_credentials_file: s3File }),
    });
    assert.equal(s3.code, 1, s3.stderr);
    assert.equal(s3.stderr.trim().split('\n').length, 1, s3.stderr);
    assert.match(s3.stderr, new RegExp(`s3_credentials_file ${s3File}: not valid JSON`));
    assert.doesNotMatch(s3.stderr, /not-shown/);

    const gcsFile = join(work, 'missing-service-account.json');
    const gcs = await prow(['sidecar'], {
      JOB_SPEC: spec,
      SIDECAR_OPTIONS: JSON.stringify({
        gcs_options: { bucket: 'gs://prow-logs', path_strategy: 'explicit', gcs_credentials_file: gcsFile },
        entries: [{ process_log: join(work, 'process-log.txt'), marker_file: join(work, 'marker-file.txt'), metadata_file: join(work, 'metadata.json') }],
      }),
    });
    assert.equal(gcs.code, 1, gcs.stderr);
    assert.equal(gcs.stderr.trim().split('\n').length, 1, gcs.stderr);
    assert.match(gcs.stderr, new RegExp(`gcs_credentials_file ${gcsFile}: cannot read: ENOENT`));
  });

  it('--fail makes a failed clone exit non-zero; bad options exit 1 naming the field', async () => {
    const work = join(dir, 'fail');
    mkdirSync(work);
    const failing = await prow(['clonerefs', '--fail'], { CLONEREFS_OPTIONS: JSON.stringify({ src_root: join(work, 'go'), log: join(work, 'clone.json'), refs: [refsFor(origin.conflict)] }) });
    assert.equal(failing.code, 1);
    assert.match(failing.stderr, /1 clone records failed/);
    const bad = await prow(['clonerefs'], { CLONEREFS_OPTIONS: JSON.stringify({ src_root: '/x', log: '/y', refs: [{ org: 'o', repo: 'r', clone_depth: 'deep' }] }) });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /\$CLONEREFS_OPTIONS: refs\[0\]\.clone_depth: want an integer/);
  });

  it('credentials: ssh keys and fingerprints are set up in record 0; GitHub App auth and a missing token file fail record 0 and clone nothing', async () => {
    const work = join(dir, 'creds');
    mkdirSync(join(work, 'keys'), { recursive: true });
    writeFileSync(join(work, 'keys', 'id_a'), 'key a');
    writeFileSync(join(work, 'keys', 'id_b'), 'key b');
    const base = { src_root: join(work, 'go'), log: join(work, 'clone.json'), refs: [refsFor(origin.pr)] };
    const withKeys = await prow(['clonerefs'], { TMPDIR: work, CLONEREFS_OPTIONS: JSON.stringify({ ...base, key_files: [join(work, 'keys')], host_fingerprints: ['github.com ssh-ed25519 AAAA'] }) });
    assert.equal(withKeys.code, 0, withKeys.stderr);
    let records = JSON.parse(readFileSync(join(work, 'clone.json'), 'utf8')) as { failed?: boolean; final_sha?: string; commands?: { command: string; error?: string }[] }[];
    assert.equal(records[0]!.commands![0]!.command, `add ssh keys from ${join(work, 'keys')}`);
    assert.match(records[0]!.commands![1]!.command, /^golang: append ".*clonerefs-known_hosts-\d+"$/);
    assert.ok(records[1]!.final_sha);

    for (const [name, extra, why] of [
      ['app', { github_app_id: '12', github_app_private_key_file: '/k', github_api_endpoints: ['https://api.github.com'] }, /does not support GitHub App authentication/],
      ['token', { oauth_token_file: join(work, 'no-such-token') }, /ENOENT/],
    ] as const) {
      const run = await prow(['clonerefs'], { CLONEREFS_OPTIONS: JSON.stringify({ ...base, src_root: join(work, name), ...extra }) });
      assert.equal(run.code, 0, run.stderr);
      records = JSON.parse(readFileSync(join(work, 'clone.json'), 'utf8')) as typeof records;
      assert.equal(records.length, 1, name);
      assert.equal(records[0]!.failed, true);
      assert.match(records[0]!.commands!.at(-1)!.error!, why);
      assert.equal(existsSync(join(work, name, 'src')), false, 'nothing cloned');
    }
  });

  it('entrypoint copy mode places the launcher under the kubelet mount of /tools; the launcher runs entrypoint', async () => {
    const tools = join(dir, 'tools-volume');
    mkdirSync(tools);
    const placed = await prow(['--copy-mode-only'], { KUBE_FAKE_MOUNTS: JSON.stringify({ '/tools': tools }) });
    assert.equal(placed.code, 0, placed.stderr);
    const launcher = join(tools, 'entrypoint');
    assert.ok(statSync(launcher).mode & 0o100);
    const logs = join(dir, 'ep-logs');
    mkdirSync(logs);
    const run = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(launcher, [], {
        env: { PATH: process.env.PATH!, ENTRYPOINT_OPTIONS: JSON.stringify({ timeout: 60e9, grace_period: 1e9, args: ['sh', '-c', 'echo wrapped; exit 3'], process_log: join(logs, 'process-log.txt'), marker_file: join(logs, 'marker-file.txt'), metadata_file: '' }) },
      }, (err, stdout) => resolve({ code: err ? (err.code as number) : 0, stdout }));
    });
    assert.equal(run.code, 3);
    assert.ok(run.stdout.startsWith('wrapped\n'), run.stdout);
    assert.match(run.stdout, /"msg":"Error executing test process: wrapped process failed: exit status 3"/);
    assert.equal(readFileSync(join(logs, 'marker-file.txt'), 'utf8'), '3');
  });

  it('prow kube-fake refuses an --image-command without a command', async () => {
    const run = await prow(['kube-fake', '--port', '0', '--image-command', 'alpine'], {});
    assert.equal(run.code, 1);
    assert.match(run.stderr, /--image-command "alpine": want IMAGE=COMMAND/);
  });

  it('prow mkpod | kubectl create against prow kube-fake: the decorated pod runs with this prow as its utilities', { timeout: 180_000 }, async () => {
    const work = join(dir, 'kubectl');
    mkdirSync(work);
    const bucket = join(work, 'bucket');
    writeFileSync(join(work, 'pj.json'), JSON.stringify({
      apiVersion: 'prow.k8s.io/v1', kind: 'ProwJob', metadata: { name: 'decorated-1' },
      spec: {
        type: 'periodic', job: 'ci-decorated', agent: 'kubernetes',
        extra_refs: [{ org: 'o', repo: 'r', base_ref: 'main', base_sha: origin.base, clone_uri: `file://${origin.dir}` }],
        decoration_config: {
          timeout: '1m', grace_period: '5s', gcs_configuration: { bucket: `file://${bucket}`, path_strategy: 'explicit' },
          utility_images: { clonerefs: 'gcr.io/k8s-prow/clonerefs:v1', initupload: 'gcr.io/k8s-prow/initupload:v1', entrypoint: 'gcr.io/k8s-prow/entrypoint:v1', sidecar: 'gcr.io/k8s-prow/sidecar:v1' },
        },
        pod_spec: { containers: [{ image: 'alpine', command: ['sh', '-c', 'cat shared.txt'] }] },
      },
      status: { state: 'triggered', startTime: '2026-01-01T00:00:00Z', build_id: '1' },
    }));
    const pod = await prow(['mkpod', '--prow-job', join(work, 'pj.json')], {});
    assert.equal(pod.code, 0, pod.stderr);
    writeFileSync(join(work, 'pod.yaml'), pod.stdout);
    const kf = spawnProw(['kube-fake', '--port', '0', '--kubeconfig-out', join(work, 'kc.yaml')]);
    try {
      await kf.waitFor(/^http:\/\/127\.0\.0\.1:\d+$/m, 'the kube-fake URL', 60_000);
      execFileSync('kubectl', ['create', '-f', join(work, 'pod.yaml')], { env: { ...process.env, KUBECONFIG: join(work, 'kc.yaml') } });
      const finished = join(bucket, 'logs/ci-decorated/1/finished.json');
      await waitFor(() => existsSync(finished), { timeoutMs: 120_000, intervalMs: 200, message: 'finished.json in the bucket' });
      assert.equal((JSON.parse(readFileSync(finished, 'utf8')) as { passed: boolean }).passed, true);
      assert.equal(readFileSync(join(bucket, 'logs/ci-decorated/1/build-log.txt'), 'utf8'), 'main moved on\n');
    } finally {
      await kf.stop();
    }
  });

  it('entrypoint with upstream flags and the command after them', async () => {
    const logs = join(dir, 'flag-logs');
    mkdirSync(logs);
    const run = await prow(['entrypoint', '--process-log', join(logs, 'p.txt'), '--marker-file', join(logs, 'm.txt'), 'sh', '-c', 'echo "$0"', '--not-ours'], {});
    assert.equal(run.code, 0);
    assert.equal(readFileSync(join(logs, 'p.txt'), 'utf8'), '--not-ours\n');
    assert.equal(readFileSync(join(logs, 'm.txt'), 'utf8'), '0');
  });
});

describe('which utility runs', () => {
  const argv = ['node', 'prow'];
  const cases: { name: string; args: string[]; env: Record<string, string>; want: string[] }[] = [
    { name: 'an explicit subcommand wins', args: ['deck'], env: { SIDECAR_OPTIONS: '{}' }, want: ['deck'] },
    { name: 'CLONEREFS_OPTIONS', args: [], env: { CLONEREFS_OPTIONS: '{}' }, want: ['clonerefs'] },
    { name: 'INITUPLOAD_OPTIONS', args: [], env: { INITUPLOAD_OPTIONS: '{}', JOB_SPEC: '{}' }, want: ['initupload'] },
    { name: 'SIDECAR_OPTIONS', args: [], env: { SIDECAR_OPTIONS: '{}', JOB_SPEC: '{}' }, want: ['sidecar'] },
    { name: '--copy-mode-only', args: ['--copy-mode-only'], env: {}, want: ['entrypoint', '--copy-mode-only'] },
    { name: 'clonerefs flags with the variable', args: ['--cookiefile=/c'], env: { CLONEREFS_OPTIONS: '{}' }, want: ['clonerefs', '--cookiefile=/c'] },
    { name: 'nothing: the usual help', args: [], env: {}, want: [] },
    { name: '--help stays help', args: ['--help'], env: { SIDECAR_OPTIONS: '{}' }, want: ['--help'] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(podUtilityArgv([...argv, ...c.args], c.env).slice(2), c.want));

  const prow = ['/usr/bin/node', '/opt/prow/bin/prow'];
  const images: { image: string; want: string[] | undefined }[] = [
    { image: 'us-docker.pkg.dev/k8s-infra-prow/images/clonerefs:v20240802-66b115076', want: [...prow, 'clonerefs'] },
    { image: 'gcr.io/k8s-prow/sidecar@sha256:abc', want: [...prow, 'sidecar'] },
    { image: 'localhost:5000/entrypoint', want: [...prow, 'entrypoint'] },
    { image: 'ghcr.io/example/prow:v1', want: prow },
    { image: 'alpine', want: undefined },
    { image: 'example.com/custom:1', want: ['/bin/custom', '--x'] },
  ];
  for (const c of images) {
    it(`image ${c.image}`, () => {
      assert.deepEqual(defaultCommandOf(c.image, { prow, overrides: Object.fromEntries([parseImageCommand('example.com/custom=/bin/custom --x')]) }), c.want);
    });
  }
  it('--image-command needs IMAGE=COMMAND', () => assert.throws(() => parseImageCommand('alpine'), /want IMAGE=COMMAND/));

  it('an OAuth token goes into https remotes only', () => {
    assert.equal(remoteWithToken('https://github.com/o/r.git', 'tok'), 'https://tok:x-oauth-basic@github.com/o/r.git');
    assert.equal(remoteWithToken('git@github.com:o/r.git', 'tok'), 'git@github.com:o/r.git');
    assert.equal(remoteWithToken('file:///srv/r', 'tok'), 'file:///srv/r');
  });
});
