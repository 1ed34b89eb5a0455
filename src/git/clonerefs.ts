// clonerefs: check out every Refs of a ProwJob under `<srcRoot>/src/<path>` with real git, the way
// upstream's pod utility does (upstream pkg/pod-utils/clone/clone.go), and keep a record of every command.
// A failure is recorded, never thrown: the caller decides what a failed clone means.
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Refs } from '../api/prowjob.js';
import type { CloneCommandRecord, CloneRecord } from '../podutils/clone-record.js';

export interface CloneRefsOptions {
  /** upstream's src_root (/home/prow/go in a pod): refs land in `<srcRoot>/src/<path>`. */
  srcRoot: string;
  refs: Refs[];
  gitUserName?: string;
  gitUserEmail?: string;
  /** Extra environment for every git command (after the minimal PATH/HOME set). */
  env?: Record<string, string>;
  /** Waits between fetch retries; upstream's 0.1 s … 30 s by default. */
  fetchRetryDelaysMs?: readonly number[];
  /** Clone refs in parallel (upstream: one worker per ref). Default true. */
  parallel?: boolean;
  /** At most this many refs at once (clonerefs' max_parallel_workers); 0 or unset: no limit. */
  maxParallel?: number;
  signal?: AbortSignal;
  /** An OAuth token for https remotes (clonerefs' oauth_token_file); never written to the records. */
  token?: string;
}

export const DEFAULT_GIT_USER_NAME = 'ci-robot';
export const DEFAULT_GIT_USER_EMAIL = 'ci-robot@k8s.io';
export const UPSTREAM_FETCH_RETRY_DELAYS_MS: readonly number[] = [100, 200, 400, 800, 2000, 5000, 10000, 15000, 30000];

/** Where a ref is cloned: path_alias, else repo_link without its scheme, else github.com/org/repo. */
export function pathForRefs(srcRoot: string, refs: Refs): string {
  let clonePath: string;
  if (refs.path_alias) clonePath = refs.path_alias;
  else if (refs.repo_link) clonePath = refs.repo_link.split('://').pop() ?? refs.repo_link;
  else clonePath = `github.com/${refs.org}/${refs.repo}`;
  return join(srcRoot, 'src', ...clonePath.split('/').filter((p) => p !== '' && p !== '.' && p !== '..'));
}

/** The remote: clone_uri, else `<repo_link>.git`, else https://github.com/org/repo.git. */
export function remoteForRefs(refs: Refs): string {
  if (refs.clone_uri) return refs.clone_uri;
  if (refs.repo_link) return `${refs.repo_link}.git`;
  return `https://github.com/${refs.org}/${refs.repo}.git`;
}

/** With a token, an http(s) remote carries it as upstream's gitCtxForRefs puts it: `https://<token>:x-oauth-basic@host/…`. */
export function remoteWithToken(remote: string, token: string | undefined): string {
  if (!token) return remote;
  let url: URL;
  try {
    url = new URL(remote);
  } catch {
    return remote; // not a URL (git@host:org/repo): left as is, as upstream does
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return remote;
  url.username = encodeURIComponent(token);
  url.password = 'x-oauth-basic';
  return url.toString();
}

export async function cloneRefs(options: CloneRefsOptions, preparation: CloneRecord = { refs: { org: '', repo: '' } }): Promise<CloneRecord[]> {
  const work = options.refs.map((refs) => () => cloneOne(refs, options));
  let records: CloneRecord[];
  const limit = options.parallel === false ? 1 : options.maxParallel && options.maxParallel > 0 ? options.maxParallel : work.length;
  records = new Array<CloneRecord>(work.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < work.length) {
      const i = next++;
      records[i] = await work[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, work.length) }, worker));
  return [preparation, ...records];
}

interface Step {
  dir: string;
  command: string;
  args: string[];
  /** Extra env shown in the record, upstream style (`PWD=dir ENV=… git …`). */
  env: string[];
  retry?: boolean;
}

