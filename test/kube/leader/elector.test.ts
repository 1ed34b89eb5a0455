// Leader election over a Lease in the API fake: two candidates, a release, a SIGKILLed leader in another
// process, a stolen Lease and an unreachable API server.
import { describe, it, before, after } from 'node:test';
import { kubeConfigFromString } from '../../../src/kube/client/kubeconfig.js';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKubeApiFake } from '../support/kube-cluster.js';
import { createLeaderElector, type LeaderElector } from '../../../src/kube/leader/elector.js';
import { createLeaseLock, type LeaseLock } from '../../../src/kube/leader/lease-lock.js';
import { createSilentLogger } from '../../../src/observability/logger.js';
import { spawnCli } from '../../support/spawn-cli.js';
import { waitFor } from '../../support/wait.js';
import { startKubeCluster, type KubeCluster } from '../support/kube-cluster.js';

const CHILD = fileURLToPath(new URL('./support/elector-child.ts', import.meta.url));
const log = createSilentLogger();
const TIMING = { leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 250 };
/** Long enough for several acquire attempts: a candidate that should not lead would have by then. */
const SEVERAL_RETRIES_MS = TIMING.retryPeriodMs * 4;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let cluster: KubeCluster;
before(async () => {
  cluster = await startKubeCluster();
});
after(async () => {
  await cluster.close();
});

function candidate(lock: LeaseLock, identity: string, lost: string[]): LeaderElector {
  return createLeaderElector({ lock, identity, log, ...TIMING, onLost: () => lost.push(identity) });
}

describe('leader election', () => {
  it('one candidate leads; another waits, and takes over at once when the leader releases', async () => {
    const ns = await cluster.namespace('lease');
    const lock = createLeaseLock(cluster.kubeconfig(), ns, 'prow-controller-manager-leader-lock');
    const lost: string[] = [];
    const a = candidate(lock, 'a', lost);
    const b = candidate(createLeaseLock(cluster.kubeconfig(), ns, 'prow-controller-manager-leader-lock'), 'b', lost);
    await a.acquire();
    const first = (await lock.get())!;
    assert.equal(first.record.holderIdentity, 'a');
    assert.equal(first.record.leaseDurationSeconds, 3);
    assert.equal(first.record.leaseTransitions, 0);
    assert.match(first.record.acquireTime ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    let bLeads = false;
    const bAcquired = b.acquire().then(() => { bLeads = true; });
    await sleep(SEVERAL_RETRIES_MS);
    assert.equal(bLeads, false);
    assert.equal(b.isLeader(), false);
    // The leader renews: renewTime moves, acquireTime stays.
    const renewed = await waitFor(async () => {
      const now = (await lock.get())!;
      return now.record.renewTime !== first.record.renewTime ? now : undefined;
    }, { message: 'a renewal' });
    assert.equal(renewed.record.acquireTime, first.record.acquireTime);
    await a.release();
    assert.equal(a.isLeader(), false);
    await bAcquired;
    assert.equal(b.isLeader(), true);
    const taken = (await lock.get())!;
    assert.equal(taken.record.holderIdentity, 'b');
    assert.equal(taken.record.leaseTransitions, 1);
    assert.deepEqual(lost, []);
    await b.release();
  });

  it('a SIGKILLed leader in another process is replaced once its lease runs out', async (t) => {
    const ns = await cluster.namespace('kill');
    const dir = mkdtempSync(join(tmpdir(), 'prow-leader-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'kubeconfig');
    writeFileSync(file, cluster.fake.kubeconfig());
    const child = spawnCli(process.execPath, ['--import', 'tsx', CHILD, file, ns, 'prow-sinker-leaderlock', 'child',
      String(TIMING.leaseDurationMs), String(TIMING.renewDeadlineMs), String(TIMING.retryPeriodMs)], { name: 'elector child' });
    t.after(() => child.kill());
    await child.waitFor(/^leading$/m, 'the child to lead');
    const lock = createLeaseLock(cluster.kubeconfig(), ns, 'prow-sinker-leaderlock');
    const lost: string[] = [];
    const standby = candidate(lock, 'standby', lost);
    let leads = false;
    const acquired = standby.acquire().then(() => { leads = true; });
    // While the child renews, the standby never leads (several lease durations' worth of attempts would show it).
    await sleep(TIMING.leaseDurationMs + SEVERAL_RETRIES_MS);
    assert.equal(leads, false);
    assert.equal((await lock.get())!.record.holderIdentity, 'child');
    child.child.kill('SIGKILL');
    await child.exited();
    await waitFor(() => leads, { timeoutMs: TIMING.leaseDurationMs * 4, message: 'the standby to take over' });
    await acquired;
    const record = (await lock.get())!.record;
    assert.equal(record.holderIdentity, 'standby');
    assert.equal(record.leaseTransitions, 1);
    assert.doesNotMatch(child.output(), /lost/);
    await standby.release();
    assert.deepEqual(lost, []);
  });

  it('a leader whose lease another took stops at once (onLost)', async () => {
    const ns = await cluster.namespace('stolen');
    const lock = createLeaseLock(cluster.kubeconfig(), ns, 'prow-crier-leaderlock');
    const lost: string[] = [];
    const a = candidate(lock, 'a', lost);
    await a.acquire();
    const current = (await lock.get())!;
    assert.equal(await lock.update({ ...current.record, holderIdentity: 'intruder' }, current.resourceVersion), true);
    await waitFor(() => lost.length > 0, { message: 'onLost' });
    assert.deepEqual(lost, ['a']);
    assert.equal(a.isLeader(), false);
    // It does not write the lease back.
    await sleep(SEVERAL_RETRIES_MS);
    assert.equal((await lock.get())!.record.holderIdentity, 'intruder');
  });

  it('a leader that cannot reach the API server gives up after the renew deadline', async () => {
    const fake = await startKubeApiFake();
    const kc = kubeConfigFromString(fake.kubeconfig());
    const lost: string[] = [];
    const a = candidate(createLeaseLock(kc, 'default', 'prow-horologium-leaderlock'), 'a', lost);
    await a.acquire();
    await fake.close();
    assert.equal(a.isLeader(), true);
    await waitFor(() => lost.length > 0, { timeoutMs: TIMING.renewDeadlineMs * 4, message: 'onLost' });
    assert.deepEqual(lost, ['a']);
    assert.equal(a.isLeader(), false);
  });

  it('refuses timings where a leader could still act after another took over', () => {
    assert.throws(() => createLeaderElector({
      lock: createLeaseLock(cluster.kubeconfig(), 'default', 'x'), log, leaseDurationMs: 10_000, renewDeadlineMs: 10_000, retryPeriodMs: 2000, onLost: () => undefined,
    }), /want leaseDuration \(10000 ms\) > renewDeadline \(10000 ms\)/);
  });
});
