// The sidecar and initupload against a real file:// bucket (upstream pkg/sidecar/run_test.go,
// pkg/initupload/run_test.go): waiting for every marker, the result from the exit codes, one build log or
// one per container, metadata, censoring before the upload, interrupts, a failed clone.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobSpec } from '../../src/api/jobspec.js';
import { createBucketOpener } from '../../src/artifacts/buckets.js';
import { marshalCloneRecords } from '../../src/podutils/clone-record.js';
import { ABORTED_ERROR_CODE, PREVIOUS_ERROR_CODE } from '../../src/podutils/entrypoint.js';
import { runInitUpload } from '../../src/podutils/initupload.js';
import type { SidecarOptions, WrapperOptions } from '../../src/podutils/options.js';
import { runSidecar } from '../../src/podutils/sidecar.js';
import { waitFor } from '../support/wait.js';

const spec: JobSpec = {
  type: 'presubmit', job: 'pull-unit', buildid: '42', prowjobid: 'pj',
  refs: { org: 'o', repo: 'r', base_ref: 'main', base_sha: 'base', pulls: [{ number: 3, author: 'a', sha: 'headsha' }] },
};
const BUILD = 'pr-logs/pull/o_r/3/pull-unit/42';

function setup(dir: string, containers: string[]): { bucket: string; entries: WrapperOptions[]; options: (o?: Partial<SidecarOptions>) => SidecarOptions } {
  const bucket = join(dir, 'bucket');
  const logs = join(dir, 'logs');
  mkdirSync(join(logs, 'artifacts'), { recursive: true });
  const entries = containers.map((name) => {
    const prefix = containers.length === 1 ? '' : `${name}-`;
    return {
      args: ['run', name], container_name: name, process_log: join(logs, `${prefix || 'process-'}log.txt`),
      marker_file: join(logs, `${prefix || ''}marker${prefix ? '' : '-file'}.txt`), metadata_file: join(logs, 'artifacts', `${prefix}metadata.json`),
    };
  });
  const options = (o: Partial<SidecarOptions> = {}): SidecarOptions => ({
    gcs_options: { items: [join(logs, 'artifacts')], gcs: { bucket: `file://${bucket}`, path_strategy: 'explicit' } },
    entries, censoring_options: {}, ...o,
  });
  return { bucket, entries, options };
}

function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sidecar-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

const quietIo = { stderr: { write: () => true } as unknown as NodeJS.WritableStream, onInterrupt: () => () => undefined };
const store = (bucket: string) => createBucketOpener()({ provider: 'file', bucket });

