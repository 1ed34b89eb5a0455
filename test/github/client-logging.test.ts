// What the client logs, read from the raw lines: one debug line per request, nothing above debug for
// a 304 or for a 404 the caller asked about, and a failure the caller did not expect left to the caller.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createGitHubClient } from '../../src/github/client.js';
import { GitHubError } from '../../src/github/errors.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/github/fake/server.js';
import { octokitLog } from '../../src/github/octokit.js';
import { createLogger } from '../../src/observability/logger.js';

interface Line {
  level: string;
  msg: string;
  status?: number;
  path?: string;
  cached?: boolean;
}

/** A debug logger whose raw lines land in an array; `level` is the word the logger writes (logrus's: warning, not warn). */
function capture(): { log: ReturnType<typeof createLogger>; lines: () => Line[] } {
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      raw.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });
  const log = createLogger({ level: 'debug', destination });
  return {
    log,
    lines: () =>
      raw.map((l) => {
        return JSON.parse(l) as Line;
      }),
  };
}

const fast = { retry: { retryAfterBaseValue: 1 }, throttle: false } as const;

describe('client log levels', () => {
  let gh: FakeGitHub;
  before(async () => {
    gh = await startFakeGitHub();
  });
  after(() => gh.close());
  beforeEach(async () => {
    await gh.reset({
      orgs: { demo: { members: ['alice'], teams: { reviewers: { members: ['alice'] } } } },
      issues: [{ repo: 'demo/hello', number: 1, labels: ['a'] }],
    });
  });

  it('an ETag 304 is a debug request line, never a warning or an error', async () => {
    const { log, lines } = capture();
    const client = createGitHubClient({ baseUrl: gh.url, token: 't', log, ...fast });
    await client.listIssueLabels('demo', 'hello', 1);
    await client.listIssueLabels('demo', 'hello', 1);
    assert.deepEqual(gh.calls({ method: 'GET' }).map((c) => c.status), [200, 304]);
    const requests = lines().filter((l) => l.msg === 'github request');
    assert.deepEqual(requests.map((l) => [l.level, l.status, l.cached ?? false]), [['debug', 200, false], ['debug', 304, true]]);
    assert.deepEqual(lines().filter((l) => l.level !== 'debug'), []);
  });

  it('a 404 the caller asked about (membership, missing file, label, comment, team) is debug only', async () => {
    const { log, lines } = capture();
    const client = createGitHubClient({ baseUrl: gh.url, token: 't', log, ...fast });
    assert.equal(await client.isMember('demo', 'bob'), false);
    assert.equal(await client.isCollaborator('demo', 'hello', 'bob'), false);
    assert.equal(await client.getFile('demo', 'hello', 'OWNERS'), undefined);
    await client.removeLabel('demo', 'hello', 1, 'not-there');
    assert.equal(await client.getTeamMembership('demo', 'reviewers', 'bob'), undefined);
    assert.equal(await client.getUser('nobody-at-all'), undefined);
    const statuses = gh.calls().map((c) => c.status);
    assert.equal(statuses.filter((s) => s === 404).length, 6);
    assert.deepEqual(lines().filter((l) => l.level !== 'debug'), []);
    assert.equal(lines().filter((l) => l.msg === 'github request' && l.status === 404).length, 6);
  });

  it('an unexpected failure is thrown typed and left to the caller to log, once', async () => {
    const { log, lines } = capture();
    const client = createGitHubClient({ baseUrl: gh.url, token: 't', log, retry: { retries: 1, retryAfterBaseValue: 1 }, throttle: false });
    gh.failNext({ path: '/repos/demo/hello/issues/1/labels', status: 500, times: 5 });
    await assert.rejects(client.listIssueLabels('demo', 'hello', 1), (e: unknown) => e instanceof GitHubError && e.status === 500);
    await assert.rejects(client.createComment('demo', 'hello', 99, 'x'), (e: unknown) => e instanceof GitHubError && e.status === 404);
    assert.deepEqual(lines().filter((l) => l.level !== 'debug'), []);
    assert.deepEqual(lines().map((l) => `${l.status ?? ''} ${l.path ?? ''}`), [
      '500 /repos/{owner}/{repo}/issues/{issue_number}/labels',
      '404 /repos/{owner}/{repo}/issues/{issue_number}/comments',
    ]);
  });

  it("routes Octokit's own log: its info lines become debug, warnings stay warnings", () => {
    const { log, lines } = capture();
    const routed = octokitLog(log);
    routed.info('GET /repos/o/r - 304 with id X in 3ms');
    routed.debug('request');
    routed.debug('request', { headers: { authorization: 'token s3cr3t' } });
    routed.warn('[@octokit/request] "GET /x" is deprecated');
    routed.warn('Error in throttling-plugin limit handler', new Error('boom'));
    assert.deepEqual(lines().map((l) => l.level), ['debug', 'debug', 'debug', 'warning', 'warning']);
    assert.deepEqual(lines().map((l) => l.msg), ['GET /repos/o/r - 304 with id X in 3ms', 'request', 'request', '[@octokit/request] "GET /x" is deprecated', 'Error in throttling-plugin limit handler']);
    assert.ok(lines().some((l) => JSON.stringify(l).includes('boom')));
    assert.ok(!lines().some((l) => JSON.stringify(l).includes('s3cr3t')));
  });
});
