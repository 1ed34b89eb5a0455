// The examples' fake GitHub in its own process (bench/hook.ts): GitHub is remote in production, so the
// fake's git work must not share the hook's event loop. Prints {"url", "repoDirs", "orgs"} once ready;
// exits on SIGTERM. Usage: node --import tsx fake-github-child.ts <extra PR count>
import { startFakeGitHub } from '../../../src/github/fake/server.js';
import { examplesSeed } from './examples-world.js';

const extra = Number(process.argv[2] ?? '0');
const { seed, repos, orgs } = examplesSeed(Array.from({ length: extra }, (_, i) => i + 1));
const fake = await startFakeGitHub({ seed });
await fake.ready();
const repoDirs: Record<string, string> = {};
for (const repo of repos) repoDirs[repo] = await fake.repoDir(repo);
process.stdout.write(`${JSON.stringify({ url: fake.url, repoDirs, orgs })}\n`);
process.once('SIGTERM', () => void fake.close().then(() => process.exit(0)));
