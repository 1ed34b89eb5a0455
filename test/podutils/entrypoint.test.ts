// entrypoint's cases, ported from upstream pkg/entrypoint/run_test.go: exit codes, the process log, the
// marker, timeout → SIGINT, grace period → SIGKILL, interrupts, always_zero, previous markers, a failed start.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { spawnSync } from 'node:child_process';
import {
  ABORTED_ERROR_CODE, INTERNAL_ERROR_CODE, placeEntrypoint, PREVIOUS_ERROR_CODE, runEntrypoint,
} from '../../src/podutils/entrypoint.js';
import type { EntrypointOptions } from '../../src/podutils/options.js';

const SECOND = 1_000_000_000;
const trapAndExit3 = `cleanup() { kill $(jobs -p) 2>/dev/null; wait; exit 3; }
trap cleanup INT TERM
echo process started
sleep 9999 &
wait`;

interface Case {
  name: string;
  args: string[];
  timeout?: number;
  grace?: number;
  alwaysZero?: boolean;
  propagate?: boolean;
  interrupt?: boolean;
  previousMarker?: string;
  invalidMarker?: boolean;
  wantLogLines?: string[];
  wantOutput?: string;
  wantMarker: string;
  wantCode: number;
}

const cases: Case[] = [
  { name: 'successful command', args: ['sh', '-c', 'exit 0'], wantOutput: '', wantMarker: '0', wantCode: 0 },
  { name: 'successful command with output', args: ['echo', 'test'], wantOutput: 'test\n', wantMarker: '0', wantCode: 0 },
  { name: 'unsuccessful command', args: ['sh', '-c', 'exit 12'], wantOutput: '', wantMarker: '12', wantCode: 12 },
  { name: 'unsuccessful command with output', args: ['sh', '-c', 'echo test && exit 12'], wantOutput: 'test\n', wantMarker: '12', wantCode: 12 },
  {
    name: 'command times out', args: ['sleep', '30'], timeout: SECOND, grace: 5 * SECOND,
    wantLogLines: ['Process did not finish before 1s timeout', 'Process gracefully exited before 5s grace period'],
    wantMarker: String(INTERNAL_ERROR_CODE), wantCode: INTERNAL_ERROR_CODE,
  },
  {
    name: 'command times out and ignores interrupt', args: ['sh', '-c', "trap '' INT; sleep 30"], timeout: SECOND, grace: SECOND,
    wantLogLines: ['Process did not finish before 1s timeout', 'Process did not exit before 1s grace period'],
    wantMarker: String(INTERNAL_ERROR_CODE), wantCode: INTERNAL_ERROR_CODE,
  },
  { name: '$PATH is set', args: ['sh', '-c', 'echo $PATH'], wantOutput: `${process.env.PATH}\n`, wantMarker: '0', wantCode: 0 },
  { name: 'failures return 0 when always_zero is set', args: ['sh', '-c', 'exit 7'], alwaysZero: true, wantMarker: '7', wantCode: 0 },
  {
    name: 'return non-zero when writing the marker fails even when always_zero is set', args: ['echo', 'test'], alwaysZero: true,
    invalidMarker: true, wantMarker: '', wantCode: INTERNAL_ERROR_CODE,
  },
  {
    name: 'a failed previous step: PreviousErrorCode without running anything', args: ['echo', 'test'], previousMarker: '9',
    wantLogLines: ['Skipping as previous step exited 9'], wantMarker: String(PREVIOUS_ERROR_CODE), wantCode: PREVIOUS_ERROR_CODE,
  },
  { name: 'a passed previous step: run as normal', args: ['sh', '-c', 'exit 0'], previousMarker: '0', wantMarker: '0', wantCode: 0 },
  { name: 'a passed previous step: a failing command fails', args: ['sh', '-c', 'exit 4'], previousMarker: '0', wantMarker: '4', wantCode: 4 },
  {
    name: 'interrupt, propagate the child error', args: ['bash', '-c', trapAndExit3], interrupt: true, propagate: true,
    wantLogLines: ['Entrypoint received interrupt: terminated', 'Process gracefully exited before 15s grace period'], wantMarker: '3', wantCode: 3,
  },
  {
    name: 'interrupt, do not propagate the child error', args: ['bash', '-c', trapAndExit3], interrupt: true,
    wantLogLines: ['Entrypoint received interrupt: terminated', 'Process gracefully exited before 15s grace period'],
    wantMarker: String(ABORTED_ERROR_CODE), wantCode: ABORTED_ERROR_CODE,
  },
  {
    name: 'a start error is written to the log', args: ['./this-command-does-not-exist'],
    wantOutput: 'could not start the process: spawn ./this-command-does-not-exist ENOENT', wantMarker: '127', wantCode: INTERNAL_ERROR_CODE,
  },
];