/**
 * Values from a ProwJob's refs (branch names, SHAs, pull refs, the remote) go to git as positional
 * arguments, and git reads a positional that starts with "-" as an option (`--upload-pack=<cmd>` runs a
 * command). Refs arrive from webhook payloads and the API, so each is checked before any git runs.
 */
export function unsafeRefsReason(refs: Refs): string | undefined {
  const check = (field: string, value: string | undefined): string | undefined => {
    if (value === undefined || value === '') return undefined;
    if (value.startsWith('-')) return `${field} ${JSON.stringify(value)} must not start with "-"`;
    if (/[\0-\x1f\x7f]/.test(value)) return `${field} ${JSON.stringify(value)} must not contain control characters`;
    return undefined;
  };
  const found = [
    check('base_ref', refs.base_ref),
    check('base_sha', refs.base_sha),
    check('clone_uri', refs.clone_uri),
    check('repo_link', refs.repo_link),
    ...(refs.pulls ?? []).flatMap((p, i) => [check(`pulls[${i}].ref`, p.ref), check(`pulls[${i}].sha`, p.sha)]),
    ...(refs.sparse_checkout_files ?? []).map((f, i) => check(`sparse_checkout_files[${i}]`, f)),
  ];
  return found.find((r) => r !== undefined);
}

async function cloneOne(refs: Refs, options: CloneRefsOptions): Promise<CloneRecord> {
  const started = process.hrtime.bigint();
  const record: CloneRecord = { refs, commands: [] };
  const unsafe = unsafeRefsReason(refs);
  if (unsafe !== undefined) {
    record.commands!.push({ command: 'validate refs', error: `refusing to clone ${refs.org}/${refs.repo}: ${unsafe}` });
    record.failed = true;
    record.duration = Number(process.hrtime.bigint() - started);
    return record;
  }
  const dir = pathForRefs(options.srcRoot, refs);
  const remote = remoteWithToken(remoteForRefs(refs), options.token);
  const git = (...args: string[]): Step => ({ dir, command: 'git', args, env: [] });
  const fetch = (...args: string[]): Step => ({ ...git('fetch', ...args), retry: true });

  const runSteps = async (steps: Step[]): Promise<boolean> => {
    for (const step of steps) {
      const t0 = process.hrtime.bigint();
      let result = await runStep(step, options);
      for (const delay of step.retry ? options.fetchRetryDelaysMs ?? UPSTREAM_FETCH_RETRY_DELAYS_MS : []) {
        if (result.error === undefined || options.signal?.aborted) break;
        await sleep(delay, options.signal);
        result = await runStep(step, options);
      }
      const hide = (text: string): string => (options.token ? text.replaceAll(options.token, 'CENSORED').replaceAll(encodeURIComponent(options.token), 'CENSORED') : text);
      const entry: CloneCommandRecord = { command: hide(formatStep(step)), duration: Number(process.hrtime.bigint() - t0) };
      if (result.output) entry.output = hide(result.output);
      if (result.error !== undefined) entry.error = hide(result.error);
      record.commands!.push(entry);
      if (result.error !== undefined) {
        record.failed = true;
        return false;
      }
    }
    return true;
  };

  const sparse = (refs.sparse_checkout_files?.length ?? 0) > 0;
  const depthArgs = refs.clone_depth && refs.clone_depth > 0 ? ['--depth', String(refs.clone_depth)] : [];
  const filterArgs = refs.blobless_fetch === true || sparse ? ['--filter=blob:none'] : [];
  const base: Step[] = [{ dir: '/', command: 'mkdir', args: ['-p', dir], env: [] }, git('init')];
  base.push(git('config', 'user.name', options.gitUserName ?? DEFAULT_GIT_USER_NAME));
  base.push(git('config', 'user.email', options.gitUserEmail ?? DEFAULT_GIT_USER_EMAIL));
  if (sparse) base.push(git('sparse-checkout', 'init'));
  if (!refs.skip_fetch_head && !sparse) base.push(fetch(...depthArgs, ...filterArgs, remote, '--tags', '--prune'));
  const fetchRef = refs.base_sha ? refs.base_sha : refs.base_ref ?? 'HEAD';
  const target = refs.base_sha ? refs.base_sha : 'FETCH_HEAD';
  base.push(fetch(...depthArgs, ...filterArgs, ...(sparse ? ['--no-tags'] : []), remote, fetchRef));
  if (sparse) base.push(git('sparse-checkout', 'set', ...(refs.sparse_checkout_files ?? [])));
  // Check out the target first: `branch --force` cannot move the branch we are on.
  base.push(git('checkout', target));
  if (refs.base_ref) {
    base.push(git('branch', '--force', refs.base_ref, target));
    base.push(git('checkout', refs.base_ref));
  }

  if (await runSteps(base)) {
    const shown = await runStep(git('show', '-s', '--format=format:%ct', 'HEAD'), options);
    let timestamp = Number.parseInt(shown.stdout.trim(), 10);
    if (shown.error !== undefined || !Number.isFinite(timestamp)) timestamp = Math.floor(Date.now() / 1000);

    const pulls: Step[] = [];
    for (const pull of refs.pulls ?? []) {
      const ref = pull.ref ? pull.ref : pull.sha ? pull.sha : `pull/${pull.number}/head`;
      pulls.push(fetch(...(refs.blobless_fetch === true || sparse ? ['--filter=blob:none'] : []), remote, ref));
      timestamp += 1;
      // Fixed dates (base commit time + n seconds) make the merge commits, and so the tree digest, reproducible.
      pulls.push({
        ...git('merge', '--no-ff', pull.sha ? pull.sha : 'FETCH_HEAD'),
        env: [`GIT_AUTHOR_DATE=${timestamp}`, `GIT_COMMITTER_DATE=${timestamp}`],
      });
    }
    if (!refs.skip_submodules) pulls.push(git('submodule', 'update', '--init', '--recursive'));
    if (await runSteps(pulls)) {
      const head = await runStep(git('rev-parse', 'HEAD'), options);
      if (head.error === undefined) record.final_sha = head.stdout.trim();
    }
  }
  record.duration = Number(process.hrtime.bigint() - started);
  if (record.commands!.length === 0) delete record.commands;
  return record;
}

