// clone-records.json: what clonerefs did, one record per Refs plus record 0 for the environment
// preparation (upstream pkg/pod-utils/clone/types.go; docs/jobs.md). initupload
// uploads the file as written; started.json's repo-commit is read back from it.
import type { Refs } from '../api/prowjob.js';
import { goJsonMarshal, goOrder } from '../go/json.js';
import { REFS_SPEC } from '../api/prowjob-json.js';

/** clone.Command; durations in nanoseconds (Go time.Duration). */
export interface CloneCommandRecord {
  command: string;
  output?: string;
  error?: string;
  duration?: number;
}

/** clone.Record. */
export interface CloneRecord {
  refs: Refs;
  commands?: CloneCommandRecord[];
  failed?: boolean;
  final_sha?: string;
  duration?: number;
}

/** The bytes clonerefs writes (Go json.Marshal of []clone.Record). */
export function marshalCloneRecords(records: readonly CloneRecord[]): string {
  return goJsonMarshal(records.map((r) => ({
    refs: goOrder(r.refs, REFS_SPEC),
    commands: r.commands?.length ? r.commands.map((c) => ({
      command: c.command,
      output: c.output || undefined,
      error: c.error || undefined,
      duration: c.duration || undefined,
    })) : undefined,
    failed: r.failed || undefined,
    final_sha: r.final_sha || undefined,
    duration: r.duration || undefined,
  })));
}

export function cloneFailed(records: readonly CloneRecord[]): boolean {
  return records.some((r) => r.failed === true);
}

/** The human-readable clone log (upstream's clone-log.txt, FormatRecord). */
export function formatCloneRecords(records: readonly CloneRecord[]): string {
  return records.map(formatRecord).join('');
}

function formatRecord(record: CloneRecord): string {
  let out = '';
  if (record.failed) out += '# FAILED\n';
  if (!record.refs.repo) out += 'Environment setup';
  else out += `# Cloning ${record.refs.org}/${record.refs.repo} at ${record.refs.base_ref ?? ''}`;
  if (record.refs.base_sha) out += `(${record.refs.base_sha})`;
  out += '\n';
  if (record.refs.pulls?.length) {
    out += '# Checking out pulls:\n';
    for (const pull of record.refs.pulls) out += `#\t${pull.number}${pull.sha ? `(${pull.sha})` : ''}\n`;
  }
  for (const command of record.commands ?? []) {
    out += `$ ${command.command}${command.duration ? ` (runtime: ${formatNanos(command.duration)})` : ''}\n`;
    out += command.output ?? '';
    if (command.error) out += `# Error: ${command.error}\n`;
  }
  out += `# Final SHA: ${record.final_sha ?? ''}\n`;
  out += `# Total runtime: ${formatNanos(record.duration ?? 0)}\n`;
  return out;
}

function formatNanos(ns: number): string {
  if (ns === 0) return '0s';
  const ms = ns / 1e6;
  return ms < 1000 ? `${ms.toFixed(3)}ms` : `${(ms / 1000).toFixed(6)}s`;
}

/** Upstream compares the refs of a record with reflect.DeepEqual: the same fields with the same values. */
export function sameRefs(a: Refs, b: Refs): boolean {
  return goJsonMarshal(goOrder(a, REFS_SPEC)) === goJsonMarshal(goOrder(b, REFS_SPEC));
}
