// A leader-election candidate in its own process (test/kube/leader/elector.test.ts SIGKILLs it):
// argv: <kubeconfig file> <namespace> <lease> <identity> <leaseMs> <renewMs> <retryMs>. Prints `leading`
// once it holds the Lease, `lost` if it loses it, and keeps renewing until killed.
import { readFileSync } from 'node:fs';
import { kubeConfigFromString } from '../../../../src/kube/client/kubeconfig.js';
import { createLeaderElector } from '../../../../src/kube/leader/elector.js';
import { createLeaseLock } from '../../../../src/kube/leader/lease-lock.js';
import { createSilentLogger } from '../../../../src/observability/logger.js';

const [file, namespace, lease, identity, leaseMs, renewMs, retryMs] = process.argv.slice(2);
if (!file || !namespace || !lease || !identity) throw new Error('usage: elector-child.ts <kubeconfig> <namespace> <lease> <identity> <leaseMs> <renewMs> <retryMs>');
const kc = kubeConfigFromString(readFileSync(file, 'utf8'));
const elector = createLeaderElector({
  lock: createLeaseLock(kc, namespace, lease),
  identity,
  leaseDurationMs: Number(leaseMs),
  renewDeadlineMs: Number(renewMs),
  retryPeriodMs: Number(retryMs),
  log: createSilentLogger(),
  onLost: () => {
    process.stdout.write('lost\n');
    process.exit(1);
  },
});
await elector.acquire();
process.stdout.write('leading\n');
setInterval(() => undefined, 1 << 30);
