// Leader election for the components that must run once per installation in cluster mode (upstream's
// controller-runtime managers: prow-controller-manager, sinker; here also crier and horologium). With
// --store sqlite everything runs in one process per data directory and nothing is elected.
import { Command, InvalidArgumentError } from 'commander';
import { Gauge, type Registry } from 'prom-client';
import { parseDuration } from '../../go/duration.js';
import type { Logger } from '../../observability/logger.js';
import type { ProwJobBackend } from './store.js';

/**
 * Lease names: upstream's where it elects (cmd/prow-controller-manager/main.go, cmd/sinker/main.go); crier
 * and horologium run unelected upstream (one replica), so theirs follow the same pattern (docs/compatibility.md).
 */
export const LEASE_NAMES = {
  controller: 'prow-controller-manager-leader-lock',
  sinker: 'prow-sinker-leaderlock',
  crier: 'prow-crier-leaderlock',
  horologium: 'prow-horologium-leaderlock',
  /** Ours: upstream runs one tide replica without a lease. */
  tide: 'prow-tide-leaderlock',
} as const;

export interface LeaderElectionFlags {
  leaderElectLeaseDuration: string;
  leaderElectRenewDeadline: string;
  leaderElectRetryPeriod: string;
}

/** client-go's defaults (kube/leader/elector.ts has them too; kept here so `prow --help` loads no Kubernetes client). */
const DEFAULTS = { leaseDuration: '15s', renewDeadline: '10s', retryPeriod: '2s' } as const;

function parseGoDuration(value: string): string {
  try {
    parseDuration(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
  return value;
}

/** The timing flags (kube-controller-manager's names; client-go's defaults). */
export function addLeaderElectionOptions(command: Command): Command {
  return command
    .option('--leader-elect-lease-duration <duration>', 'with --store kubernetes: how long a standby waits after the last renewal it saw before taking the lease', parseGoDuration, DEFAULTS.leaseDuration)
    .option('--leader-elect-renew-deadline <duration>', 'with --store kubernetes: the leader exits when it could not renew for this long', parseGoDuration, DEFAULTS.renewDeadline)
    .option('--leader-elect-retry-period <duration>', 'with --store kubernetes: how often candidates try the lease and the leader renews it', parseGoDuration, DEFAULTS.retryPeriod);
}

export interface Leadership {
  /** Gives the lease up (a no-op in sqlite mode). */
  release(): Promise<void>;
}

/**
 * kubernetes mode: waits until this process holds the component's Lease in prowjob_namespace, and exits the
 * process (status 1) the moment leadership is lost, as upstream's components do, so a replica that is no longer
 * leader never acts. sqlite mode: resolves at once.
 */
export async function leadOrWait(
  backend: ProwJobBackend,
  options: { lease: string; namespace: string; log: Logger; flags: LeaderElectionFlags; registry?: Registry },
): Promise<Leadership> {
  if (backend.kind !== 'kubernetes' || !backend.infrastructure) return { release: async () => undefined };
  const { log } = options;
  // client-go's leaderelection metric: 1 while this process leads, 0 while it waits.
  const master = options.registry
    ? new Gauge({ name: 'leader_election_master_status', help: 'Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master. \'name\' is the string used to identify the lease.', labelNames: ['name'], registers: [options.registry] })
    : undefined;
  master?.set({ name: options.lease }, 0);
  const { createLeaderElector } = await import('../../kube/leader/elector.js');
  const { createLeaseLock } = await import('../../kube/leader/lease-lock.js');
  const elector = createLeaderElector({
    lock: createLeaseLock(backend.infrastructure, options.namespace, options.lease),
    leaseDurationMs: parseDuration(options.flags.leaderElectLeaseDuration),
    renewDeadlineMs: parseDuration(options.flags.leaderElectRenewDeadline),
    retryPeriodMs: parseDuration(options.flags.leaderElectRetryPeriod),
    log,
    onLost: () => {
      log.error({ lease: options.lease }, 'leader election lost: exiting');
      process.exit(1);
    },
  });
  // Until the component installs its own shutdown (closeOnSignal), a signal ends the process here: a standby
  // has done nothing to undo, and a new leader gives its lease back. Afterwards this handler stands aside.
  const onSignal = (signal: NodeJS.Signals): void => {
    if (process.listenerCount(signal) > 1) return;
    log.info({ signal, leading: elector.isLeader() }, 'shutting down');
    void elector.release().finally(() => process.exit(0));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  await elector.acquire();
  master?.set({ name: options.lease }, 1);
  return {
    release: async () => {
      await elector.release();
      master?.set({ name: options.lease }, 0);
    },
  };
}
