// One LogSource over the executor's live log and the uploaded one: the job's state picks which is asked
// first, the other is the fallback.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newProwJob } from '../../src/api/pjutil.js';
import type { ProwJob } from '../../src/api/prowjob.js';
import { createLocalArtifactStore } from '../../src/artifacts/local.js';
import { combineLogSources } from '../../src/artifacts/log-source.js';
import type { ArtifactStore, LogSource } from '../../src/artifacts/types.js';
import { createUploadedLogSource } from '../../src/podutils/build-log.js';

describe('combineLogSources', () => {
  let dir: string;
  let live: ArtifactStore;
  let uploaded: ArtifactStore;
  let logs: LogSource;
  const pj = (state: 'pending' | 'success', buildId: string): ProwJob => {
    const p = newProwJob({ type: 'periodic', job: 'ci-x', agent: 'kubernetes' });
    p.status.state = state;
    p.status.build_id = buildId;
    if (state === 'success') p.status.completionTime = p.status.startTime;
    return p;
  };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'log-source-'));
    // Two stores stand in for the executor's log and the uploaded one: they hold different bytes.
    live = createLocalArtifactStore({ root: join(dir, 'live') });
    uploaded = createLocalArtifactStore({ root: join(dir, 'uploaded') });
    logs = combineLogSources({ live: createUploadedLogSource(live), uploaded: createUploadedLogSource(uploaded) });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a running job reads the live log, a complete one the uploaded log', async () => {
    await live.put('logs/ci-x/1/build-log.txt', 'live\n');
    await uploaded.put('logs/ci-x/1/build-log.txt', 'uploaded log\n');
    assert.equal((await logs.read(pj('pending', '1')))?.toString(), 'live\n');
    assert.equal(await logs.size(pj('pending', '1')), 5);
    assert.equal((await logs.read(pj('success', '1')))?.toString(), 'uploaded log\n');
    assert.equal((await logs.read(pj('success', '1'), { start: 9 }))?.toString(), 'log\n');
  });

  it('falls back to the other source, and says undefined when neither has a log', async () => {
    await uploaded.put('logs/ci-x/2/build-log.txt', 'only uploaded\n');
    await live.put('logs/ci-x/3/build-log.txt', 'only live\n');
    assert.equal((await logs.read(pj('pending', '2')))?.toString(), 'only uploaded\n');
    const s = await logs.stream(pj('success', '3'));
    assert.ok(s);
    assert.equal((await s.toArray()).join(''), 'only live\n');
    assert.equal(await logs.size(pj('success', '4')), undefined);
    assert.equal(await logs.stream(pj('pending', '4')), undefined);
  });
});
