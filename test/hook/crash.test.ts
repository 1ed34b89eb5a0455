// Durability across SIGKILL: every delivery the hook acknowledged is handled, and its effect applied
// exactly once, after the process is killed mid-burst and started again on the same store.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../src/store/sqlite/store.js';
import { issueCommentPayload, waitFor, webhookHeaders } from './support/helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const childScript = join(here, 'support', 'hook-child.ts');

function startChild(storePath: string, effectsPath: string, env: Record<string, string> = {}): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', childScript, storePath, effectsPath], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('hook child did not start')), 45_000);
    child.once('exit', (code) => reject(new Error(`hook child exited early (${code})`)));
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve({ child, port: (JSON.parse(line) as { port: number }).port });
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

describe('hook crash safety', () => {
  it('handles every acknowledged delivery exactly once across a SIGKILL', { timeout: 120_000 }, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'prow-hook-crash-'));
    const storePath = join(dir, 'prow.db');
    const effectsPath = join(dir, 'effects.db');
    const children: ChildProcess[] = [];
    t.after(async () => {
      for (const c of children) {
        if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
        await exited(c);
      }
      rmSync(dir, { recursive: true, force: true });
    });

    const first = await startChild(storePath, effectsPath, { HANG_AFTER: '10' });
    children.push(first.child);
    const acked: string[] = [];
    const burst = Array.from({ length: 60 }, (_, i) => {
      const id = `crash-${i}`;
      const body = JSON.stringify(issueCommentPayload({ number: i % 6, body: `/x ${i}` }));
      return fetch(`http://127.0.0.1:${first.port}/hook`, {
        method: 'POST',
        headers: webhookHeaders('issue_comment', id, body, 'crash-secret'),
        body,
      }).then(async (res) => {
        if (res.status === 200 && (await res.text()) === 'Event received. Have a nice day.') acked.push(id);
      });
    });
    await Promise.all(burst);
    const effects = () => {
      const db = new Database(effectsPath, { readonly: true, fileMustExist: true });
      try {
        const handled = (db.prepare('SELECT id FROM handled').all() as { id: string }[]).map((r) => r.id);
        const invocations = (db.prepare('SELECT COUNT(*) AS n FROM invocations').get() as { n: number }).n;
        return { handled, invocations };
      } finally {
        db.close();
      }
    };
    // Kill only once handlers are hanging mid-delivery (HANG_AFTER), so the crash always interrupts work.
    await waitFor(() => {
      try {
        const e = effects();
        return e.invocations > 10 && e.handled.length === 10;
      } catch {
        return false;
      }
    }, 30_000, 'handlers in flight');
    first.child.kill('SIGKILL');
    await exited(first.child);
    assert.equal(acked.length, 60, 'every delivery of the burst was acknowledged');

    const before = effects();
    assert.equal(before.handled.length, 10, 'exactly the 10 handlers allowed to finish did so before the kill');
    assert.ok(before.invocations > 10, 'some handlers were in flight when the process died');

    const second = await startChild(storePath, effectsPath);
    children.push(second.child);
    await waitFor(() => effects().handled.length === 60, 60_000, 'all acknowledged deliveries handled after restart');
    second.child.kill('SIGTERM');
    await exited(second.child);

    const after = effects();
    assert.deepEqual([...after.handled].sort(), [...acked].sort());
    assert.ok(after.invocations >= 60);
    const store = openSqliteStore(storePath);
    try {
      for (const id of acked) assert.equal((await store.getDelivery(id))?.status, 'done', id);
    } finally {
      await store.close();
    }
  });
});