function formatStep(step: Step): string {
  return `PWD=${step.dir} ${step.env.join(' ')} ${step.command} ${step.args.join(' ')}`;
}

interface StepResult {
  stdout: string;
  /** stdout and stderr interleaved as they arrived. */
  output: string;
  error?: string;
}

function runStep(step: Step, options: CloneRefsOptions): Promise<StepResult> {
  if (step.command === 'mkdir') {
    return mkdir(step.args[step.args.length - 1]!, { recursive: true }).then(
      () => ({ stdout: '', output: '' }),
      (err: Error) => ({ stdout: '', output: '', error: err.message }),
    );
  }
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: process.env.HOME ?? '/',
    // The job's checkout must not depend on the machine's git config (signing, hooks, editors).
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_MERGE_AUTOEDIT: 'no',
    ...options.env,
  };
  for (const kv of step.env) {
    const eq = kv.indexOf('=');
    env[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return new Promise((resolve) => {
    let stdout = '';
    let output = '';
    const child = spawn(step.command, step.args, { cwd: step.dir, env, stdio: ['ignore', 'pipe', 'pipe'], signal: options.signal });
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; output += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { output += d; });
    child.on('error', (err) => resolve({ stdout, output, error: err.message }));
    child.on('close', (code, signal) => {
      if (code === 0) resolve({ stdout, output });
      else resolve({ stdout, output, error: signal ? `signal: ${signal}` : `exit status ${code}` });
    });
  });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}
