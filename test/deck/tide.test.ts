// deck's tide pages and upstream's JSON, reading a tide API served over real HTTP (prow deck --tide-url).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TideHistoryRecordJSON, TidePoolJSON, TidePullJSON } from '../../src/api/tide-json.js';
import { httpTideSource } from '../../src/deck/tide-source.js';
import { listen, type ListeningServer } from '../../src/observability/http.js';
import { createTideApp } from '../../src/tide/server.js';
import { makeWorld, type World } from './support/world.js';

function pull(n: number): TidePullJSON {
  return {
    NameWithOwner: 'org/repo', Number: n, Org: 'org', Repo: 'repo', BaseRefPrefix: 'refs/heads/', BaseRefName: 'main', HeadRefName: `pr-${n}`,
    HeadRefOID: `sha${n}`, Title: `Change <${n}>`, Body: 'body', AuthorLogin: 'bob', UpdatedAtTime: '2026-12-01T00:00:00Z', Mergeable: 'MERGEABLE',
  };
}

const pools: TidePoolJSON[] = [
  {
    Org: 'org', Repo: 'repo', Branch: 'main', SuccessPRs: [pull(1)], PendingPRs: [], MissingPRs: [pull(3)], BatchPending: [pull(1), pull(2)],
    Action: 'WAIT', Target: [], Blockers: [{ Number: 9, Title: 'freeze branch:main', URL: 'https://github.com/org/repo/issues/9' }], Error: '', TenantIDs: [],
    Reason: 'batch-pending', MissingTests: { '3': ['unit'] }, Evicted: [{ Number: 4, Reason: 'GitHub refused the merge: conflict' }],
  },
  { Org: 'org', Repo: 'secret', Branch: 'main', SuccessPRs: [], PendingPRs: [], MissingPRs: [], BatchPending: [], Action: 'WAIT', Target: [], Blockers: [], Error: '', TenantIDs: [] },
];
const history: Record<string, TideHistoryRecordJSON[]> = {
  'org/repo:main': [{ time: '2026-12-01T10:00:00Z', action: 'MERGE', baseSHA: 'abcdef0123456789', target: [{ number: 1, author: 'bob', sha: 'sha1' }], tenantids: [], reason: 'all-jobs-passed' }],
  'org/secret:main': [{ time: '2026-12-01T11:00:00Z', action: 'TRIGGER', tenantids: [] }],
};

describe('deck tide pages', () => {
  let tide: ListeningServer;
  let w: World;
  let bare: World;
  before(async () => {
    tide = await listen(createTideApp({ pools: async () => pools, history: async () => history }), { port: 0, host: '127.0.0.1' });
    w = makeWorld({ tide: httpTideSource(tide.url) });
    w.config = { deck: { hidden_repos: ['org/secret'] }, tide: { queries: [{ repos: ['org/repo'], labels: ['lgtm', 'approved'] }] } };
    bare = makeWorld();
  });
  after(async () => {
    await tide.close();
    await w.close();
    await bare.close();
  });

  it('serves /tide.js in upstream shape: query strings, pools with trimmed PRs, hidden repos left out', async () => {
    const res = await w.app.request('/tide.js');
    assert.equal(res.status, 200);
    const body = (await res.json()) as { Queries: string[]; TideQueries: unknown[]; Pools: Record<string, unknown>[] };
    assert.deepEqual(body.Queries, ['is:pr state:open archived:false label:"lgtm" label:"approved" repo:"org/repo"']);
    assert.equal(body.Pools.length, 1);
    assert.deepEqual(body.Pools[0]!.SuccessPRs, [{ Title: 'Change <1>', Number: 1, HeadRefOID: 'sha1', Mergeable: 'MERGEABLE' }]);
    assert.equal(body.Pools[0]!.Reason, 'batch-pending');
  });

  it('serves /tide-history.js without hidden repos', async () => {
    const body = (await (await w.app.request('/tide-history.js')).json()) as { History: Record<string, unknown[]> };
    assert.deepEqual(Object.keys(body.History), ['org/repo:main']);
  });

  it('renders /tide: batch, passing, missing jobs, blockers, what left the pool and why (escaped)', async () => {
    const page = await (await w.app.request('/tide')).text();
    assert.match(page, /<code>is:pr state:open archived:false label:&quot;lgtm&quot;/);
    assert.match(page, /Batch pending<\/th><td><a [^>]*>#1<\/a>, <a [^>]*>#2<\/a>/);
    assert.match(page, /#3<\/a>: unit/);
    assert.match(page, /freeze branch:main/);
    assert.match(page, /#4: GitHub refused the merge: conflict/);
    assert.match(page, /title="Change &lt;1&gt;"/);
    assert.doesNotMatch(page, /org\/secret/);
    assert.match(page, /<nav>.*<a href="\/tide">Tide<\/a>/);
  });

  it('renders /tide-history with time, PRs, base SHA and reason', async () => {
    const page = await (await w.app.request('/tide-history')).text();
    assert.match(page, /<td>org\/repo:main<\/td><td>MERGE<\/td><td>#1 <span class="sha">sha1<\/span>/);
    assert.match(page, /abcdef012345/);
    assert.match(page, /all-jobs-passed/);
  });

  it('says tide is not configured without --tide-url', async () => {
    assert.equal((await bare.app.request('/tide.js')).status, 404);
    assert.match(await (await bare.app.request('/tide')).text(), /Tide is not configured/);
  });

  it('answers 502 when tide is down', async () => {
    const down = makeWorld({ tide: httpTideSource('http://127.0.0.1:1') });
    try {
      assert.equal((await down.app.request('/tide.js')).status, 502);
    } finally {
      await down.close();
    }
  });
});
