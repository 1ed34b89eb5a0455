import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { createLogger } from '../../src/observability/logger.js';
import { openSqliteStore, storePath, STORE_FILENAME, type SqliteStore } from '../../src/store/sqlite/store.js';
import { AlreadyExistsError, NotFoundError, type ObjectWatchEvent, type WatchEvent } from '../../src/store/types.js';
import { makeProwJob } from './fixtures/prowjobs.js';
import { waitFor as poll } from '../support/wait.js';
import { describeProwJobStoreContract } from './prowjob-store-contract.js';

const execFileP = promisify(execFile);
const CHILD = fileURLToPath(new URL('./fixtures/store-child.ts', import.meta.url));

async function runChild(db: string, action: string, name?: string): Promise<string> {
  const args = ['--import', 'tsx', CHILD, db, action, ...(name ? [name] : [])];
  const { stdout } = await execFileP(process.execPath, args, { timeout: 20_000 });
  return stdout;
}

/** Collects the events that carry a job (these watches ask for no bookmarks). */
function push(events: ObjectWatchEvent[]): (e: WatchEvent) => void {
  return (e) => {
    if (!('prowjob' in e)) throw new Error(`unexpected ${e.type} event`);
    events.push(e);
  };
}

async function waitFor(what: string, cond: () => boolean, timeoutMs = 5000): Promise<void> {
  await poll(cond, { timeoutMs, message: what });
}