/** Our own log lines in the process log: logrus JSON, one per line. */
function ownMessages(log: string): string[] {
  return log.split('\n').filter((l) => l.startsWith('{')).map((l) => (JSON.parse(l) as { msg: string }).msg);
}

describe('entrypoint', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'entrypoint-'));
      try {
        const options: EntrypointOptions = {
          timeout: c.timeout ?? 0, grace_period: c.grace ?? 0, artifact_dir: join(dir, 'artifacts'),
          ...(c.alwaysZero ? { always_zero: true } : {}), ...(c.propagate ? { propagate_error_code: true } : {}),
          wrapper: {
            args: c.args, process_log: join(dir, 'process-log.txt'), metadata_file: join(dir, 'metadata.json'),
            marker_file: c.invalidMarker ? join(dir, 'no-such-dir', 'marker-file.txt') : join(dir, 'marker-file.txt'),
          },
        };
        if (c.previousMarker !== undefined) {
          options.previous_marker = join(dir, 'previous-marker.txt');
          writeFileSync(options.previous_marker, c.previousMarker);
        }
        const stdout = new PassThrough();
        let seen = '';
        stdout.on('data', (d: Buffer) => { seen += d.toString(); });
        let fire: ((s: NodeJS.Signals) => void) | undefined;
        const running = runEntrypoint(options, { stdout, onInterrupt: (l) => { fire = l; return () => { fire = undefined; }; } });
        if (c.interrupt) {
          // Interrupt once the child has set its trap (it says so), as upstream's test does after a second.
          const deadline = Date.now() + 60_000;
          while (!seen.includes('process started') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
          fire!('SIGTERM');
        }
        const code = await running;
        assert.equal(code, c.wantCode);
        assert.ok(statSync(join(dir, 'artifacts')).isDirectory(), 'the artifact dir is created');
        const log = readFileSync(options.wrapper.process_log, 'utf8');
        if (c.wantOutput !== undefined) assert.equal(log.split('\n').filter((l) => !l.startsWith('{')).join('\n'), c.wantOutput);
        if (c.wantLogLines) assert.deepEqual(ownMessages(log).filter((m) => c.wantLogLines!.some((w) => m === w) || m.includes('grace period')), c.wantLogLines);
        if (c.wantMarker === '') assert.equal(existsSync(options.wrapper.marker_file), false);
        else assert.equal(readFileSync(options.wrapper.marker_file, 'utf8'), c.wantMarker);
        assert.equal(seen.includes(log.split('\n')[0] ?? ''), true, 'the output also goes to stdout');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it('kills the whole process group when the grace period ends (a shell and its children)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'entrypoint-'));
    try {
      const pidFile = join(dir, 'child.pid');
      const code = await runEntrypoint({
        timeout: SECOND / 2, grace_period: SECOND / 2,
        wrapper: { args: ['sh', '-c', `trap '' INT; sleep 60 & echo $! > ${pidFile}; wait`], process_log: join(dir, 'log'), marker_file: join(dir, 'marker'), metadata_file: '' },
      }, { stdout: new PassThrough(), onInterrupt: () => () => undefined });
      assert.equal(code, INTERNAL_ERROR_CODE);
      const child = Number(readFileSync(pidFile, 'utf8'));
      // Gone, or a zombie waiting for an init that may not reap in this container.
      let state = 'gone';
      try {
        const stat = readFileSync(`/proc/${child}/stat`, 'utf8');
        state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      } catch {
        // no such process
      }
      assert.ok(state === 'gone' || state === 'Z', `the background sleep was killed with its shell (state ${state})`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a background child that keeps the output pipe open does not hold the wrapper; all output before the exit is kept', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'entrypoint-'));
    try {
      const code = await runEntrypoint({
        timeout: 60 * SECOND, grace_period: SECOND,
        wrapper: { args: ['sh', '-c', 'sleep 30 & for i in 1 2 3; do echo line $i; done'], process_log: join(dir, 'log'), marker_file: join(dir, 'marker'), metadata_file: '' },
      }, { stdout: new PassThrough(), onInterrupt: () => () => undefined });
      assert.equal(code, 0);
      assert.equal(readFileSync(join(dir, 'log'), 'utf8'), 'line 1\nline 2\nline 3\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('copy mode places a launcher that runs `prow entrypoint` with its arguments', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'entrypoint-'));
    try {
      const launcher = join(dir, 'tools', 'entrypoint');
      await placeEntrypoint(launcher, ['/bin/echo', "it's prow"]);
      assert.equal(statSync(launcher).mode & 0o111, 0o111);
      const out = spawnSync(launcher, ['a', 'b c'], { encoding: 'utf8' });
      assert.equal(out.stdout, "it's prow entrypoint a b c\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
