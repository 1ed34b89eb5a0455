// Loads a synthetic Kubernetes-sized job configuration (≈800 files, 6,000 jobs, presets, cron and
// interval periodics) and prints load+validate time and peak RSS. Goal: < 2 s.
//   node --import tsx bench/config-load.ts [--files 800] [--jobs 6000] [--runs 3]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countJobs, formatCounts } from '../src/config/check.js';
import { loadConfig } from '../src/config/load.js';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}
const FILES = arg('files', 800);
const JOBS = arg('jobs', 6000);
const RUNS = arg('runs', 3);

const PRESETS = 70;
function presetYaml(i: number): string {
  return `- labels:
    preset-p${i}: "true"
  env:
  - name: PRESET_${i}_ENV
    value: "v${i}"
  volumes:
  - name: vol-${i}
    secret:
      secretName: secret-${i}
  volumeMounts:
  - name: vol-${i}
    mountPath: /etc/vol-${i}
    readOnly: true
`;
}

function jobCommon(name: string, i: number): string {
  return `    cluster: build-${i % 4}
    decorate: true
    decoration_config:
      timeout: ${[90, 60, 180][i % 3]}m
    labels:
      preset-p${i % PRESETS}: "true"
      preset-p${(i * 7 + 3) % PRESETS}: "true"
    annotations:
      testgrid-dashboards: sig-${i % 30}-dashboard
      testgrid-tab-name: ${name}
      description: "Synthetic job number ${i}, shaped like the Kubernetes config."
    spec:
      serviceAccountName: prowjob-default-sa
      containers:
      - image: gcr.io/k8s-staging-test-infra/kubekins-e2e:v20260821-master
        command:
        - runner.sh
        args:
        - ./hack/jenkins/test-dockerized.sh
        - --flag=${i}
        env:
        - name: OWN_${i}
          value: "x"
        resources:
          requests:
            cpu: "4"
            memory: 8Gi
          limits:
            cpu: "4"
            memory: 8Gi
        securityContext:
          privileged: true
`;
}

function generate(dir: string): void {
  const perFile = Math.ceil(JOBS / FILES);
  let jobId = 0;
  writeFileSync(join(dir, 'config.yaml'), `prowjob_namespace: default
pod_namespace: test-pods
plank:
  job_url_template: 'https://prow.example.com/view/{{if eq .Spec.Type "presubmit"}}pr{{else}}ci{{end}}/{{.Spec.Job}}/{{.Status.BuildID}}'
  default_decoration_config_entries:
  - config:
      timeout: 2h
      grace_period: 15m
      utility_images:
        clonerefs: img/clonerefs:v1
        initupload: img/initupload:v1
        entrypoint: img/entrypoint:v1
        sidecar: img/sidecar:v1
      gcs_configuration:
        bucket: ci-logs
        path_strategy: legacy
        default_org: kubernetes
        default_repo: kubernetes
      gcs_credentials_secret: service-account
  - cluster: build-1
    config:
      gcs_credentials_secret: other-sa
presets:
${Array.from({ length: 15 }, (_, i) => presetYaml(i)).join('')}`);
  for (let f = 0; f < FILES && jobId < JOBS; f++) {
    const sub = join(dir, 'jobs', `sig-${f % 40}`, `area-${f % 7}`);
    mkdirSync(sub, { recursive: true });
    let text = '';
    if (f < PRESETS - 15) text += `presets:\n${presetYaml(15 + f)}`;
    const kind = f % 10 < 4 ? 'presubmits' : f % 10 < 5 ? 'postsubmits' : 'periodics';
    const repo = `org-${f % 30}/repo-${f % 150}`;
    text += kind === 'periodics' ? 'periodics:\n' : `${kind}:\n  ${repo}:\n`;
    for (let k = 0; k < perFile && jobId < JOBS; k++, jobId++) {
      const name = `${kind.slice(0, 4)}-synthetic-job-${jobId}`;
      if (kind === 'periodics') {
        const sched = jobId % 3 === 0 ? `    interval: ${[1, 2, 6, 12, 24][jobId % 5]}h\n` : `    cron: "${jobId % 60} ${jobId % 24} * * *"\n`;
        text += `  - name: ${name}\n${sched}    extra_refs:\n    - org: kubernetes\n      repo: kubernetes\n      base_ref: master\n      path_alias: k8s.io/kubernetes\n      workdir: true\n${jobCommon(name, jobId).replace(/^ {4}/gm, '    ')}`;
      } else {
        const trig = jobId % 3 === 0 ? '    always_run: true\n' : jobId % 3 === 1 ? '    run_if_changed: ^(pkg|cmd)/.*\\.go$\n' : '    always_run: false\n';
        text += `  - name: ${name}\n${trig}    branches:\n    - ^master$\n    - ^release-\\d+\\.\\d+$\n    skip_branches:\n    - ^gh-pages$\n    path_alias: k8s.io/kubernetes\n${jobCommon(name, jobId)}`;
      }
    }
    writeFileSync(join(sub, `jobs-${f}.yaml`), text);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'prow-bench-config-'));
try {
  generate(dir);
  const times: number[] = [];
  const cpu: number[] = [];
  let summary = '';
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const { config } = loadConfig({ configPath: join(dir, 'config.yaml'), jobConfigPath: join(dir, 'jobs'), strict: true });
    const c1 = process.cpuUsage(c0);
    times.push(performance.now() - t0);
    cpu.push((c1.user + c1.system) / 1000);
    summary = formatCounts(countJobs(config));
  }
  const rssMiB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`config-load: ${summary} in ${FILES} files\n`);
  process.stdout.write(`config-load: load+validate ${times.map((t) => `${(t / 1000).toFixed(2)}s`).join(', ')} (first is cold); best ${(Math.min(...times) / 1000).toFixed(2)}s; goal < 2s\n`);
  // CPU time is the fairer figure on a shared machine: wall time also counts waiting for a core.
  process.stdout.write(`config-load: CPU time ${cpu.map((t) => `${(t / 1000).toFixed(2)}s`).join(', ')}; load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores\n`);
  process.stdout.write(`config-load: peak RSS ${rssMiB.toFixed(0)} MiB\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
