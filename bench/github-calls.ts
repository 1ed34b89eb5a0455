// GitHub client over the fake GitHub: calls per second and rate limit spent, with and without
// the ETag cache, beside a bare fetch of the same URL in the same run (goal: a client call within 1.5x
// of the bare fetch). Run: node --import tsx bench/github-calls.ts [iterations]
import { performance } from 'node:perf_hooks';
import { createGitHubClient } from '../src/github/client.js';
import { startFakeGitHub } from '../src/github/fake/server.js';

const iterations = Number(process.argv[2] ?? 300);
const gh = await startFakeGitHub();
await gh.reset({
  repos: [{ repo: 'demo/hello', files: { 'README.md': '# hello\n' } }],
  pulls: [{ repo: 'demo/hello', number: 1, labels: ['lgtm', 'approved'], files: { 'a.txt': 'a\n' } }],
});

async function measure(name: string, etagCacheSize: number, call: (c: ReturnType<typeof createGitHubClient>) => Promise<unknown>, scheduler = false): Promise<{ perSecond: number; spent: number }> {
  const client = createGitHubClient({ baseUrl: gh.url, token: 't', etagCacheSize, retry: { retryAfterBaseValue: 1 }, throttle: scheduler });
  gh.setRateLimit(1_000_000, 1_000_000);
  await call(client); // warm up (and fill the cache)
  const before = gh.world.rateLimit.remaining;
  const start = performance.now();
  for (let i = 0; i < iterations; i++) await call(client);
  const seconds = (performance.now() - start) / 1000;
  const result = { perSecond: iterations / seconds, spent: before - gh.world.rateLimit.remaining };
  process.stdout.write(`${name.padEnd(44)} ${result.perSecond.toFixed(0).padStart(6)} calls/s   rate limit spent: ${result.spent}/${iterations}\n`);
  return result;
}

const labelsUrl = `${gh.url}/repos/demo/hello/issues/1/labels?per_page=100`;
const bareFetch = () => fetch(labelsUrl, { headers: { authorization: 'token t', accept: 'application/vnd.github.v3+json' } }).then((r) => r.json());
const bare = await measure('bare fetch of the same URL (no client)', 0, () => bareFetch());
const labelsCold = await measure('listIssueLabels, no ETag cache', 0, (c) => c.listIssueLabels('demo', 'hello', 1));
const labelsScheduled = await measure('listIssueLabels, scheduler on (default)', 0, (c) => c.listIssueLabels('demo', 'hello', 1), true);
const labelsWarm = await measure('listIssueLabels, ETag cache (304s)', 5000, (c) => c.listIssueLabels('demo', 'hello', 1));
await measure('addLabel + removeLabel (writes)', 5000, async (c) => {
  await c.addLabel('demo', 'hello', 1, 'x');
  await c.removeLabel('demo', 'hello', 1, 'x');
});
const prCold = await measure('getPullRequest (git-backed), no cache', 0, (c) => c.getPullRequest('demo', 'hello', 1));
process.stdout.write(`\nclient call / bare fetch (time per call): ${(bare.perSecond / labelsCold.perSecond).toFixed(2)}x without the scheduler, ${(bare.perSecond / labelsScheduled.perSecond).toFixed(2)}x with it (goal <= 1.5)\n`);
process.stdout.write(`ETag cache: ${labelsCold.spent} → ${labelsWarm.spent} rate-limit units for ${iterations} unchanged reads; speed ratio ${(labelsWarm.perSecond / labelsCold.perSecond).toFixed(2)}x\n`);
process.stdout.write(`getPullRequest costs ${(labelsCold.perSecond / prCold.perSecond).toFixed(1)}x a label list on the fake (git diff + merge-tree per call)\n`);
await gh.close();
