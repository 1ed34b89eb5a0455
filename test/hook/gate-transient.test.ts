import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GitHubError } from '../../src/github/types.js';
import { createRepoGate } from '../../src/hook/gate.js';
import { isTransient, TransientError } from '../../src/hook/transient.js';

describe('repo gate (--github-enabled/disabled-org/repo)', () => {
  const cases: { name: string; gate: Parameters<typeof createRepoGate>[0]; org: string; repo: string; want: boolean }[] = [
    { name: 'no flags: everything', gate: {}, org: 'a', repo: 'b', want: true },
    { name: 'enabled org', gate: { enabledOrgs: ['a'] }, org: 'A', repo: 'b', want: true },
    { name: 'not an enabled org', gate: { enabledOrgs: ['a'] }, org: 'c', repo: 'b', want: false },
    { name: 'enabled repo', gate: { enabledRepos: ['c/d'] }, org: 'c', repo: 'D', want: true },
    { name: 'enabled repo only, other repo of the org', gate: { enabledRepos: ['c/d'] }, org: 'c', repo: 'e', want: false },
    { name: 'disabled repo wins over enabled org', gate: { enabledOrgs: ['a'], disabledRepos: ['a/b'] }, org: 'a', repo: 'b', want: false },
    { name: 'disabled org', gate: { disabledOrgs: ['a'] }, org: 'a', repo: 'x', want: false },
  ];
  for (const c of cases) it(c.name, () => assert.equal(createRepoGate(c.gate)(c.org, c.repo), c.want));
});

describe('isTransient', () => {
  const econn = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
  const timeout = new DOMException('timed out', 'TimeoutError');
  const cases: { name: string; err: unknown; want: boolean }[] = [
    { name: 'GitHub 502', err: new GitHubError(502, 'GET', '/x', 'bad gateway'), want: true },
    { name: 'GitHub 429', err: new GitHubError(429, 'GET', '/x', 'slow down'), want: true },
    { name: 'no answer (status 0)', err: new GitHubError(0, 'GET', '/x', 'fetch failed'), want: true },
    { name: 'secondary rate limit 403', err: new GitHubError(403, 'POST', '/x', 'You have exceeded a secondary rate limit', { documentationUrl: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits' }), want: true },
    { name: 'plain 403', err: new GitHubError(403, 'POST', '/x', 'Resource not accessible by integration'), want: false },
    { name: '404', err: new GitHubError(404, 'GET', '/x', 'Not Found'), want: false },
    { name: '422', err: new GitHubError(422, 'POST', '/x', 'Validation Failed'), want: false },
    { name: 'connection reset', err: econn, want: true },
    { name: 'timeout', err: timeout, want: true },
    { name: 'TransientError', err: new TransientError('try later'), want: true },
    { name: 'wrapped transient cause', err: new Error('outer', { cause: new GitHubError(503, 'GET', '/x', 'unavailable') }), want: true },
    { name: 'TypeError', err: new TypeError('x is undefined'), want: false },
    { name: 'a string', err: 'boom', want: false },
  ];
  for (const c of cases) it(c.name, () => assert.equal(isTransient(c.err), c.want));
});