describe('sqlite store', () => {
  let dir: string;
  let db: string;
  let store: SqliteStore;
  let now: Date;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'prow-store-'));
    db = storePath(join(dir, 'data'));
    now = new Date('2026-03-01T12:00:00.000Z');
    store = openSqliteStore(db, { pollIntervalMs: 20, now: () => now, maxDeliveryAttempts: 3 });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('puts the store at <data-dir>/prow.db', () => {
    assert.equal(STORE_FILENAME, 'prow.db');
    assert.equal(storePath('.prow'), join('.prow', 'prow.db'));
  });

  describe('prowjobs', () => {
    it('stamps creationTimestamp from its clock and the namespace default; resourceVersions are counters', async () => {
      const created = await store.createProwJob(makeProwJob('a'));
      assert.match(created.metadata.resourceVersion ?? '', /^\d+$/);
      assert.equal(created.metadata.creationTimestamp, '2026-03-01T12:00:00Z');
      assert.equal(created.metadata.namespace, 'default');
      const next = structuredClone(created);
      next.status.state = 'pending';
      const updated = await store.updateProwJob(next);
      assert.ok(Number(updated.metadata.resourceVersion) > Number(created.metadata.resourceVersion));
    });

    it('keeps data across reopening the file', async () => {
      await store.createProwJob(makeProwJob('a'));
      await store.close();
      store = openSqliteStore(db);
      assert.equal((await store.getProwJob('a'))?.spec.job, 'ci-job');
    });

    it('resourceVersions increase across jobs', async () => {
      const a = await store.createProwJob(makeProwJob('a'));
      const b = await store.createProwJob(makeProwJob('b'));
      assert.ok(Number(b.metadata.resourceVersion) > Number(a.metadata.resourceVersion));
    });

  });

  describe('group commit and partial updates', () => {
    it('writes issued in one tick commit together, each failing on its own, in issue order', async () => {
      await store.createProwJob(makeProwJob('taken'));
      const events: string[] = [];
      const watch = store.watchProwJobs({}, (e) => { if ('prowjob' in e) events.push(`${e.type} ${e.prowjob.metadata.name} ${e.prowjob.metadata.resourceVersion}`); });
      const results = await Promise.allSettled([
        store.createProwJob(makeProwJob('x1')),
        store.createProwJob(makeProwJob('taken')),
        store.createProwJob(makeProwJob('x2')),
        store.updateProwJob(makeProwJob('missing')),
        store.nextBuildNumber('some-job'),
        store.deleteProwJob('x1'),
      ]);
      assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      assert.ok((results[1] as PromiseRejectedResult).reason instanceof AlreadyExistsError);
      assert.ok((results[3] as PromiseRejectedResult).reason instanceof NotFoundError);
      assert.equal((results[4] as PromiseFulfilledResult<number>).value, 1);
      const x1 = (results[0] as PromiseFulfilledResult<{ metadata: { resourceVersion?: string } }>).value;
      const x2 = (results[2] as PromiseFulfilledResult<{ metadata: { resourceVersion?: string } }>).value;
      // The failed create rolled back its resourceVersion: the two successful ones are consecutive.
      assert.equal(Number(x2.metadata.resourceVersion), Number(x1.metadata.resourceVersion) + 1);
      assert.equal(await store.getProwJob('x1'), undefined);
      assert.equal((await store.getProwJob('x2'))?.metadata.resourceVersion, x2.metadata.resourceVersion);
      await waitFor('three events', () => events.length === 3);
      assert.deepEqual(events.map((e) => e.split(' ').slice(0, 2).join(' ')), ['added x1', 'added x2', 'deleted x1']);
      watch.close();
    });

    it('wakes local watchers only after the writer has resumed, so it can recognise its own echo', async () => {
      let recorded = false;
      let recordedWhenSeen: boolean | undefined;
      const watch = store.watchProwJobs({}, () => { recordedWhenSeen ??= recorded; });
      await store.createProwJob(makeProwJob('echo'));
      recorded = true;
      await waitFor('the added event', () => recordedWhenSeen !== undefined);
      assert.equal(recordedWhenSeen, true);
      watch.close();
    });

    it('a read, or close, right after an unawaited write sees that write', async () => {
      const pending = store.createProwJob(makeProwJob('early'));
      assert.equal((await store.getProwJob('early'))?.metadata.name, 'early');
      assert.equal((await store.queryProwJobs({})).prowjobs.length, 1);
      await pending;
      const vend = store.nextBuildNumber('j');
      await store.close();
      assert.equal(await vend, 1);
      const reopened = openSqliteStore(db);
      try {
        assert.equal(await reopened.currentBuildNumber('j'), 1);
      } finally {
        await reopened.close();
      }
    });

    it('an update that changes some indexed fields keeps every column and label in step', async () => {
      await store.createProwJob(makeProwJob('u', { job: 'j1', org: 'o', repo: 'r', pull: 1, labels: { a: '1', b: '2' } }));
      const pj = (await store.getProwJob('u'))!;
      pj.status.state = 'pending';
      pj.status.description = 'only the state and the doc change';
      await store.updateProwJob(pj);
      assert.deepEqual((await store.queryProwJobs({ state: 'pending' })).prowjobs.map((p) => p.metadata.name), ['u']);
      assert.deepEqual((await store.queryProwJobs({ state: 'triggered' })).prowjobs, []);
      assert.deepEqual((await store.queryProwJobs({ job: 'j1', org: 'o', repo: 'r', pull: 1 })).prowjobs.length, 1);
      assert.deepEqual(((await store.listProwJobs({ labels: { a: '1', b: '2' } })).items).length, 1);
      const next = (await store.getProwJob('u'))!;
      next.spec.job = 'j2';
      next.spec.refs!.pulls![0]!.number = 7;
      next.status.state = 'success';
      next.status.completionTime = '2026-01-02T00:00:00Z';
      next.metadata.labels = { b: '3' };
      await store.updateProwJob(next);
      assert.deepEqual((await store.queryProwJobs({ job: 'j1' })).prowjobs, []);
      assert.deepEqual((await store.queryProwJobs({ job: 'j2', pull: 7, complete: true, state: 'success' })).prowjobs.length, 1);
      assert.deepEqual((await store.listProwJobs({ labels: { a: '1' } })).items, []);
      assert.deepEqual((await store.listProwJobs({ labels: { b: '2' } })).items, []);
      assert.deepEqual(((await store.listProwJobs({ labels: { b: '3' } })).items).map((p) => p.metadata.name), ['u']);
    });
  });

  describe('watch', () => {
    it('sees changes written by a second process on the same file', async () => {
      const events: ObjectWatchEvent[] = [];
      const watch = store.watchProwJobs({}, push(events));
      await runChild(db, 'create', 'remote');
      await runChild(db, 'update', 'remote');
      await runChild(db, 'delete', 'remote');
      await waitFor('3 remote events', () => events.length >= 3);
      watch.close();
      assert.deepEqual(events.map((e) => `${e.type}:${e.prowjob.metadata.name}`),
        ['added:remote', 'modified:remote', 'deleted:remote']);
      assert.equal(events[0]!.prowjob.metadata.labels?.origin, 'child');
      assert.equal(events[2]!.prowjob.status.state, 'pending');
    });

    it('trims the change log after the retention', async () => {
      await store.createProwJob(makeProwJob('a'));
      assert.equal(store.trimChangeLog(), 0);
      now = new Date(now.getTime() + 11 * 60_000);
      assert.equal(store.trimChangeLog(), 1);
      // A new watch still only sees changes after it started.
      const events: ObjectWatchEvent[] = [];
      const watch = store.watchProwJobs({}, push(events));
      await store.createProwJob(makeProwJob('b'));
      await waitFor('one event', () => events.length >= 1);
      watch.close();
      assert.deepEqual(events.map((e) => e.prowjob.metadata.name), ['b']);
    });
  });

  describe('watch from a resourceVersion', () => {
    it('sends bookmarks past changes the selector leaves out, when asked', async () => {
      const events: WatchEvent[] = [];
      const watch = store.watchProwJobs({ labels: { keep: 'yes' }, allowBookmarks: true }, (e) => events.push(e));
      const skipped = await store.createProwJob(makeProwJob('skip', { labels: { keep: 'no' } }));
      await waitFor('a bookmark', () => events.length >= 1);
      watch.close();
      assert.deepEqual(events, [{ type: 'bookmark', resourceVersion: skipped.metadata.resourceVersion }]);
    });

    it('expires at once from a resourceVersion the change log no longer holds', async () => {
      const old = await store.createProwJob(makeProwJob('old'));
      await store.createProwJob(makeProwJob('newer'));
      now = new Date(now.getTime() + 11 * 60_000);
      assert.equal(store.trimChangeLog(), 2);
      const events: WatchEvent[] = [];
      store.watchProwJobs({ resourceVersion: old.metadata.resourceVersion! }, (e) => events.push(e));
      await waitFor('expired', () => events.length >= 1);
      assert.deepEqual(events, [{ type: 'expired' }]);
      // The newest resourceVersion is still good: nothing after it was trimmed.
      const list = await store.listProwJobs();
      const fresh: ObjectWatchEvent[] = [];
      const watch = store.watchProwJobs({ resourceVersion: list.resourceVersion }, push(fresh));
      await store.createProwJob(makeProwJob('later'));
      await waitFor('one event', () => fresh.length >= 1);
      watch.close();
      assert.deepEqual(fresh.map((e) => e.prowjob.metadata.name), ['later']);
    });

    it('expires the rows of a store reopened across a trim', async () => {
      const old = await store.createProwJob(makeProwJob('old'));
      now = new Date(now.getTime() + 11 * 60_000);
      assert.equal(store.trimChangeLog(), 1);
      await store.close();
      const reopened = openSqliteStore(db);
      try {
        const events: WatchEvent[] = [];
        reopened.watchProwJobs({ resourceVersion: String(Number(old.metadata.resourceVersion) - 1) }, (e) => events.push(e));
        await waitFor('expired', () => events.length >= 1);
        assert.deepEqual(events, [{ type: 'expired' }]);
      } finally {
        await reopened.close();
      }
    });
  });

  describe('watch falling behind', () => {
    it('ends with expired when trimmed history was never seen', async () => {
      const lines: string[] = [];
      const destination = new Writable({ write(chunk: Buffer, _enc, done) { lines.push(chunk.toString()); done(); } });
      const reader = openSqliteStore(db, { pollIntervalMs: 30, log: createLogger({ destination, level: 'warn' }) });
      try {
        const events: WatchEvent[] = [];
        reader.watchProwJobs({}, (e) => events.push(e));
        // No timer can run between these awaits: the reader has not polled yet when history is trimmed.
        await store.createProwJob(makeProwJob('lost-1'));
        await store.createProwJob(makeProwJob('lost-2'));
        now = new Date(now.getTime() + 11 * 60_000);
        assert.equal(store.trimChangeLog(), 2);
        await store.createProwJob(makeProwJob('seen'));
        await waitFor('the reader to poll', () => events.length >= 1);
        // 'seen' came in the same poll, after the hole: the watch ended before it.
        assert.deepEqual(events, [{ type: 'expired' }]);
        assert.equal(lines.filter((l) => l.includes('watch fell behind')).length, 1);
      } finally {
        await reader.close();
      }
    });
  });

  describe('deliveries', () => {
    const delivery = (id: string, orderKey?: string) => ({
      id, event: 'issue_comment', payload: `{"id":"${id}"}`, receivedAt: '2026-03-01T12:00:00Z',
      ...(orderKey ? { orderKey } : {}),
    });

    it('deliveries enqueued in one event-loop turn commit together at its end, each settling after the commit', async () => {
      const reader = new Database(db, { readonly: true });
      try {
        const committed = () => (reader.prepare('SELECT count(*) AS n FROM deliveries').get() as { n: number }).n;
        const pending = [
          store.enqueueDelivery(delivery('t1', 'o/r#1')),
          store.enqueueDelivery(delivery('t2', 'o/r#1')),
          store.enqueueDelivery(delivery('')),
          store.enqueueDelivery(delivery('t1', 'o/r#1')),
        ];
        let settled = 0;
        for (const p of pending) p.then(() => settled++, () => settled++);
        await Promise.resolve();
        assert.equal(committed(), 0, 'nothing is committed before the check phase');
        assert.equal(settled, 0, 'nothing settles before its commit');
        const results = await Promise.allSettled(pending);
        assert.deepEqual(results.map((r) => (r.status === 'fulfilled' ? r.value : 'rejected')), [true, true, 'rejected', false]);
        assert.equal(committed(), 2, 'both new deliveries are visible to another connection once acknowledged');
        // The order key's head is worked out inside the batch: t2 waits behind t1.
        assert.deepEqual((await store.claimDeliveries(10)).map((d) => d.id), ['t1']);
      } finally {
        reader.close();
      }
    });

    it('dedups by delivery id', async () => {
      assert.equal(await store.enqueueDelivery(delivery('d1')), true);
      assert.equal(await store.enqueueDelivery(delivery('d1')), false);
      const stored = await store.getDelivery('d1');
      assert.equal(stored?.status, 'queued');
      assert.equal(stored?.payload, '{"id":"d1"}');
      assert.equal((await store.claimDeliveries(10)).length, 1);
    });

    it('claims oldest first, one at a time per order key', async () => {
      await store.enqueueDelivery(delivery('k1-a', 'o/r#1'));
      await store.enqueueDelivery(delivery('k2-a', 'o/r#2'));
      await store.enqueueDelivery(delivery('k1-b', 'o/r#1'));
      await store.enqueueDelivery(delivery('free'));
      const first = await store.claimDeliveries(10);
      assert.deepEqual(first.map((d) => d.id), ['k1-a', 'k2-a', 'free']);
      assert.equal(first[0]!.status, 'claimed');
      assert.equal(first[0]!.attempts, 1);
      assert.deepEqual(await store.claimDeliveries(10), [], 'k1-b waits while k1-a is claimed');
      await store.completeDelivery('k1-a');
      assert.equal((await store.getDelivery('k1-a'))?.status, 'done');
      assert.deepEqual((await store.claimDeliveries(10)).map((d) => d.id), ['k1-b']);
      await assert.rejects(store.completeDelivery('nope'), NotFoundError);
    });

    it('retries after notBefore, keeps key order while waiting, and fails after max attempts', async () => {
      await store.enqueueDelivery(delivery('a', 'k'));
      await store.enqueueDelivery(delivery('b', 'k'));
      for (let attempt = 1; attempt <= 3; attempt++) {
        const claimed = await store.claimDeliveries(10);
        assert.deepEqual(claimed.map((d) => d.id), ['a'], `attempt ${attempt}`);
        await store.retryDelivery('a', `err ${attempt}`, new Date(now.getTime() + 1000).toISOString());
        if (attempt < 3) {
          const waiting = await store.getDelivery('a');
          assert.equal(waiting?.status, 'queued');
          assert.equal(waiting?.lastError, `err ${attempt}`);
          assert.deepEqual(await store.claimDeliveries(10), [], 'not before notBefore, and b waits behind a');
          now = new Date(now.getTime() + 1000);
        }
      }
      const failed = await store.getDelivery('a');
      assert.equal(failed?.status, 'failed');
      assert.equal(failed?.attempts, 3);
      assert.deepEqual((await store.claimDeliveries(10)).map((d) => d.id), ['b']);
      await assert.rejects(store.retryDelivery('a', 'x', 'not a date'), /not RFC 3339/);
    });

    it('requeues deliveries claimed by a process that died', async () => {
      await store.enqueueDelivery(delivery('x', 'k'));
      await store.enqueueDelivery(delivery('y'));
      const claimedByChild = JSON.parse(await runChild(db, 'claim-and-die')) as string[];
      assert.deepEqual(claimedByChild, ['x', 'y']);
      assert.deepEqual(await store.claimDeliveries(10), []);
      assert.equal(await store.requeueClaimedDeliveries(), 2);
      const again = await store.claimDeliveries(10);
      assert.deepEqual(again.map((d) => [d.id, d.attempts]), [['x', 2], ['y', 2]]);
    });

    it('marks failed a delivery that was claimed max attempts times by dying processes', async () => {
      await store.enqueueDelivery(delivery('poison'));
      for (let i = 0; i < 3; i++) {
        assert.equal((await store.claimDeliveries(1)).length, 1);
        await store.requeueClaimedDeliveries();
      }
      assert.equal((await store.getDelivery('poison'))?.status, 'failed');
      assert.deepEqual(await store.claimDeliveries(1), []);
    });

    it('two processes claiming the same queue at once never claim one delivery twice', async () => {
      const ids = Array.from({ length: 400 }, (_, i) => `d${i}`);
      for (const id of ids) await store.enqueueDelivery(delivery(id));
      const claimer = () => {
        const child = spawn(process.execPath, ['--import', 'tsx', CHILD, db, 'claim'], { stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        child.stdout.on('data', (b: Buffer) => { out += b.toString(); });
        const done = new Promise<string[]>((resolve, reject) => {
          child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out.split('\n')[1]!) as string[]) : reject(new Error(`claimer exited ${code}`))));
        });
        return { child, done, ready: () => out.startsWith('ready') };
      };
      const a = claimer();
      const b = claimer();
      try {
        await waitFor('both claimers ready', () => a.ready() && b.ready(), 20_000);
        writeFileSync(`${db}.go`, '');
        const [claimedA, claimedB] = await Promise.all([a.done, b.done]);
        const all = [...claimedA, ...claimedB].sort();
        assert.deepEqual(all, [...ids].sort());
        assert.equal(new Set(all).size, ids.length);
        assert.ok(claimedA.length > 0 && claimedB.length > 0, `both claimed: ${claimedA.length} + ${claimedB.length}`);
        for (const id of ids) assert.equal((await store.getDelivery(id))?.status, 'done');
      } finally {
        a.child.kill();
        b.child.kill();
      }
    });

    // The rule claimDeliveries implemented before heads existed, as a full-table query: the reference.
    const REFERENCE_CLAIMABLE = `SELECT d.id FROM deliveries d
      WHERE d.status = 'queued' AND (d.not_before_ms IS NULL OR d.not_before_ms <= @now)
        AND (d.order_key IS NULL OR NOT EXISTS (SELECT 1 FROM deliveries o WHERE o.order_key = d.order_key
          AND (o.status = 'claimed' OR (o.status = 'queued' AND o.seq < d.seq))))
      ORDER BY d.seq LIMIT @limit`;

    it('claims exactly what a full scan of the queue would, through random enqueues, claims, retries and requeues', async () => {
      const raw = new Database(db, { readonly: true });
      try {
        const reference = raw.prepare<[{ now: number; limit: number }], { id: string }>(REFERENCE_CLAIMABLE);
        let seed = 12345;
        const rand = (n: number) => { // mulberry32: a fixed sequence, so a failure replays
          seed = (seed + 0x6d2b79f5) | 0;
          let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
          t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
          return Math.floor((((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * n);
        };
        const keys = ['o/r#1', 'o/r#2', 'o/r#3', undefined];
        const claimed: string[] = [];
        const finished: string[] = [];
        let next = 0;
        let claims = 0;
        for (let step = 0; step < 1500; step++) {
          const op = rand(100);
          if (op < 35) {
            await store.enqueueDelivery(delivery(`d${next++}`, keys[rand(keys.length)]));
          } else if (op < 65) {
            const limit = 1 + rand(4);
            const expected = reference.all({ now: now.getTime(), limit }).map((r) => r.id);
            const got = (await store.claimDeliveries(limit)).map((d) => d.id);
            assert.deepEqual(got, expected, `step ${step}`);
            claimed.push(...got);
            claims += got.length;
          } else if (op < 80 && claimed.length) {
            const id = claimed.splice(rand(claimed.length), 1)[0]!;
            await store.completeDelivery(id);
            finished.push(id);
          } else if (op < 90 && claimed.length) {
            const id = claimed.splice(rand(claimed.length), 1)[0]!;
            await store.retryDelivery(id, 'boom', new Date(now.getTime() + rand(3) * 1000).toISOString());
          } else if (op < 93 && finished.length) {
            // Not what hook does, but allowed: a finished delivery put back in the queue.
            await store.retryDelivery(finished.splice(rand(finished.length), 1)[0]!, 'again', undefined);
          } else if (op < 97) {
            now = new Date(now.getTime() + 1000);
          } else {
            await store.requeueClaimedDeliveries();
            claimed.length = 0;
          }
        }
        assert.ok(claims > 200, `enough claims to mean something: ${claims}`);
      } finally {
        raw.close();
      }
    });

    it('works out every key\'s head when it opens a store written before heads existed', async () => {
      await store.enqueueDelivery(delivery('a1', 'k1'));
      await store.enqueueDelivery(delivery('a2', 'k1'));
      await store.enqueueDelivery(delivery('b1', 'k2'));
      await store.enqueueDelivery(delivery('b2', 'k2'));
      await store.enqueueDelivery(delivery('c1', 'k3'));
      await store.enqueueDelivery(delivery('c2', 'k3'));
      await store.enqueueDelivery(delivery('free'));
      assert.deepEqual((await store.claimDeliveries(2)).map((d) => d.id), ['a1', 'b1']);
      await store.completeDelivery('b1');
      await store.close();
      const raw = new Database(db);
      raw.exec(`DROP TRIGGER deliveries_move_head; DROP INDEX deliveries_ready; DROP INDEX deliveries_heads; ALTER TABLE deliveries DROP COLUMN head`);
      raw.close();
      store = openSqliteStore(db, { now: () => now, maxDeliveryAttempts: 3 });
      // a1 is still claimed (k1 waits), b2 now leads k2, c1 leads k3.
      assert.deepEqual((await store.claimDeliveries(10)).map((d) => d.id), ['b2', 'c1', 'free']);
      await store.completeDelivery('a1');
      assert.deepEqual((await store.claimDeliveries(10)).map((d) => d.id), ['a2']);
    });

    it('a keyed delivery failed by requeueClaimedDeliveries lets the next one with its key through', async () => {
      await store.enqueueDelivery(delivery('poison', 'k'));
      await store.enqueueDelivery(delivery('after', 'k'));
      for (let i = 0; i < 3; i++) {
        assert.deepEqual((await store.claimDeliveries(5)).map((d) => d.id), ['poison']);
        await store.requeueClaimedDeliveries();
      }
      assert.equal((await store.getDelivery('poison'))?.status, 'failed');
      assert.deepEqual((await store.claimDeliveries(5)).map((d) => d.id), ['after']);
    });
  });

  describe('build numbers', () => {
    it('increments per job and persists', async () => {
      assert.equal(await store.currentBuildNumber('j'), 0);
      assert.equal(await store.nextBuildNumber('j'), 1);
      assert.equal(await store.nextBuildNumber('j'), 2);
      assert.equal(await store.nextBuildNumber('other'), 1);
      assert.equal(await store.currentBuildNumber('j'), 2);
      await store.close();
      store = openSqliteStore(db);
      assert.equal(await store.nextBuildNumber('j'), 3);
    });
  });
});

describeProwJobStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'prow-store-contract-'));
  const db = storePath(join(dir, 'data'));
  let now = new Date('2026-03-01T12:00:00.000Z');
  const store = openSqliteStore(db, { pollIntervalMs: 20, now: () => now });
  return {
    store,
    namespace: 'default',
    async expireHistory() {
      now = new Date(now.getTime() + 11 * 60_000);
      store.trimChangeLog();
    },
    async openAnother() {
      return openSqliteStore(db, { pollIntervalMs: 20 });
    },
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