describe('sidecar', () => {
  const resultCases = [
    { name: 'one entry passing', codes: [0], passed: true, result: 'SUCCESS', failures: 0 },
    { name: 'one entry failing', codes: [2], passed: false, result: 'FAILURE', failures: 1 },
    { name: 'an aborted entry', codes: [ABORTED_ERROR_CODE], passed: false, result: 'ABORTED', failures: 1 },
    { name: 'two entries, the second skipped after the first failed', codes: [1, PREVIOUS_ERROR_CODE], passed: false, result: 'FAILURE', failures: 1 },
    { name: 'two entries passing', codes: [0, 0], passed: true, result: 'SUCCESS', failures: 0 },
  ];
  for (const c of resultCases) {
    it(`waits for every marker: ${c.name}`, withDir(async (dir) => {
      const names = c.codes.length === 1 ? ['test'] : c.codes.map((_, i) => `step${i}`);
      const { bucket, entries, options } = setup(dir, names);
      entries.forEach((e, i) => writeFileSync(e.process_log, `output of ${names[i]}\n`));
      const running = runSidecar(options(), spec, store(bucket), quietIo);
      let settled = false;
      void running.then(() => { settled = true; });
      // Markers arrive one by one; the sidecar does not upload before the last.
      for (const [i, e] of entries.entries()) {
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(settled, false, 'still waiting');
        writeFileSync(e.marker_file, String(c.codes[i]));
      }
      const result = await running;
      assert.equal(result.passed, c.passed);
      assert.equal(result.failures, c.failures);
      const finished = JSON.parse(readFileSync(join(bucket, BUILD, 'finished.json'), 'utf8')) as Record<string, unknown>;
      assert.equal(finished['passed'], c.passed);
      assert.equal(finished['result'], c.result);
      assert.equal(finished['revision'], 'headsha');
      if (names.length === 1) assert.equal(readFileSync(join(bucket, BUILD, 'build-log.txt'), 'utf8'), 'output of test\n');
      else for (const n of names) assert.equal(readFileSync(join(bucket, BUILD, `${n}-build-log.txt`), 'utf8'), `output of ${n}\n`);
      assert.equal(readFileSync(join(bucket, 'pr-logs/directory/pull-unit/latest-build.txt'), 'utf8'), '42');
      assert.ok(existsSync(join(bucket, BUILD, 'sidecar-logs.json')));
    }));
  }

  it('merges the entries\' metadata, reports unreadable metadata under sidecar-errors, uploads artifacts', withDir(async (dir) => {
    const { bucket, entries, options } = setup(dir, ['a', 'b']);
    writeFileSync(entries[0]!.metadata_file, '{"x":"1","y":"a"}');
    writeFileSync(entries[1]!.metadata_file, '{"y":"b"');
    writeFileSync(join(dir, 'logs', 'artifacts', 'junit#1.xml'), '<testsuite/>');
    for (const e of entries) writeFileSync(e.marker_file, '0');
    await runSidecar(options(), spec, store(bucket), quietIo);
    const finished = JSON.parse(readFileSync(join(bucket, BUILD, 'finished.json'), 'utf8')) as { metadata: Record<string, unknown> };
    assert.equal(finished.metadata['x'], '1');
    assert.equal(finished.metadata['y'], 'a');
    assert.deepEqual(Object.keys(finished.metadata['sidecar-errors'] as object), ['entry 1: run b']);
    assert.equal(readFileSync(join(bucket, BUILD, 'artifacts', 'junit%231.xml'), 'utf8'), '<testsuite/>');
    assert.equal(readFileSync(join(bucket, BUILD, 'artifacts', 'a-metadata.json'), 'utf8'), '{"x":"1","y":"a"}');
  }));

  it('censors the log and the artifacts before they are uploaded', withDir(async (dir) => {
    const { bucket, entries, options } = setup(dir, ['test']);
    mkdirSync(join(dir, 'secret'));
    writeFileSync(join(dir, 'secret', 'token'), 'ghp_topsecretvalue\n');
    writeFileSync(entries[0]!.process_log, 'using ghp_topsecretvalue\n');
    writeFileSync(join(dir, 'logs', 'artifacts', 'dump.txt'), 'ghp_topsecretvalue');
    writeFileSync(entries[0]!.marker_file, '0');
    await runSidecar(options({ censoring_options: { secret_directories: [join(dir, 'secret')] } }), spec, store(bucket), quietIo);
    assert.equal(readFileSync(join(bucket, BUILD, 'build-log.txt'), 'utf8'), 'using XXXXXXXXXXXXXXXXXX\n');
    assert.equal(readFileSync(join(bucket, BUILD, 'artifacts', 'dump.txt'), 'utf8'), 'XXXXXXXXXXXXXXXXXX');
  }));

  for (const ignore of [false, true]) {
    it(ignore ? 'ignore_interrupts: an interrupt uploads nothing early' : 'an interrupt before the markers: a best-effort upload at once, the final one later', withDir(async (dir) => {
      const { bucket, entries, options } = setup(dir, ['test']);
      writeFileSync(entries[0]!.process_log, 'partial output\n');
      let fire: ((s: NodeJS.Signals) => void) | undefined;
      const running = runSidecar(options({ ignore_interrupts: ignore }), spec, store(bucket), { ...quietIo, onInterrupt: (l) => { fire = l; return () => undefined; } });
      await waitFor(() => fire !== undefined, { timeoutMs: 60_000, message: 'the sidecar subscribed to signals' });
      fire!('SIGTERM');
      const finishedPath = join(bucket, BUILD, 'finished.json');
      if (ignore) {
        await new Promise((r) => setTimeout(r, 500));
        assert.equal(existsSync(finishedPath), false);
      } else {
        const early = await waitFor(() => existsSync(finishedPath) && readFileSync(finishedPath, 'utf8'), { timeoutMs: 60_000, message: 'the best-effort upload' });
        assert.equal((JSON.parse(early) as { result: string }).result, 'ABORTED');
        assert.equal(readFileSync(join(bucket, BUILD, 'build-log.txt'), 'utf8'), 'partial output\n');
      }
      writeFileSync(entries[0]!.process_log, 'partial output\nand the rest\n');
      writeFileSync(entries[0]!.marker_file, '0');
      await running;
      assert.equal((JSON.parse(readFileSync(finishedPath, 'utf8')) as { result: string }).result, 'SUCCESS');
      assert.equal(readFileSync(join(bucket, BUILD, 'build-log.txt'), 'utf8'), 'partial output\nand the rest\n');
    }));
  }

  it('local_output_dir: files go straight into the directory, no index files', withDir(async (dir) => {
    const { entries, options } = setup(dir, ['test']);
    writeFileSync(entries[0]!.process_log, 'hi\n');
    writeFileSync(entries[0]!.marker_file, '0');
    const out = join(dir, 'out');
    await runSidecar(options({ gcs_options: { items: [join(dir, 'logs', 'artifacts')], local_output_dir: out } }), spec, store(out), quietIo);
    assert.equal(readFileSync(join(out, 'build-log.txt'), 'utf8'), 'hi\n');
    assert.ok(existsSync(join(out, 'finished.json')));
    assert.equal(existsSync(join(out, 'pr-logs')), false);
  }));
});

