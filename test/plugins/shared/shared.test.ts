// The shared plugin helpers: reply format (upstream respond.go), markdown stripping (pkg/markdown), logins, and the
// idempotent comment helpers against the fake GitHub.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import RE2 from 're2';
import { commentOnce, commentOnceAmong, pruneBotComments } from '../../../src/plugins/shared/comments.js';
import { isBotLogin } from '../../../src/github/login.js';
import { hasLabel } from '../../../src/api/labels.js';
import { normLogin, normLogins, sameLogin } from '../../../src/github/login.js';
import { dropCodeBlocks, dropHtmlComments, findAllMatches } from '../../../src/plugins/shared/markdown.js';
import { ABOUT_THIS_BOT, formatResponse, formatResponseRaw, formatSimpleResponse } from '../../../src/plugins/shared/respond.js';
import { BOT, REPO, seed, startWorld, writes, type World } from './fixtures.js';

describe('shared: replies', () => {
  it('formats a reply with the quoted command and the footer', () => {
    assert.equal(
      formatResponseRaw('/hold\nplease', 'https://github.com/org/repo/pull/1#issuecomment-2', 'alice', 'Done.'),
      `@alice: Done.\n\n<details>\n\nIn response to [this](https://github.com/org/repo/pull/1#issuecomment-2):\n\n>/hold\n>please\n\n\n${ABOUT_THIS_BOT}\n</details>`,
    );
  });
  it('formats a simple response and a reason', () => {
    assert.equal(formatSimpleResponse('Hi.'), `Hi.\n\n<details>\n\n${ABOUT_THIS_BOT}\n</details>`);
    assert.equal(formatResponse('bob', 'msg', 'why'), `@bob: msg\n\n<details>\n\nwhy\n\n${ABOUT_THIS_BOT}\n</details>`);
    assert.match(ABOUT_THIS_BOT, /^Instructions for interacting with me using PR comments are available/);
  });
});

describe('shared: markdown', () => {
  const stay = 'should stay\nthis one should stay as well\nand this one too\n';
  const block = '```\nshould be filtered out\nthis one should be filtered out as well\n```\n';
  const cases = [
    { name: 'no block', text: stay, want: stay },
    { name: 'a single-line block', text: '```\nout\n```', want: '' },
    { name: 'a block between text', text: stay + block + stay, want: stay + stay },
    { name: 'a tilde block', text: block.replaceAll('```', '~~~'), want: '' },
    { name: 'a block with a language', text: '```shell\n/test all\n```\n', want: '' },
    { name: 'several blocks, no final newline', text: block + block + block.slice(0, -1), want: '' },
    { name: 'a fence not at line start stays', text: 'x ```\n/test all\n```', want: 'x ```\n/test all\n```' },
  ];
  for (const c of cases) it(`drops code blocks: ${c.name}`, () => assert.equal(dropCodeBlocks(c.text), c.want));

  it('drops HTML comments, across lines', () => {
    assert.equal(dropHtmlComments('a<!-- /kind bug -->b\n<!--\n/area x\n-->c'), 'ab\nc');
  });
  it('finds every match and can be reused', () => {
    const re = new RE2('(?m)^/x (\\w+)$', 'g');
    assert.deepEqual(findAllMatches(re, '/x a\n/x b\nno').map((m) => m[1]), ['a', 'b']);
    assert.deepEqual(findAllMatches(re, '/x c').map((m) => m[1]), ['c']);
    assert.throws(() => findAllMatches(new RE2('x'), 'x'), /needs the g flag/);
  });
});

describe('shared: logins and labels', () => {
  it('normalises logins', () => {
    assert.equal(normLogin('@Alice'), 'alice');
    assert.equal(sameLogin('@BOB', 'bob'), true);
    assert.deepEqual(normLogins(['@A', 'a', ' b ', '']), ['a', 'b']);
    assert.equal(isBotLogin('my-app', 'My-App[bot]'), true);
    assert.equal(isBotLogin('my-app', 'someone'), false);
    assert.equal(isBotLogin('K8S-CI-Robot', 'k8s-ci-robot'), true);
    assert.equal(isBotLogin('my-app[bot]', 'my-app'), true);
    assert.equal(isBotLogin('@my-app', 'my-app[bot]'), true);
    assert.equal(isBotLogin('', 'my-app'), false);
    assert.equal(isBotLogin('my-app-2', 'my-app'), false);
  });
  it('compares label names without case', () => {
    assert.equal(hasLabel(['Kind/Bug'], 'kind/bug'), true);
    assert.equal(hasLabel(['kind/bug'], 'kind/api'), false);
  });
});

describe('shared: comments against the fake', () => {
  let w: World;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.close());

  it('commentOnce posts a text once', async () => {
    await w.gh.reset(seed({ comments: [{ author: 'rando', body: 'same' }] }));
    assert.equal(await commentOnce(w.client, 'org', 'repo', 1, 'same'), true, 'a human saying it does not count');
    assert.equal(await commentOnce(w.client, 'org', 'repo', 1, 'same'), false);
    assert.deepEqual(w.gh.comments(REPO, 1).map((c) => `${c.user}:${c.body}`), ['rando:same', `${BOT}:same`]);
  });

  it('commentOnce on a first delivery writes without listing comments; on a redelivery it lists them and does not repeat', async () => {
    await w.gh.reset(seed({}));
    w.gh.clearCalls();
    assert.equal(await commentOnce(w.client, 'org', 'repo', 1, 'hello', false), true);
    assert.deepEqual(w.gh.calls().map((c) => c.route), ['POST /repos/{owner}/{repo}/issues/{issue_number}/comments']);
    w.gh.clearCalls();
    assert.equal(await commentOnce(w.client, 'org', 'repo', 1, 'hello', true), false);
    assert.deepEqual(w.gh.calls().map((c) => c.route).filter((r) => r !== 'GET /user'), ['GET /repos/{owner}/{repo}/issues/{issue_number}/comments']);
    assert.deepEqual(w.gh.comments(REPO, 1).map((c) => `${c.user}:${c.body}`), [`${BOT}:hello`]);
  });

  it('commentOnceAmong looks in the comments it is given, not listing them again', async () => {
    await w.gh.reset(seed({ comments: [{ author: 'rando', body: 'same' }, { author: BOT, body: 'mine' }] }));
    const comments = await w.client.listComments('org', 'repo', 1);
    w.gh.clearCalls();
    assert.equal(await commentOnceAmong(w.client, 'org', 'repo', 1, 'mine', comments), false);
    assert.equal(await commentOnceAmong(w.client, 'org', 'repo', 1, 'same', comments), true, 'a human saying it does not count');
    assert.deepEqual(w.gh.calls().map((c) => c.route).filter((r) => r !== 'GET /user'), ['POST /repos/{owner}/{repo}/issues/{issue_number}/comments']);
  });

  it('pruneBotComments deletes only the bot\'s matching comments', async () => {
    await w.gh.reset(seed({ comments: [{ author: BOT, body: 'old reminder' }, { author: 'rando', body: 'old reminder' }, { author: BOT, body: 'keep' }] }));
    w.gh.clearCalls();
    assert.equal(await pruneBotComments(w.client, 'org', 'repo', 1, (c) => c.body.includes('reminder')), 1);
    assert.deepEqual(w.gh.comments(REPO, 1).map((c) => `${c.user}:${c.body}`), ['rando:old reminder', `${BOT}:keep`]);
    assert.equal(writes(w.gh).length, 1);
  });
});
