import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProwJob } from '../../src/api/prowjob.js';
import { createSilentLogger } from '../../src/observability/logger.js';
import { createProwJobInformer, type InformerHandler, type ProwJobInformer } from '../../src/store/informer.js';
import { duplicateKey } from '../../src/api/duplicate-key.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/store.js';
import { makeProwJob, type ProwJobFixture } from './fixtures/prowjobs.js';
import { waitFor as poll } from '../support/wait.js';

const log = createSilentLogger();

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  await poll(cond, { timeoutMs, message: what });
}

/** Records handler calls as short strings: `add a`, `update a triggered->pending`, `resync a`, `delete a`. */
function recorder(): InformerHandler & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    onAdd: (pj) => calls.push(`add ${pj.metadata.name}`),
    onUpdate: (old, pj) => calls.push(old === pj ? `resync ${pj.metadata.name}` : `update ${pj.metadata.name} ${old.status.state}->${pj.status.state}`),
    onDelete: (pj) => calls.push(`delete ${pj.metadata.name}`),
  };
}

const names = (jobs: ProwJob[]): string[] => jobs.map((pj) => pj.metadata.name);

function presubmit(name: string, f: ProwJobFixture & { queue?: string } = {}): ProwJob {
  const pj = makeProwJob(name, { type: 'presubmit', org: 'o', repo: 'r', pull: 1, ...f });
  if (f.queue) pj.spec.job_queue_name = f.queue;
  return pj;
}