describe('initupload', () => {
  const record = (failed: boolean) => [
    { refs: { org: '', repo: '' } },
    { refs: spec.refs!, commands: [{ command: 'git fetch', ...(failed ? { error: 'exit status 128' } : {}) }], ...(failed ? { failed: true } : { final_sha: 'mergedsha' }) },
  ];

  it('uploads started.json with the merged SHA, the clone records and the clone log', withDir(async (dir) => {
    const log = join(dir, 'clone.json');
    writeFileSync(log, marshalCloneRecords(record(false)));
    const bucket = join(dir, 'bucket');
    const result = await runInitUpload({ upload: { gcs: { bucket: `file://${bucket}`, path_strategy: 'explicit' } }, log }, spec, store(bucket), () => new Date(1_700_000_000_000));
    assert.equal(result.cloneFailed, false);
    assert.equal(readFileSync(join(bucket, BUILD, 'started.json'), 'utf8'), '{"timestamp":1700000000,"pull":"3","repos":{"o/r":"main:base,3:headsha"},"repo-commit":"mergedsha","repo-version":"mergedsha"}');
    assert.equal(readFileSync(join(bucket, BUILD, 'clone-records.json'), 'utf8'), readFileSync(log, 'utf8'));
    assert.match(readFileSync(join(bucket, BUILD, 'clone-log.txt'), 'utf8'), /# Cloning o\/r at main\(base\)/);
    assert.equal(existsSync(join(bucket, BUILD, 'finished.json')), false);
  }));

  it('a failed clone: the clone log is the build log, finished.json says FAILURE, and the caller is told', withDir(async (dir) => {
    const log = join(dir, 'clone.json');
    writeFileSync(log, marshalCloneRecords(record(true)));
    const bucket = join(dir, 'bucket');
    const result = await runInitUpload({ upload: { gcs: { bucket: `file://${bucket}`, path_strategy: 'explicit' } }, log }, spec, store(bucket));
    assert.equal(result.cloneFailed, true);
    assert.match(readFileSync(join(bucket, BUILD, 'build-log.txt'), 'utf8'), /# FAILED/);
    assert.deepEqual(JSON.parse(readFileSync(join(bucket, BUILD, 'finished.json'), 'utf8')).result, 'FAILURE');
  }));

  it('a clone records file that is not JSON is an error naming it', withDir(async (dir) => {
    const log = join(dir, 'clone.json');
    writeFileSync(log, 'not json');
    await assert.rejects(runInitUpload({ upload: { local_output_dir: dir }, log }, spec, store(dir)), /could not unmarshal clone records in .*clone\.json/);
  }));
});
