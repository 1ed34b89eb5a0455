// Boots `prow up` as a real child process against a fake GitHub running in the test process, so a
// test can push commits, read what Prow wrote, and SIGKILL the system without losing the fake.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sendWebhook } from '../../../src/github/send-webhook.js';
import type { FakeGitHub } from '../../../src/github/fake/server.js';
import { waitFor as poll } from '../../support/wait.js';

export interface UpProcess {
  child: ChildProcess;
  hookUrl: string;
  deckUrl: string;
  output(): string;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL and wait for exit. */
  kill(): Promise<void>;
}

export interface UpEnv {
  dataDir: string;
  reposRoot: string;
  tokenFile: string;
  hmacFile: string;
  secret: string;
}

/** A data dir, token and webhook secret, and where the fake keeps its repositories (clones are rewritten there). */
export async function prepareUpEnv(root: string, fake: FakeGitHub, repo: string): Promise<UpEnv> {
  const reposRoot = dirname(dirname(await fake.repoDir(repo)));
  const tokenFile = join(root, 'token');
  writeFileSync(tokenFile, 'e2e-token\n');
  const secret = 'e2e-webhook-secret';
  const hmacFile = join(root, 'hmac');
  writeFileSync(hmacFile, `${secret}\n`);
  return { dataDir: join(root, 'data'), reposRoot, tokenFile, hmacFile, secret };
}

export async function startUp(env: UpEnv, fake: FakeGitHub, timeoutMs = 60_000, extraArgs: readonly string[] = []): Promise<UpProcess> {
  const child = spawn(
    process.execPath,
    [
      'bin/prow', 'up', '--log-format', 'text', '--data-dir', env.dataDir, '--hook-port', '0', '--deck-port', '0',
      '--github-endpoint', fake.url, '--github-token-path', env.tokenFile, '--hmac-secret-file', env.hmacFile,
      '--clone-url-rewrite', `https://github.com/=file://${env.reposRoot}/`,
      ...extraArgs,
    ],
    { env: { ...process.env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const urls = await new Promise<{ hook: string; deck: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`prow up did not start in time:\n${out}`)), timeoutMs);
    const check = (): void => {
      const hook = /hook\s+(http:\/\/\S+)\/hook/.exec(out)?.[1];
      const deck = /deck\s+(http:\/\/\S+?)\/?\s/.exec(out)?.[1];
      if (hook && deck) {
        clearTimeout(timer);
        resolve({ hook, deck });
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`prow up exited with ${code}:\n${out}`));
    });
  });
  return {
    child,
    hookUrl: urls.hook,
    deckUrl: urls.deck,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

export async function sendEvent(up: UpProcess, env: UpEnv, event: string, payload: unknown): Promise<void> {
  const res = await sendWebhook({ address: `${up.hookUrl}/hook`, event, body: JSON.stringify(payload), secret: env.secret });
  if (res.status !== 200) throw new Error(`webhook ${event}: ${res.status} ${res.body}`);
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  return poll(check, { timeoutMs, intervalMs: 100, message: what });
}

export function examplePayload(name: string): Record<string, any> {
  return JSON.parse(readFileSync(join('examples', 'payloads', name), 'utf8')) as Record<string, any>;
}

/** A pull_request event for the fake's real PR, built on the example payload's shape. */
export async function pullRequestEvent(fake: FakeGitHub, repo: string, number: number, action: string): Promise<Record<string, any>> {
  const payload = examplePayload('pull_request-opened.json');
  const issue = fake.issue(repo, number);
  const sha = await fake.headSha(repo, number);
  payload.action = action;
  payload.number = number;
  payload.pull_request.number = number;
  payload.pull_request.head.sha = sha;
  payload.pull_request.base.sha = (await fake.branchSha(repo, 'main')) ?? payload.pull_request.base.sha;
  if (issue) {
    payload.pull_request.title = issue.title;
    payload.pull_request.user.login = issue.user;
    payload.sender.login = issue.user;
  }
  if (action === 'synchronize') payload.before = payload.pull_request.base.sha;
  return payload;
}