describe('prowjob informer', () => {
  let dir: string;
  let store: SqliteStore;
  let now: Date;
  const informers: ProwJobInformer[] = [];
  const stores: SqliteStore[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'prow-informer-'));
    now = new Date('2026-03-01T12:00:00Z');
    store = openSqliteStore(join(dir, 'prow.db'), { pollIntervalMs: 20, now: () => now });
  });

  afterEach(async () => {
    for (const informer of informers.splice(0)) informer.close();
    for (const s of stores.splice(0)) await s.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function informerOf(over: SqliteStore = store, options: { resyncPeriodMs?: number; labels?: Record<string, string> } = {}): ProwJobInformer {
    const informer = createProwJobInformer(over, { log, ...options });
    informers.push(informer);
    return informer;
  }

  /** The informer has read everything the store holds now (deletions included). */
  async function caughtUp(informer: ProwJobInformer, over: SqliteStore = store): Promise<void> {
    const { resourceVersion } = await over.listProwJobs();
    await waitFor(`the informer at ${resourceVersion}`, () => informer.resourceVersion() === resourceVersion);
  }

  it('starts with the list: get, list, hasSynced, and onAdd for each job', async () => {
    await store.createProwJob(makeProwJob('b', { labels: { team: 'x' } }));
    await store.createProwJob(makeProwJob('a'));
    const informer = informerOf();
    const handler = recorder();
    informer.addHandler(handler);
    assert.equal(informer.hasSynced(), false);
    await informer.start();
    assert.equal(informer.hasSynced(), true);
    assert.deepEqual(handler.calls.sort(), ['add a', 'add b']);
    assert.deepEqual(names(informer.list()), ['a', 'b']);
    assert.deepEqual(names(informer.list({ team: 'x' })), ['b']);
    assert.equal(informer.get('a')?.metadata.name, 'a');
    assert.equal(informer.get('missing'), undefined);
    assert.equal(informer.resourceVersion(), (await store.listProwJobs()).resourceVersion);
  });

  it('follows the watch: add, update with the old object, delete with the last one', async () => {
    const informer = informerOf();
    await informer.start();
    const handler = recorder();
    informer.addHandler(handler);
    const created = await store.createProwJob(makeProwJob('a'));
    created.status.state = 'pending';
    await store.updateProwJob(created);
    await store.createProwJob(makeProwJob('b'));
    await store.deleteProwJob('a');
    await caughtUp(informer);
    assert.deepEqual(handler.calls, ['add a', 'update a triggered->pending', 'add b', 'delete a']);
    assert.deepEqual(names(informer.list()), ['b']);
    assert.equal(informer.get('a'), undefined);
  });

  it('a handler added after start first hears of every cached job; unsubscribing stops it', async () => {
    await store.createProwJob(makeProwJob('a'));
    const informer = informerOf();
    await informer.start();
    const handler = recorder();
    const unsubscribe = informer.addHandler(handler);
    assert.deepEqual(handler.calls, ['add a']);
    unsubscribe();
    await store.createProwJob(makeProwJob('b'));
    await caughtUp(informer);
    assert.deepEqual(handler.calls, ['add a']);
    assert.deepEqual(names(informer.list()), ['a', 'b']);
  });

  it('a late handler over many jobs gets its adds in slices, and an event for a job not yet added arrives as that add', async () => {
    const count = 3000;
    for (let i = 0; i < count; i++) await store.createProwJob(makeProwJob(`job-${String(i).padStart(5, '0')}`));
    const informer = informerOf();
    await informer.start();
    const seen = new Map<string, string[]>();
    const slow: InformerHandler = {
      // ~0.3 ms a call: one pass takes about a second, far longer than one slice or the watch's 20 ms poll.
      onAdd: (pj) => { spin(0.3); (seen.get(pj.metadata.name) ?? seen.set(pj.metadata.name, []).get(pj.metadata.name)!).push(`add ${pj.status.state}`); },
      onUpdate: (old, pj) => { (seen.get(pj.metadata.name) ?? seen.set(pj.metadata.name, []).get(pj.metadata.name)!).push(`update ${old.status.state}->${pj.status.state}`); },
    };
    informer.addHandler(slow);
    assert.ok(seen.size < count, `the pass yields to the event loop before it is done (${seen.size} of ${count} delivered at once)`);
    const last = `job-${String(count - 1).padStart(5, '0')}`;
    const current = (await store.getProwJob(last))!;
    current.status.state = 'pending';
    await store.updateProwJob(current);
    // A job created during the pass: its watch event adds it, and the pass (walking the cache's live keys) does not add it again.
    await store.createProwJob(makeProwJob('job-created-meanwhile'));
    await waitFor('every job delivered', () => seen.size === count + 1, 30_000);
    await caughtUp(informer);
    assert.deepEqual(seen.get(last), ['add pending'], 'the job updated before its add was delivered is added once, as it is now');
    assert.equal(seen.get('job-created-meanwhile')?.length, 1, 'the job created during the pass is added once');
    assert.ok([...seen.values()].every((calls) => calls.length === 1 && calls[0]!.startsWith('add ')), 'every other job: exactly one add');
  });

  it('lists again when its watch expires, and ends as the store is, telling handlers the difference', async () => {
    // The informer's store polls rarely: changes made through another handle pile up unread.
    const slow = openSqliteStore(join(dir, 'prow.db'), { pollIntervalMs: 60_000, now: () => now });
    stores.push(slow);
    await store.createProwJob(makeProwJob('kept'));
    const changed = await store.createProwJob(makeProwJob('changed'));
    await store.createProwJob(makeProwJob('deleted'));
    const informer = informerOf(slow);
    await informer.start();
    const handler = recorder();
    informer.addHandler(handler);
    handler.calls.length = 0;
    const before = informer.resourceVersion();

    changed.status.state = 'pending';
    await store.updateProwJob(changed);
    await store.deleteProwJob('deleted');
    await store.createProwJob(makeProwJob('added'));
    now = new Date(now.getTime() + 11 * 60_000);
    assert.equal(store.trimChangeLog(), 6); // every change so far: the informer's resourceVersion is gone
    // A write through the informer's own handle wakes its watch, which finds the hole.
    await slow.createProwJob(makeProwJob('wake'));
    await caughtUp(informer, slow);

    assert.notEqual(informer.resourceVersion(), before);
    assert.deepEqual(names(informer.list()), names((await store.listProwJobs()).items));
    assert.deepEqual(names(informer.list()), ['added', 'changed', 'kept', 'wake']);
    assert.equal(informer.get('changed')?.status.state, 'pending');
    assert.deepEqual(handler.calls.sort(), ['add added', 'add wake', 'delete deleted', 'update changed triggered->pending']);
    // And it keeps watching from the new list.
    await store.createProwJob(makeProwJob('after'));
    await slow.createProwJob(makeProwJob('wake-2'));
    await caughtUp(informer, slow);
    assert.ok(informer.get('after'));
  });

  it('resync hands every cached job to the handlers again, as an update to itself', async () => {
    await store.createProwJob(makeProwJob('a'));
    await store.createProwJob(makeProwJob('b'));
    const informer = informerOf(store, { resyncPeriodMs: 20 });
    const handler = recorder();
    informer.addHandler(handler);
    await informer.start();
    await waitFor('two resyncs of each job', () => handler.calls.filter((c) => c.startsWith('resync')).length >= 4);
    assert.deepEqual([...new Set(handler.calls)].sort(), ['add a', 'add b', 'resync a', 'resync b']);
  });

  it('a handler that throws neither stops the others nor the informer', async () => {
    const informer = informerOf();
    await informer.start();
    informer.addHandler({ onAdd: () => { throw new Error('boom'); } });
    const handler = recorder();
    informer.addHandler(handler);
    await store.createProwJob(makeProwJob('a'));
    await store.createProwJob(makeProwJob('b'));
    await caughtUp(informer);
    assert.deepEqual(handler.calls, ['add a', 'add b']);
  });

  it('with a label selector: holds only matching jobs and still moves its resourceVersion past the rest', async () => {
    const informer = informerOf(store, { labels: { team: 'x' } });
    await informer.start();
    await store.createProwJob(makeProwJob('mine', { labels: { team: 'x' } }));
    await store.createProwJob(makeProwJob('theirs', { labels: { team: 'y' } }));
    await caughtUp(informer); // through a bookmark: the last change is one it leaves out
    assert.deepEqual(names(informer.list()), ['mine']);
  });

  it('keeps the job, queue, duplicate and state indexes right across add, modify and delete', async () => {
    const informer = informerOf();
    await informer.start();
    const a = await store.createProwJob(presubmit('a', { job: 'unit', queue: 'q1' }));
    await store.createProwJob(presubmit('b', { job: 'unit', queue: 'q1' }));
    await store.createProwJob(presubmit('c', { job: 'unit', pull: 2 }));
    await store.createProwJob(makeProwJob('p', { job: 'unit', type: 'periodic' }));
    await caughtUp(informer);
    const key1 = duplicateKey(a);
    const key2 = duplicateKey((await store.getProwJob('c'))!);
    assert.notEqual(key1, key2);
    assert.deepEqual(names(informer.byIndex('job', 'unit')), ['a', 'b', 'c', 'p']);
    assert.deepEqual(names(informer.byIndex('queue', 'q1')), ['a', 'b']);
    assert.deepEqual(names(informer.byIndex('duplicate', key1)), ['a', 'b']);
    assert.deepEqual(names(informer.byIndex('duplicate', key2)), ['c']);
    assert.deepEqual(names(informer.byIndex('state', 'triggered')), ['a', 'b', 'c', 'p']);
    assert.deepEqual(informer.byIndex('job', 'other'), []);

    // a moves to pending and to another queue; b completes (complete jobs leave every index); c is deleted.
    const a2 = (await store.getProwJob('a'))!;
    a2.status.state = 'pending';
    a2.spec.job_queue_name = 'q2';
    await store.updateProwJob(a2);
    const b2 = (await store.getProwJob('b'))!;
    b2.status.state = 'success';
    b2.status.completionTime = '2026-01-01T01:00:00Z';
    await store.updateProwJob(b2);
    await store.deleteProwJob('c');
    await caughtUp(informer);

    assert.deepEqual(names(informer.byIndex('job', 'unit')), ['a', 'p']);
    assert.deepEqual(names(informer.byIndex('queue', 'q1')), []);
    assert.deepEqual(names(informer.byIndex('queue', 'q2')), ['a']);
    assert.deepEqual(names(informer.byIndex('duplicate', key1)), ['a']);
    assert.deepEqual(informer.byIndex('duplicate', key2), []);
    assert.deepEqual(names(informer.byIndex('state', 'pending')), ['a']);
    assert.deepEqual(names(informer.byIndex('state', 'triggered')), ['p']);
    assert.equal(informer.get('b')?.status.state, 'success'); // still cached, in no index
    assert.deepEqual(names(informer.list()), ['a', 'b', 'p']);
  });

  it('start rejects when the first list fails', async () => {
    const closed = openSqliteStore(join(dir, 'prow.db'));
    await closed.close();
    await assert.rejects(informerOf(closed).start(), /closed/);
  });

  it('shows a recorded write at once; older watch events leave it; its echo takes over; handlers hear only the watch', async () => {
    // The informer's store polls rarely: the test says when its watch reads.
    const slow = openSqliteStore(join(dir, 'prow.db'), { pollIntervalMs: 60_000, now: () => now });
    stores.push(slow);
    const informer = informerOf(slow);
    await informer.start();
    const handler = recorder();
    informer.addHandler(handler);

    // Another process creates the job; this one reads it and moves it on before its watch has read anything.
    await store.createProwJob(presubmit('a', { job: 'unit', queue: 'q1' }));
    const read = (await slow.getProwJob('a'))!;
    read.status.state = 'pending';
    const written = await slow.updateProwJob(read);
    informer.recordWrite(written);
    assert.equal(informer.get('a')?.status.state, 'pending');
    assert.deepEqual(names(informer.byIndex('state', 'pending')), ['a']);
    assert.deepEqual(names(informer.byIndex('queue', 'q1')), ['a']);
    assert.deepEqual(names(informer.list()), ['a']);
    assert.deepEqual(handler.calls, []);

    // The watch now delivers the older 'added' event, then the echo: reads never go back to triggered.
    let seenTriggered = false;
    informer.addHandler({ onAdd: () => { seenTriggered ||= informer.get('a')?.status.state === 'triggered'; } });
    await caughtUp(informer, slow);
    assert.equal(seenTriggered, false);
    assert.deepEqual(handler.calls, ['add a', 'update a triggered->pending']);
    assert.equal(informer.get('a')?.status.state, 'pending');
    assert.deepEqual(names(informer.byIndex('state', 'pending')), ['a']);
    assert.deepEqual(informer.byIndex('state', 'triggered'), []);

    // After the echo, the watch rules again: a later change by someone else shows.
    const later = (await store.getProwJob('a'))!;
    later.status.state = 'success';
    later.status.completionTime = '2026-01-01T01:00:00Z';
    await store.updateProwJob(later);
    await slow.createProwJob(makeProwJob('wake'));
    await caughtUp(informer, slow);
    assert.equal(informer.get('a')?.status.state, 'success');
    assert.deepEqual(informer.byIndex('state', 'pending'), []);
  });

  it('forgets a recorded write whose echo never comes after the TTL', async () => {
    const informer = createProwJobInformer(store, { log, assumeTtlMs: 1 });
    informers.push(informer);
    await informer.start();
    const ghost = makeProwJob('ghost');
    ghost.metadata.resourceVersion = 'never-written';
    informer.recordWrite(ghost);
    assert.equal(informer.get('ghost')?.metadata.name, 'ghost');
    await waitFor('the ghost to go', () => informer.get('ghost') === undefined, 5000);
    assert.deepEqual(informer.list(), []);
    assert.deepEqual(informer.byIndex('state', 'triggered'), []);
  });
});

function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) { /* busy: a handler that costs CPU */ }
}
