// A write GitHub answered with a 5xx may have landed: the client looks before sending it again, so a
// flaky GitHub never duplicates a comment, a status or a label (src/github/idempotent-writes.ts).
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createGitHubClient, type GitHubClientOptions } from '../../src/github/client.js';
import { GitHubError } from '../../src/github/errors.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/github/fake/server.js';
import { findLandedComment } from '../../src/github/idempotent-writes.js';

let SHA = '';

describe('non-idempotent writes under 5xx', () => {
  let gh: FakeGitHub;
  const fast: Partial<GitHubClientOptions> = { retry: { retryAfterBaseValue: 1 }, throttle: false };
  before(async () => {
    gh = await startFakeGitHub();
  });
  after(() => gh.close());
  beforeEach(async () => {
    await gh.reset({ repos: [{ repo: 'demo/hello' }], issues: [{ repo: 'demo/hello', number: 1 }] });
    SHA = (await gh.branchSha('demo/hello', 'main'))!;
  });

  const writes = [
    {
      name: 'a comment',
      path: () => '/repos/demo/hello/issues/1/comments',
      created: 201,
      write: (c: ReturnType<typeof createGitHubClient>) => c.createComment('demo', 'hello', 1, 'Tests failed.'),
      count: () => gh.comments('demo/hello', 1).filter((x) => x.body === 'Tests failed.').length,
    },
    {
      name: 'a commit status',
      path: () => `/repos/demo/hello/statuses/${SHA}`,
      created: 201,
      write: (c: ReturnType<typeof createGitHubClient>) => c.createStatus('demo', 'hello', SHA, { state: 'failure', context: 'ci/test', description: 'Job failed.', targetUrl: 'http://deck/x' }),
      count: () => gh.statuses('demo/hello', SHA).filter((s) => s.context === 'ci/test').length,
    },
    {
      name: 'a label',
      path: () => '/repos/demo/hello/issues/1/labels',
      created: 200,
      write: (c: ReturnType<typeof createGitHubClient>) => c.addLabel('demo', 'hello', 1, 'lgtm'),
      count: () => gh.labels('demo/hello', 1).filter((l) => l === 'lgtm').length,
    },
  ];

  for (const w of writes) {
    it(`${w.name} that landed before the 502: checked, not sent again`, async () => {
      gh.failNext({ method: 'POST', path: w.path(), status: 502, afterHandling: true });
      const client = createGitHubClient({ baseUrl: gh.url, token: 't', ...fast });
      await w.write(client);
      assert.equal(w.count(), 1);
      assert.deepEqual(gh.calls({ method: 'POST' }).map((c) => c.status), [502], 'one POST: the check found it');
    });

    it(`${w.name} that did not land before the 502: sent again, once`, async () => {
      gh.failNext({ method: 'POST', path: w.path(), status: 502 });
      const client = createGitHubClient({ baseUrl: gh.url, token: 't', ...fast });
      await w.write(client);
      assert.equal(w.count(), 1);
      assert.deepEqual(gh.calls({ method: 'POST' }).map((c) => c.status), [502, w.created]);
    });
  }

  it('gives up after the configured retries when the write never lands, with the GitHub error', async () => {
    gh.failNext({ method: 'POST', path: '/repos/demo/hello/issues/1/comments', status: 500, times: 10 });
    const client = createGitHubClient({ baseUrl: gh.url, token: 't', retry: { retries: 2, retryAfterBaseValue: 1 }, throttle: false });
    await assert.rejects(client.createComment('demo', 'hello', 1, 'x'), (e: unknown) => e instanceof GitHubError && e.status === 500);
    assert.equal(gh.calls({ method: 'POST' }).length, 3);
    assert.equal(gh.comments('demo/hello', 1).length, 0);
  });

  it('does not send again when it cannot tell whether the write landed', async () => {
    gh.failNext({ method: 'POST', path: '/repos/demo/hello/issues/1/comments', status: 502, afterHandling: true });
    gh.failNext({ method: 'GET', path: '/repos/demo/hello/issues/1/comments', status: 500, times: 10 });
    const client = createGitHubClient({ baseUrl: gh.url, token: 't', retry: { retries: 0 }, throttle: false });
    await assert.rejects(client.createComment('demo', 'hello', 1, 'x'), (e: unknown) => e instanceof GitHubError && e.status === 502);
    assert.equal(gh.comments('demo/hello', 1).length, 1);
  });

  it('findLandedComment: the newest comment with the body, or one created since the attempt began', () => {
    const at = (iso: string, body: string) => ({ body, createdAt: iso });
    const since = new Date('2026-01-01T00:10:00Z');
    assert.equal(findLandedComment([at('2026-01-01T00:00:00Z', 'x'), at('2026-01-01T00:01:00Z', 'y')], 'x', since), undefined);
    assert.deepEqual(findLandedComment([at('2026-01-01T00:00:00Z', 'y'), at('2026-01-01T00:00:00Z', 'x')], 'x', since), at('2026-01-01T00:00:00Z', 'x'));
    assert.deepEqual(findLandedComment([at('2026-01-01T00:10:01Z', 'x'), at('2026-01-01T00:10:02Z', 'y')], 'x', since), at('2026-01-01T00:10:01Z', 'x'));
  });
});
