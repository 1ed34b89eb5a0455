import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ProwJob } from '../../src/api/prowjob.js';
import { prowJobFields } from '../../src/observability/prowjob-fields.js';

const base = (over: Partial<ProwJob['spec']> = {}, status: Partial<ProwJob['status']> = {}): ProwJob => ({
  apiVersion: 'prow.k8s.io/v1', kind: 'ProwJob', metadata: { name: 'pj-1' },
  spec: { type: 'presubmit', agent: 'kubernetes', job: 'pull-test', ...over },
  status: { startTime: '2026-01-01T00:00:00Z', state: 'pending', ...status },
});

describe('prowJobFields', () => {
  const cases: { name: string; pj: ProwJob; want: Record<string, unknown> }[] = [
    {
      name: 'a presubmit of one pull: org, repo, pr and the build id',
      pj: base({ refs: { org: 'o', repo: 'r', base_ref: 'main', pulls: [{ number: 7, author: 'a', sha: 'abc' }] } }, { build_id: '42' }),
      want: { prowjob: 'pj-1', job: 'pull-test', type: 'presubmit', state: 'pending', build_id: '42', org: 'o', repo: 'r', pr: 7 },
    },
    {
      name: 'a batch: org and repo, no single pr',
      pj: base({ type: 'batch', refs: { org: 'o', repo: 'r', base_ref: 'main', pulls: [{ number: 1, author: 'a', sha: 'a' }, { number: 2, author: 'b', sha: 'b' }] } }),
      want: { prowjob: 'pj-1', job: 'pull-test', type: 'batch', state: 'pending', org: 'o', repo: 'r' },
    },
    {
      name: 'a periodic without refs and not yet numbered',
      pj: base({ type: 'periodic' }, { state: 'triggered' }),
      want: { prowjob: 'pj-1', job: 'pull-test', type: 'periodic', state: 'triggered' },
    },
  ];
  for (const { name, pj, want } of cases) it(name, () => assert.deepEqual(prowJobFields(pj), want));
});
