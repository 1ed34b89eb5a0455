// A fake GitHub in its own process for bench/github-writes.ts, enforcing the limits it is given:
// `org/repo` with the hold label and issues 1..N (those in `held` already held). Prints {"url"} once ready; exits on SIGTERM.
// Usage: node --import tsx limited-fake-github-child.ts '<{"issues":200,"limits":{...},"held":[201]}>'
import { startFakeGitHub } from '../../../src/github/fake/server.js';
import type { FakeLimits } from '../../../src/github/fake/limits.js';

const { issues, limits, held = [] } = JSON.parse(process.argv[2] ?? '{}') as { issues: number; limits: FakeLimits; held?: number[] };
const fake = await startFakeGitHub({
  limits,
  seed: {
    repos: [{ repo: 'org/repo', labels: ['do-not-merge/hold'] }],
    issues: Array.from({ length: issues }, (_, i) => ({ repo: 'org/repo', number: i + 1, isPR: true, labels: held.includes(i + 1) ? ['do-not-merge/hold'] : [] })),
  },
});
await fake.ready();
process.stdout.write(`${JSON.stringify({ url: fake.url })}\n`);
process.once('SIGTERM', () => void fake.close().then(() => process.exit(0)));
