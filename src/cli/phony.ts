import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { sendWebhook } from '../github/send-webhook.js';
import { StartupError } from './support/preflight.js';

interface PhonyFlags {
  address: string;
  hmac: string;
  hmacSecretFile?: string;
  event: string;
  payload?: string;
}

export function createCommand(): Command {
  return new Command('phony')
    .description('send a fake, correctly signed GitHub webhook to hook')
    .option('--address <url>', 'where to send the fake hook', 'http://localhost:8888/hook')
    .option('--hmac <token>', 'HMAC token to sign the payload with', 'abcde12345')
    .option('--hmac-secret-file <file>', "read the HMAC token from a file (raw token, or hook's YAML token map: the newest '*' value)")
    .option('--event <type>', 'type of event to send, such as pull_request', 'ping')
    .option('--payload <file>', 'file to send as the payload (default "{}")')
    .action(async (flags: PhonyFlags) => {
      const secret = flags.hmacSecretFile ? readHmacFile(flags.hmacSecretFile) : flags.hmac;
      const body = flags.payload ? readFileOrExit(flags.payload) : '{}';
      try {
        const res = await sendWebhook({ address: flags.address, event: flags.event, body, secret });
        process.stdout.write(`${res.status} (delivery ${res.deliveryId})\n${res.body}${res.body.endsWith('\n') ? '' : '\n'}`);
        if (res.status < 200 || res.status >= 300) process.exitCode = 1;
      } catch (err) {
        process.stderr.write(`phony: sending to ${flags.address} failed: ${unreachable(err)}\n`);
        process.exitCode = 1;
      }
    });
}

function readFileOrExit(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new StartupError(`cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message}`, { cause: err });
  }
}

/** A raw token (trimmed), or upstream's `{'*': [{value, created_at}]}` map: the newest global value. */
function readHmacFile(path: string): string {
  const text = readFileOrExit(path).trim();
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch {
    return text;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return text;
  const global = (doc as Record<string, unknown>)['*'];
  if (!Array.isArray(global)) return text;
  const tokens = global.filter((t): t is { value: string; created_at?: unknown } => typeof (t as { value?: unknown }).value === 'string');
  tokens.sort((a, b) => String(b.created_at ?? '').localeCompare(String(a.created_at ?? '')));
  return tokens[0]?.value ?? text;
}

/** fetch's "fetch failed" says nothing: name the cause (refused, unknown host, timeout). */
function unreachable(err: unknown): string {
  const cause = (err as { cause?: NodeJS.ErrnoException & { hostname?: string } }).cause;
  switch (cause?.code) {
    case 'ECONNREFUSED':
      return 'connection refused (is hook running and listening there?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `unknown host ${cause.hostname ?? ''}`.trim();
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'connection timed out';
    default:
      return cause?.message ?? (err as Error).message;
  }
}
