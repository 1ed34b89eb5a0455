// `prow mkpod`: prints the Pod the controller would create for a ProwJob, as upstream's cmd/mkpod.
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Command } from 'commander';
import { parse } from 'yaml';
import { createBuildIdGenerator } from '../api/build-id.js';
import { CREATED_BY_PROW_LABEL } from '../api/labels.js';
import type { ProwJob } from '../api/prowjob.js';
import { goYamlStringify } from '../executor/kubernetes/go-yaml.js';
import { prowJobToPod, type Pod, type Volume } from '../executor/kubernetes/pod-spec.js';

interface MkpodFlags {
  prowJob?: string;
  buildId?: string;
  local?: boolean;
  outDir?: string;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

function parseProwJob(text: string, source: string): ProwJob {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new Error(`${source}: could not unmarshal ProwJob YAML: ${(err as Error).message}`, { cause: err });
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`${source}: not a ProwJob (expected a YAML mapping)`);
  const pj = doc as Partial<ProwJob>;
  if (!pj.spec || typeof pj.spec !== 'object') throw new Error(`${source}: spec: missing`);
  return {
    ...pj,
    metadata: { name: '', ...(pj.metadata ?? {}) },
    status: { startTime: '', state: 'triggered', ...(pj.status ?? {}) },
  } as ProwJob;
}

/**
 * Upstream makeLocalPod's prompt: every volume that is neither emptyDir nor hostPath becomes what the
 * operator types on stdin (`empty` → emptyDir, a path → hostPath, nothing → left as it is).
 */
async function localizeVolumes(pod: Pod, input: NodeJS.ReadableStream, prompt: NodeJS.WritableStream): Promise<void> {
  const toFix = ((pod.spec.volumes ?? []) as Volume[]).filter((v) => !v.hostPath && !v.emptyDir);
  if (toFix.length === 0) return;
  prompt.write(`For each of the following volumes specify one of:
 - 'empty' to use an emptyDir;
 - a path on the host to use hostPath;
 - '' (nothing) to use the existing volume source and assume it is available in the cluster
`);
  const rl = createInterface({ input, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  try {
    for (const vol of toFix) {
      prompt.write(`Volume ${JSON.stringify(vol.name)}: `);
      const next = await lines.next();
      const choice = next.done ? '' : String(next.value).trim();
      if (choice === '') continue;
      for (const key of Object.keys(vol)) if (key !== 'name') delete vol[key];
      if (choice === 'empty' || choice.toLowerCase() === 'emptydir') vol.emptyDir = {};
      else vol.hostPath = { path: choice };
    }
  } finally {
    rl.close();
  }
}

export function createCommand(): Command {
  return new Command('mkpod')
    .description('print the Pod the controller would create for a ProwJob (YAML, as upstream mkpod)')
    .option('--prow-job <file>', 'ProwJob to decorate, - for stdin')
    .option('--build-id <id>', "build ID for the job run, or 'snowflake' to generate one (use 'snowflake' if tot is not used)")
    .option('--local', 'configure the pod utilities for local mode: copy files to a directory on the host instead of uploading', false)
    .option('--out-dir <dir>', "only with --local: the directory to 'upload' to instead of a bucket (default: a new temp dir)")
    .action(async (flags: MkpodFlags) => {
      try {
        if (!flags.prowJob) throw new Error('invalid options: required flag --prow-job was unset');
        if (!flags.local && flags.outDir) throw new Error('invalid options: out-dir may only be specified in --local mode');
        const source = flags.prowJob === '-' ? 'stdin' : flags.prowJob;
        const text = flags.prowJob === '-' ? await readAll(process.stdin) : await readFile(flags.prowJob, 'utf8');
        const pj = parseProwJob(text, source);
        let buildId = flags.buildId ?? '';
        if (buildId === '' && pj.status.build_id) buildId = pj.status.build_id;
        if (buildId.toLowerCase() === 'snowflake') {
          buildId = createBuildIdGenerator()();
          process.stderr.write(`mkpod: generated build-id ${buildId}\n`);
        }
        if (buildId === '') process.stderr.write('mkpod: no build id found in the ProwJob status or given with --build-id; uploads will be poorly placed\n');
        pj.status.build_id = buildId;
        let pod: Pod;
        if (flags.local) {
          const outDir = flags.outDir
            ? join(flags.outDir, buildId)
            : mkdtempSync(join(tmpdir(), ['prowjob-out', pj.spec.job, buildId].join('-')));
          process.stderr.write(`mkpod: local mode: the pod utilities copy files to ${outDir} on the node instead of uploading\n`);
          pod = prowJobToPod(pj, outDir);
          // With the ProwJob on stdin the answers come after it; the stream is already consumed then.
          await localizeVolumes(pod, process.stdin, process.stderr);
        } else {
          pod = prowJobToPod(pj);
        }
        // Without created-by-prow, sinker does not delete the pod for lack of a ProwJob.
        const { [CREATED_BY_PROW_LABEL]: _dropped, ...labels } = pod.metadata.labels;
        void _dropped;
        const out = { apiVersion: 'v1', kind: 'Pod', ...pod, metadata: { ...pod.metadata, labels, creationTimestamp: null }, status: {} };
        process.stdout.write(`${goYamlStringify(out)}\n`);
      } catch (err) {
        process.stderr.write(`mkpod: ${(err as Error).message}\n`);
        process.exitCode = 1;
      }
    });
}
