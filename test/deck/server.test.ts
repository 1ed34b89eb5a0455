import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ProwJob } from '../../src/api/prowjob.js';
import { Client, job, makeWorld, type World } from './support/world.js';

const names = (body: { items: ProwJob[] }): string[] => body.items.map((pj) => pj.spec.job);

for (const scan of [false, true]) describe(`deck job list and /prowjobs.js (${scan ? 'scan of a plain ProwJobStore' : 'indexed SQLite queries'})`, () => {
  let w: World;
  before(async () => {
    w = makeWorld({}, { scan });
    const jobs = [
      job({ job: 'pull-a', author: 'alice', pull: 1, start: '2026-01-01T00:00:01Z', state: 'success' }),
      job({ job: 'pull-b', author: 'bob', pull: 2, start: '2026-01-01T00:00:02Z', state: 'failure' }),
      job({ job: 'post-c', type: 'postsubmit', start: '2026-01-01T00:00:03Z', state: 'pending', complete: false }),
      job({ job: 'pull-d', org: 'other', repo: 'thing', author: 'alice', pull: 7, start: '2026-01-01T00:00:04Z', state: 'success' }),
      job({ job: '<script>alert(1)</script>', author: 'mallory', start: '2026-01-01T00:00:05Z', state: 'error' }),
    ];
    for (const pj of jobs) await w.store.createProwJob(pj);
  });
  after(() => w.close());

  const api = async (q: string): Promise<{ items: ProwJob[]; next?: string }> => {
    const res = await w.app.request(`/prowjobs.js${q}`);
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()) as { items: ProwJob[]; next?: string };
  };

  const cases: [string, string, string[]][] = [
    ['newest first, no filter', '', ['<script>alert(1)</script>', 'pull-d', 'post-c', 'pull-b', 'pull-a']],
    ['org/repo', '?repo=demo/hello', ['<script>alert(1)</script>', 'post-c', 'pull-b', 'pull-a']],
    ['org and repo as upstream sends them', '?org=other&repo=thing', ['pull-d']],
    ['type', '?type=postsubmit', ['post-c']],
    ['state', '?state=failure', ['pull-b']],
    ['job name', '?job=pull-a', ['pull-a']],
    ['job wildcard', '?job=pull-*', ['pull-d', 'pull-b', 'pull-a']],
    ['leading wildcard', '?job=*-b', ['pull-b']],
    ['wildcard in the middle', '?job=p*-d', ['pull-d']],
    ['author', '?author=alice', ['pull-d', 'pull-a']],
    ['upstream owner = author', '?owner=bob', ['pull-b']],
    ['pull', '?repo=demo/hello&pull=2', ['pull-b']],
    ['filters combine', '?author=alice&repo=demo/hello', ['pull-a']],
  ];
  for (const [name, q, want] of cases) {
    it(`filters: ${name}`, async () => assert.deepEqual(names(await api(q)), want));
  }

  it('pages with a cursor and no overlap', async () => {
    const first = await api('?limit=2');
    assert.equal(first.items.length, 2);
    assert.ok(first.next);
    const second = await api(`?limit=2&before=${first.next}`);
    const third = await api(`?limit=2&before=${second.next}`);
    assert.deepEqual([...names(first), ...names(second), ...names(third)], names(await api('')));
    assert.equal(third.next, undefined);
  });

  it('wraps in a var, omits fields, refuses bad filters with 400 naming the parameter', async () => {
    const res = await w.app.request('/prowjobs.js?var=allBuilds&omit=labels,annotations,pod_spec&job=pull-a');
    const text = await res.text();
    assert.match(text, /^var allBuilds = \{"items":\[/);
    const parsed = JSON.parse(text.slice('var allBuilds = '.length, -1)) as { items: ProwJob[] };
    assert.equal(parsed.items[0]!.metadata.labels, undefined);
    assert.equal(parsed.items[0]!.metadata.annotations, undefined);
    for (const [q, param] of [['state=nope', 'state'], ['type=x', 'type'], ['pull=abc', 'pull'], ['before=!!', 'before'], ['var=a;b', 'var']]) {
      const bad = await w.app.request(`/prowjobs.js?${q}`);
      assert.equal(bad.status, 400);
      assert.match(await bad.text(), new RegExp(`${param}:`));
    }
  });

  it('renders the list page with filters applied on the server and everything escaped', async () => {
    const all = await (await w.app.request('/')).text();
    assert.ok(!all.includes('<script>alert(1)</script>'), 'job name must be escaped');
    assert.ok(all.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.match(all, /href="https:\/\/github.com\/demo\/hello\/pull\/2"/);
    const filtered = await (await w.app.request('/?author=bob')).text();
    assert.match(filtered, /pull-b/);
    assert.doesNotMatch(filtered, /pull-a/);
    const paged = await (await w.app.request('/?limit=2')).text();
    assert.match(paged, /rel="next" href="\/\?limit=2&amp;before=/);
  });

  it('leaves hidden repos out', async () => {
    w.config = { deck: { hidden_repos: ['other'] } };
    try {
      assert.deepEqual(names(await api('?author=alice')), ['pull-a']);
    } finally {
      w.config = {};
    }
  });

  it('groups a PR\'s jobs by head SHA on the PR page', async () => {
    await w.store.createProwJob(job({ job: 'pull-a', pull: 1, sha: 'c'.repeat(40), start: '2026-01-02T00:00:00Z' }));
    const body = await (await w.app.request('/pr-history?org=demo&repo=hello&pr=1')).text();
    const commits = [...body.matchAll(/Commit <a class="sha" href="[^"]+">(\w+)<\/a>/g)].map((m) => m[1]);
    assert.deepEqual(commits, ['c'.repeat(12), 'a'.repeat(12)]);
    assert.equal((await w.app.request('/pr-history?org=demo&repo=hello')).status, 400);
  });
});

describe('deck job page, logs and artifacts', () => {
  let w: World;
  let pj: ProwJob;
  const dir = 'pr-logs/pull/demo_hello/1/pull-hello-test/42';
  before(async () => {
    w = makeWorld();
    pj = await w.store.createProwJob(job({ buildId: '42', state: 'failure' }));
    await w.artifacts.put(`${dir}/build-log.txt`, `${'x'.repeat(300 * 1024)}\nstep \u001b[32mok\u001b[0m <img src=x onerror=alert(1)>\nlast line\n`);
    await w.artifacts.put(`${dir}/prowjob.json`, JSON.stringify(pj));
    await w.artifacts.put(`${dir}/artifacts/junit_unit.xml`, `<?xml version="1.0"?><testsuites><testsuite name="unit">
<testcase classname="pkg" name="passes" time="0.1"/>
<testcase classname="pkg" name="breaks" time="1.5"><failure message="expected 1">got 2 &amp; more</failure></testcase>
<testcase classname="pkg" name="later"><skipped/></testcase></testsuite></testsuites>`);
    await w.artifacts.put(`${dir}/artifacts/junit_bad.xml`, 'not xml at all');
  });
  after(() => w.close());

  it('shows metadata, the log tail with colours and escaping, JUnit failures first, artifacts and YAML', async () => {
    const res = await w.app.request(`/job/${pj.metadata.name}`);
    assert.equal(res.status, 200);
    const body = await res.text();
    assert.match(body, /<th>Build ID<\/th><td>42<\/td>/);
    assert.match(body, /step <span class="ansi-fg-2">ok<\/span> &lt;img src=x onerror=alert\(1\)&gt;/);
    assert.ok(!body.includes('<img src=x'));
    assert.match(body, /1 earlier line<\/a> not shown/, "a log above the window loads by range, counted in lines");
    assert.ok(body.length < 300 * 1024, 'the page carries only the tail of a large log');
    const failedAt = body.indexOf('pkg.breaks');
    assert.ok(failedAt > 0 && failedAt < body.indexOf('pkg.passes'), 'failures come first');
    assert.match(body, /1 failed<\/span> · 1 passed · 1 skipped/);
    assert.match(body, /got 2 &amp; more/);
    assert.match(body, /junit_bad.xml: no &lt;testsuite&gt;/);
    assert.match(body, /href="\/artifacts\/pr-logs\/pull\/demo_hello\/1\/pull-hello-test\/42\/build-log.txt"/);
    assert.match(body, /kind: ProwJob/);
  });

  it('serves the job page at the job URL path of examples/config.yaml', async () => {
    const res = await w.app.request(`/view/local/prow-artifacts/${dir}/`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /<th>Build ID<\/th><td>42<\/td>/);
    assert.equal((await w.app.request('/view/local/prow-artifacts/logs/nothing/1/')).status, 404);
  });

  it('serves log slices and artifacts by byte range, as text', async () => {
    const slice = await w.app.request(`/log/${pj.metadata.name}?start=0&end=9`);
    assert.equal(await slice.text(), 'xxxxxxxxxx');
    assert.equal(slice.headers.get('x-log-start'), '0');
    const ranged = await w.app.request(`/artifacts/${dir}/build-log.txt`, { headers: { range: 'bytes=-10' } });
    assert.equal(ranged.status, 206);
    assert.equal(await ranged.text(), 'last line\n');
    const html = await w.app.request(`/artifacts/${dir}/prowjob.json`);
    assert.equal(html.headers.get('content-type'), 'application/json');
    assert.equal((await w.app.request('/artifacts/../etc/passwd')).status, 404);
    assert.equal((await w.app.request('/artifacts/logs/a%2F..%2F..%2F..%2Fetc%2Fpasswd')).status, 400);
  });

  it("serves upstream's /log?job=&id= as plain text with CORS", async () => {
    const res = await w.app.request('/log?job=pull-hello-test&id=42');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.match(await res.text(), /last line\n$/);
    assert.equal((await w.app.request('/log?job=pull-hello-test&id=41')).status, 404);
    assert.equal((await w.app.request('/log?job=pull-hello-test')).status, 400);
  });

  it('returns the ProwJob as YAML and 404s an unknown one', async () => {
    assert.match(await (await w.app.request(`/prowjob?prowjob=${pj.metadata.name}`)).text(), /job: pull-hello-test/);
    assert.equal((await w.app.request('/job/nope')).status, 404);
  });

  it('bundles the page scripts with esbuild and serves its own CSS', async () => {
    const js = await w.app.request('/static/job.js');
    assert.equal(js.status, 200);
    assert.match(await js.text(), /EventSource/);
    assert.match(await (await w.app.request('/static/deck.css')).text(), /\.state-failure/);
    assert.equal((await w.app.request('/static/nope.js')).status, 404);
  });
});

describe('deck rerun and abort', () => {
  let w: World;
  before(() => {
    w = makeWorld({ demoUsers: ['alice', 'bob'] });
  });
  after(() => w.close());

  const count = async (): Promise<number> => ((await w.store.listProwJobs()).items).length;

  it('refuses a POST without the CSRF token and changes nothing', async () => {
    w.config = { deck: { rerun_auth_configs: { '*': { allow_anyone: true } } } };
    const pj = await w.store.createProwJob(job());
    const c = new Client(w);
    await c.csrf();
    const before = await count();
    for (const token of [undefined, 'forged']) {
      const res = await c.post(`/rerun?prowjob=${pj.metadata.name}`, token);
      assert.equal(res.status, 403);
      assert.match(await res.text(), /CSRF/);
    }
    // A token from another session is no good either.
    const other = await new Client(w).csrf();
    assert.equal((await c.post(`/rerun?prowjob=${pj.metadata.name}`, other)).status, 403);
    assert.equal(await count(), before);
  });

  it('lets an allowed user rerun (a new ProwJob with the same spec) and refuses another with the reason', async () => {
    w.config = { deck: { rerun_auth_configs: { '*': { github_users: ['someone'] }, demo: { github_users: ['alice'] } } } };
    const pj = await w.store.createProwJob(job({ job: 'pull-rerun-me' }));
    const before = await count();

    const anon = new Client(w);
    const anonRes = await anon.post(`/rerun?prowjob=${pj.metadata.name}`, await anon.csrf());
    assert.equal(anonRes.status, 403);
    assert.match(((await anonRes.json()) as { message: string }).message, /sign in/);

    const bob = new Client(w);
    await bob.signIn('bob');
    const bobRes = await bob.post(`/rerun?prowjob=${pj.metadata.name}`, await bob.csrf());
    assert.equal(bobRes.status, 403);
    assert.match(((await bobRes.json()) as { message: string }).message, /bob is not allowed to rerun pull-rerun-me/);
    // Without JavaScript the form posts and the answer is a page with the reason.
    const form = await bob.req(`/rerun?prowjob=${pj.metadata.name}`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', referer: `http://x/job/${pj.metadata.name}` },
      body: `csrf=${encodeURIComponent(await bob.csrf())}`,
    });
    assert.equal(form.status, 403);
    const page = await form.text();
    assert.match(page, /<p class="problem" id="reason">403 Forbidden: bob is not allowed to rerun pull-rerun-me/);
    assert.match(page, new RegExp(`<a href="/job/${pj.metadata.name}">Back</a>`));
    assert.equal(await count(), before);

    const alice = new Client(w);
    await alice.signIn('alice');
    const ok = await alice.post(`/rerun?prowjob=${pj.metadata.name}`, await alice.csrf());
    assert.equal(ok.status, 200);
    const { url } = (await ok.json()) as { url: string };
    const created = (await w.store.getProwJob(decodeURIComponent(url.slice('/job/'.length))))!;
    assert.notEqual(created.metadata.name, pj.metadata.name);
    assert.deepEqual(created.spec, pj.spec);
    assert.deepEqual(created.metadata.labels, pj.metadata.labels);
    assert.equal(created.status.state, 'triggered');
    assert.equal(created.status.description, `alice successfully reran ${pj.metadata.name}.`);
    assert.equal(await count(), before + 1);
  });

  it('consults the job\'s own rerun_auth_config and org membership', async () => {
    const lookups: string[] = [];
    const gw = makeWorld({
      demoUsers: ['carol'],
      github: {
        isMember: async (org, login) => (lookups.push(`${org}:${login}`), org === 'friends' && login === 'carol'),
        isTeamMember: async () => false,
      },
    });
    try {
      const pj = job();
      pj.spec.rerun_auth_config = { github_orgs: ['friends'] };
      await gw.store.createProwJob(pj);
      const carol = new Client(gw);
      await carol.signIn('carol');
      assert.equal((await carol.post(`/rerun?prowjob=${pj.metadata.name}`, await carol.csrf())).status, 200);
      assert.deepEqual(lookups, ['friends:carol']);
    } finally {
      await gw.close();
    }
  });

  it('aborts a running job for an allowed user only, and only while triggered or pending', async () => {
    w.config = { deck: { rerun_auth_configs: { 'demo/hello': { github_users: ['alice'] } } } };
    const running = await w.store.createProwJob(job({ state: 'pending', complete: false }));
    const bob = new Client(w);
    await bob.signIn('bob');
    const denied = await bob.post(`/abort?prowjob=${running.metadata.name}`, await bob.csrf());
    assert.equal(denied.status, 403);
    assert.equal((await w.store.getProwJob(running.metadata.name))!.status.state, 'pending');

    const alice = new Client(w);
    await alice.signIn('alice');
    const token = await alice.csrf();
    assert.equal((await alice.post(`/abort?prowjob=${running.metadata.name}`, token)).status, 200);
    const after = (await w.store.getProwJob(running.metadata.name))!;
    assert.equal(after.status.state, 'aborted');
    assert.equal(after.status.description, `alice successfully aborted ${running.metadata.name}.`);
    assert.equal((await alice.post(`/abort?prowjob=${running.metadata.name}`, token)).status, 409);
  });

  it('rerun and abort are POST only; GET /rerun shows the job that would be created', async () => {
    const pj = await w.store.createProwJob(job());
    assert.equal((await w.app.request(`/abort?prowjob=${pj.metadata.name}`)).status, 404);
    assert.match(await (await w.app.request(`/rerun?prowjob=${pj.metadata.name}`)).text(), /state: triggered/);
  });

  it('a form POST without JavaScript redirects to the new job; a forged session cookie is a fresh anonymous one', async () => {
    w.config = { deck: { rerun_auth_configs: { '*': { allow_anyone: true } } } };
    const pj = await w.store.createProwJob(job());
    const c = new Client(w);
    const token = await c.csrf();
    const res = await c.req(`/rerun?prowjob=${pj.metadata.name}`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `csrf=${encodeURIComponent(token)}`,
    });
    assert.equal(res.status, 303);
    assert.match(res.headers.get('location') ?? '', /^\/job\//);
    const forged = new Client(w);
    forged.cookie = `deck_session=${Buffer.from(JSON.stringify({ sid: 'x', login: 'alice', exp: 9e15 })).toString('base64url')}.AAAA`;
    const page = await (await forged.req('/')).text();
    assert.doesNotMatch(page, /Signed in as/);
  });

  it('refuses demo sign-in for a user who is not seeded', async () => {
    const c = new Client(w);
    const token = await c.csrf();
    const res = await c.req('/login/demo', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `csrf=${token}&user=mallory` });
    assert.equal(res.status, 403);
  });
});

describe('deck command help', () => {
  it('lists every command with who can use it and where each plugin is enabled', async () => {
    const w = makeWorld({
      pluginHelp: async () => ({
        AllRepos: ['demo/hello'],
        RepoPlugins: { '': ['hold', 'cat'], 'demo/hello': ['hold'] },
        PluginHelp: {
          hold: { Description: 'Holds PRs.', Commands: [{ Usage: '/hold [cancel]', Featured: false, Description: 'Adds <hold>.', Examples: ['/hold', '/hold cancel'], WhoCanUse: 'Anyone' }] },
          cat: { Description: 'Cats.', Commands: [{ Usage: '/meow', Featured: false, Description: 'A cat.', Examples: ['/meow'], WhoCanUse: 'Anyone' }] },
        },
      }),
    });
    try {
      const body = await (await w.app.request('/command-help')).text();
      assert.match(body, /<code>\/hold \[cancel\]<\/code>/);
      assert.match(body, /Adds &lt;hold&gt;\./);
      assert.match(body, /Enabled for: demo\/hello/);
      const only = await (await w.app.request('/command-help?repo=demo/hello')).text();
      assert.doesNotMatch(only, /\/meow/);
      assert.equal(((await (await w.app.request('/plugin-help.js')).json()) as { AllRepos: string[] }).AllRepos[0], 'demo/hello');
    } finally {
      await w.close();
    }
  });
});
