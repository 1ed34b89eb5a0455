// The ProwJobStore contract (src/store/types.ts), run against every implementation: the SQLite store
// (test/store/sqlite.test.ts) and the Kubernetes CRD store against the API fake (test/store/kubernetes.test.ts).
// What only one store promises (an injected clock, numeric resourceVersions, a second process on one file)
// stays in that store's own test file.
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { ProwJobStore, ObjectWatchEvent, WatchEvent } from '../../src/store/types.js';
import { AlreadyExistsError, ConflictError, InvalidCursorError, NotFoundError } from '../../src/store/types.js';
import { makeProwJob } from './fixtures/prowjobs.js';
import { waitFor as poll } from '../support/wait.js';

export interface ContractSubject {
  store: ProwJobStore;
  /** The namespace created jobs get. */
  namespace: string;
  /** Forgets the change history up to now: a watch from an older resourceVersion expires. */
  expireHistory(): Promise<void>;
  /** A second, independent client of the same backend (another process's view). */
  openAnother(): Promise<ProwJobStore & { close(): Promise<void> }>;
  close(): Promise<void>;
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

/** Lets a store's watch plumbing run (a watch that should have delivered something would have by then). */
const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function describeProwJobStoreContract(name: string, open: () => Promise<ContractSubject>): void {
  describe(`ProwJobStore contract: ${name}`, () => {
    let subject: ContractSubject;
    let store: ProwJobStore;

    beforeEach(async () => {
      subject = await open();
      store = subject.store;
    });
    afterEach(async () => {
      await subject.close();
    });

    describe('prowjobs', () => {
      it('creates with resourceVersion, creationTimestamp, namespace and uid, and reads back', async () => {
        const created = await store.createProwJob(makeProwJob('a'));
        assert.ok(created.metadata.resourceVersion);
        assert.match(created.metadata.creationTimestamp ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        assert.equal(created.metadata.namespace, subject.namespace);
        assert.ok(created.metadata.uid);
        assert.deepEqual(await store.getProwJob('a'), created);
        assert.equal(await store.getProwJob('missing'), undefined);
      });

      it('keeps every spec and status field, prev_report_states included, through a write and a read', async () => {
        const pj = makeProwJob('full', { type: 'presubmit', org: 'o', repo: 'r', pull: 7, labels: { 'prow.k8s.io/job': 'full' } });
        pj.metadata.annotations = { 'prow.k8s.io/job': 'full' };
        Object.assign(pj.spec, {
          agent: 'kubernetes', cluster: 'default', namespace: 'test-pods', report: true, context: 'ci/full', rerun_command: '/test full',
          max_concurrency: 2, decoration_config: { timeout: '2h0m0s', grace_period: '15s', utility_images: { clonerefs: 'c:1' } },
          pod_spec: { containers: [{ name: 'test', image: 'alpine', command: ['sh', '-c', 'true'], env: [{ name: 'A', value: 'b' }] }] },
        });
        Object.assign(pj.status, {
          state: 'success', pendingTime: '2026-01-01T00:00:01Z', completionTime: '2026-01-01T00:05:00Z', description: 'Job succeeded.',
          url: 'https://prow/view/1', pod_name: 'full', build_id: '42', prev_report_states: { 'github-reporter': 'success' },
        });
        const created = await store.createProwJob(pj);
        assert.deepEqual([created.apiVersion, created.kind], ['prow.k8s.io/v1', 'ProwJob']);
        assert.deepEqual([created.metadata.labels, created.metadata.annotations], [pj.metadata.labels, pj.metadata.annotations]);
        assert.deepEqual(created.spec, pj.spec);
        assert.deepEqual(created.status, pj.status);
        const read = (await store.getProwJob('full'))!;
        assert.deepEqual(read.spec, pj.spec);
        assert.deepEqual(read.status, pj.status);
        read.status.prev_report_states = { 'github-reporter': 'success', 'slackreporter': 'failure' };
        const updated = await store.updateProwJob(read);
        assert.deepEqual((await store.getProwJob('full'))!.status.prev_report_states, { 'github-reporter': 'success', 'slackreporter': 'failure' });
        assert.deepEqual(updated, await store.getProwJob('full'));
      });

      it('refuses a taken name with AlreadyExistsError and a missing name with an error', async () => {
        await store.createProwJob(makeProwJob('a'));
        await assert.rejects(store.createProwJob(makeProwJob('a')), AlreadyExistsError);
        await assert.rejects(store.createProwJob(makeProwJob('')), /metadata.name is required/);
      });

      it('updates with the current resourceVersion and refuses a stale one', async () => {
        const created = await store.createProwJob(makeProwJob('a'));
        const first = structuredClone(created);
        first.status.state = 'pending';
        const updated = await store.updateProwJob(first);
        assert.notEqual(updated.metadata.resourceVersion, created.metadata.resourceVersion);
        assert.equal(updated.metadata.creationTimestamp, created.metadata.creationTimestamp);
        const stale = structuredClone(created);
        stale.status.state = 'failure';
        await assert.rejects(store.updateProwJob(stale), (err: unknown) =>
          err instanceof ConflictError && err.objectName === 'a' && err.resourceVersion === created.metadata.resourceVersion);
        assert.equal((await store.getProwJob('a'))?.status.state, 'pending');
        await assert.rejects(store.updateProwJob(makeProwJob('nope')), NotFoundError);
      });

      it('an update without a resourceVersion is unconditional', async () => {
        await store.createProwJob(makeProwJob('a'));
        const moved = (await store.getProwJob('a'))!;
        moved.status.state = 'pending';
        await store.updateProwJob(moved);
        const blind = makeProwJob('a', { state: 'aborted' });
        delete blind.metadata.resourceVersion;
        const written = await store.updateProwJob(blind);
        assert.equal(written.status.state, 'aborted');
        assert.equal((await store.getProwJob('a'))?.status.state, 'aborted');
      });

      it('gives every write a new resourceVersion', async () => {
        const a = await store.createProwJob(makeProwJob('a'));
        const b = await store.createProwJob(makeProwJob('b'));
        assert.notEqual(b.metadata.resourceVersion, a.metadata.resourceVersion);
      });

      it('deletes, and deleting a missing job is NotFoundError', async () => {
        await store.createProwJob(makeProwJob('a', { labels: { x: '1' } }));
        await store.deleteProwJob('a');
        assert.equal(await store.getProwJob('a'), undefined);
        assert.deepEqual((await store.listProwJobs({ labels: { x: '1' } })).items, []);
        await assert.rejects(store.deleteProwJob('a'), NotFoundError);
      });

      it('lists by label selector (every pair must match), sorted by name', async () => {
        await store.createProwJob(makeProwJob('c', { labels: { 'prow.k8s.io/job': 'j1', 'prow.k8s.io/type': 'periodic' } }));
        await store.createProwJob(makeProwJob('a', { labels: { 'prow.k8s.io/job': 'j1', 'prow.k8s.io/type': 'presubmit' } }));
        await store.createProwJob(makeProwJob('b', { labels: { 'prow.k8s.io/job': 'j2', 'prow.k8s.io/type': 'periodic' } }));
        const names = async (labels?: Record<string, string>) =>
          ((await store.listProwJobs(labels ? { labels } : {})).items).map((pj) => pj.metadata.name);
        assert.deepEqual(await names(), ['a', 'b', 'c']);
        assert.deepEqual(await names({ 'prow.k8s.io/job': 'j1' }), ['a', 'c']);
        assert.deepEqual(await names({ 'prow.k8s.io/job': 'j1', 'prow.k8s.io/type': 'periodic' }), ['c']);
        assert.deepEqual(await names({ 'prow.k8s.io/job': 'j3' }), []);
        // A label change is reflected by the selector.
        const c = (await store.getProwJob('c'))!;
        c.metadata.labels = { 'prow.k8s.io/job': 'j2' };
        await store.updateProwJob(c);
        assert.deepEqual(await names({ 'prow.k8s.io/job': 'j1' }), ['a']);
        assert.deepEqual(await names({ 'prow.k8s.io/job': 'j2' }), ['b', 'c']);
      });

      it('queryProwJobs filters and pages newest first', async () => {
        for (let i = 0; i < 7; i++) {
          await store.createProwJob(makeProwJob(`pj-${i}`, {
            job: i % 2 === 0 ? 'even' : 'odd',
            type: 'presubmit',
            org: 'o', repo: 'r', pull: i < 4 ? 1 : 2,
            startTime: `2026-01-01T00:00:0${i}Z`,
            ...(i < 3 ? { completionTime: '2026-01-02T00:00:00Z', state: 'success' as const } : {}),
          }));
        }
        // A store answering from an informer may lag its writes: wait until it shows all seven.
        await poll(async () => (await store.queryProwJobs({})).prowjobs.length === 7, { message: 'seven jobs in queries' });
        const first = await store.queryProwJobs({ limit: 3 });
        assert.deepEqual(first.prowjobs.map((pj) => pj.metadata.name), ['pj-6', 'pj-5', 'pj-4']);
        assert.ok(first.next);
        const second = await store.queryProwJobs({ limit: 3, before: first.next });
        assert.deepEqual(second.prowjobs.map((pj) => pj.metadata.name), ['pj-3', 'pj-2', 'pj-1']);
        const third = await store.queryProwJobs({ limit: 3, before: second.next });
        assert.deepEqual(third.prowjobs.map((pj) => pj.metadata.name), ['pj-0']);
        assert.equal(third.next, undefined);
        assert.deepEqual((await store.queryProwJobs({ job: 'even', pull: 1 })).prowjobs.map((pj) => pj.metadata.name), ['pj-2', 'pj-0']);
        assert.deepEqual((await store.queryProwJobs({ complete: false, org: 'o', repo: 'r' })).prowjobs.length, 4);
        assert.deepEqual((await store.queryProwJobs({ state: 'success' })).prowjobs.length, 3);
        await assert.rejects(store.queryProwJobs({ before: 'garbage' }), (err) => err instanceof InvalidCursorError && /invalid "before" cursor/.test(err.message));
      });
    });

    describe('watch', () => {
      it('sees added, modified and deleted in order; deleted carries the last object', async () => {
        await store.createProwJob(makeProwJob('before-watch'));
        const events: ObjectWatchEvent[] = [];
        const watch = store.watchProwJobs({}, push(events));
        const created = await store.createProwJob(makeProwJob('a'));
        created.status.state = 'pending';
        await store.updateProwJob(created);
        await store.deleteProwJob('a');
        await waitFor('3 events', () => events.length >= 3);
        watch.close();
        assert.deepEqual(events.map((e) => `${e.type}:${e.prowjob.metadata.name}`), ['added:a', 'modified:a', 'deleted:a']);
        assert.equal(events[2]!.prowjob.status.state, 'pending');
        // As Kubernetes: the deleted object carries the deletion's resourceVersion.
        assert.notEqual(events[2]!.prowjob.metadata.resourceVersion, events[1]!.prowjob.metadata.resourceVersion);
        assert.equal(events[2]!.prowjob.metadata.resourceVersion, (await store.listProwJobs()).resourceVersion);
      });

      it('filters by label selector and stops after close', async () => {
        const events: ObjectWatchEvent[] = [];
        const watch = store.watchProwJobs({ labels: { keep: 'yes' } }, push(events));
        await store.createProwJob(makeProwJob('skip', { labels: { keep: 'no' } }));
        await store.createProwJob(makeProwJob('keep', { labels: { keep: 'yes' } }));
        await waitFor('one event', () => events.length >= 1);
        watch.close();
        await store.createProwJob(makeProwJob('keep-2', { labels: { keep: 'yes' } }));
        await settle(150);
        assert.deepEqual(events.map((e) => e.prowjob.metadata.name), ['keep']);
      });

      it('a handler that throws does not stop the watch', async () => {
        const seen: string[] = [];
        const watch = store.watchProwJobs({}, (e) => {
          if (!('prowjob' in e)) return;
          seen.push(e.prowjob.metadata.name);
          if (e.prowjob.metadata.name === 'a') throw new Error('boom');
        });
        await store.createProwJob(makeProwJob('a'));
        await store.createProwJob(makeProwJob('b'));
        await waitFor('two events', () => seen.length >= 2);
        watch.close();
        assert.deepEqual(seen, ['a', 'b']);
      });

      it('sees changes a second client writes, and that client reads this one\'s writes at once', async () => {
        const other = await subject.openAnother();
        try {
          const list = await store.listProwJobs();
          const events: ObjectWatchEvent[] = [];
          const watch = store.watchProwJobs({ resourceVersion: list.resourceVersion }, push(events));
          const remote = await other.createProwJob(makeProwJob('remote', { labels: { origin: 'other' } }));
          remote.status.state = 'pending';
          await other.updateProwJob(remote);
          await other.deleteProwJob('remote');
          await waitFor('3 remote events', () => events.length >= 3);
          watch.close();
          assert.deepEqual(events.map((e) => `${e.type}:${e.prowjob.metadata.name}`), ['added:remote', 'modified:remote', 'deleted:remote']);
          assert.equal(events[0]!.prowjob.metadata.labels?.origin, 'other');
          assert.equal(events[2]!.prowjob.status.state, 'pending');
          const mine = await store.createProwJob(makeProwJob('mine'));
          assert.equal((await other.getProwJob('mine'))?.metadata.resourceVersion, mine.metadata.resourceVersion);
        } finally {
          await other.close();
        }
      });
    });

    describe('watch from a resourceVersion', () => {
      it('delivers exactly the changes after a list, in order', async () => {
        await store.createProwJob(makeProwJob('listed'));
        const list = await store.listProwJobs();
        assert.deepEqual(list.items.map((pj) => pj.metadata.name), ['listed']);
        // Written after the list, before the watch starts: the watch still delivers them.
        await store.createProwJob(makeProwJob('after-1'));
        await store.deleteProwJob('listed');
        const events: ObjectWatchEvent[] = [];
        const watch = store.watchProwJobs({ resourceVersion: list.resourceVersion }, push(events));
        await store.createProwJob(makeProwJob('after-2'));
        await waitFor('3 events', () => events.length >= 3);
        watch.close();
        assert.deepEqual(events.map((e) => `${e.type}:${e.prowjob.metadata.name}`), ['added:after-1', 'deleted:listed', 'added:after-2']);
      });

      it('a list is a snapshot: its resourceVersion is the newest write it holds', async () => {
        const empty = await store.listProwJobs();
        const created = await store.createProwJob(makeProwJob('x'));
        const list = await store.listProwJobs();
        assert.notEqual(list.resourceVersion, empty.resourceVersion);
        assert.equal(list.resourceVersion, created.metadata.resourceVersion);
        assert.equal((await store.listProwJobs({ labels: { none: 'such' } })).resourceVersion, list.resourceVersion);
      });

      it('expires at once from a resourceVersion the history no longer holds, and a fresh list watches on', async () => {
        const old = await store.createProwJob(makeProwJob('old'));
        await store.createProwJob(makeProwJob('newer'));
        await subject.expireHistory();
        const events: WatchEvent[] = [];
        const expired = store.watchProwJobs({ resourceVersion: old.metadata.resourceVersion! }, (e) => events.push(e));
        await waitFor('expired', () => events.length >= 1);
        await settle(50);
        expired.close();
        assert.deepEqual(events, [{ type: 'expired' }]);
        const list = await store.listProwJobs();
        const fresh: ObjectWatchEvent[] = [];
        const watch = store.watchProwJobs({ resourceVersion: list.resourceVersion }, push(fresh));
        await store.createProwJob(makeProwJob('later'));
        await waitFor('one event', () => fresh.length >= 1);
        watch.close();
        assert.deepEqual(fresh.map((e) => e.prowjob.metadata.name), ['later']);
      });
    });
  });
}
