// `prow up` with GitHub credentials: status links and the failure comment follow --deck-url (not a
// hard-coded localhost:8080), and one /metrics serves every component's metrics under upstream's names.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEMO_ORG, DEMO_PULL, DEMO_REPO, seedDemo } from '../../src/cli/support/demo.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/github/fake/server.js';
import { examplePayload, prepareUpEnv, sendEvent, startUp, waitFor, type UpEnv, type UpProcess } from './support/up-process.js';

const REPO = `${DEMO_ORG}/${DEMO_REPO}`;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('prow up: links and metrics', { timeout: 180_000 }, () => {
  let root: string;
  let fake: FakeGitHub;
  let env: UpEnv;
  let up: UpProcess | undefined;
  let metricsPort = 0;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'prow-e2e-links-'));
    fake = await startFakeGitHub();
    await seedDemo(fake);
    env = await prepareUpEnv(root, fake, REPO);
    metricsPort = await freePort();
    up = await startUp(env, fake, 60_000, ['--deck-url', 'https://prow.example.test/', '--metrics-port', String(metricsPort)]);
  });
  after(async () => {
    await up?.kill();
    await fake.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('status target URLs point at --deck-url', async () => {
    const sha = await fake.headSha(REPO, DEMO_PULL);
    await sendEvent(up!, env, 'issue_comment', examplePayload('issue_comment-test-all.json'));
    const status = await waitFor('a unit status', () => fake.statuses(REPO, sha).find((s) => s.context === 'unit' && s.targetUrl !== ''));
    assert.match(status.targetUrl, new RegExp(`^https://prow\\.example\\.test/view/local/prow-artifacts/pr-logs/pull/${DEMO_ORG}_${DEMO_REPO}/${DEMO_PULL}/unit/\\d+/$`));
  });

  it('serves every component\'s metrics with upstream names on --metrics-port', async () => {
    const text = await waitFor('controller and crier metrics', async () => {
      const body = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      return /^prowjobs\{/m.test(body) && /^crier_reporting_results\{/m.test(body) ? body : undefined;
    });
    for (const name of ['prowjobs', 'prowjob_state_transitions', 'github_requests_total', 'github_request_duration', 'crier_reporting_results', 'sinker_prow_jobs_existing', 'prow_webhook_counter', 'process_cpu_user_seconds_total']) {
      assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), name);
    }
  });
});
