// The cherrypicker's git over the fake GitHub's smart HTTP: clone anonymously, push with the token sent as a
// header; a push without a token or by a user without write is refused as GitHub refuses it, and the token
// never shows in an error.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFakeGitHub, type FakeGitHub } from '../../../src/github/fake/server.js';
import { cloneForCherrypick, GitError } from '../../../src/plugins/cherrypicker/git.js';

describe('cherrypicker git over HTTP', { timeout: 120_000 }, () => {
  let fake: FakeGitHub;
  before(async () => {
    fake = await startFakeGitHub({
      seed: {
        tokens: { 'bot-token': 'k8s-ci-robot', 'eve-token': 'eve' }, strictTokens: true,
        users: ['eve'], repos: [{ repo: 'org/repo', files: { 'a.txt': 'one\n' }, collaborators: { 'k8s-ci-robot': 'write', eve: 'read' } }],
      },
    });
  });
  after(() => fake.close());

  const cases = [
    { name: 'a token with write pushes', token: 'bot-token', pushed: true },
    { name: 'no token is refused', token: undefined, pushed: false, want: /Authentication|401|could not read Username/i },
    { name: 'a reader is refused', token: 'eve-token', pushed: false, want: /Permission to org\/repo\.git denied to eve|403/ },
  ];
  for (const c of cases) {
    it(c.name, async (t) => {
      const url = `${fake.url}/org/repo.git`;
      const ws = await cloneForCherrypick(url, { token: () => c.token });
      t.after(() => ws.clean());
      await ws.setIdentity('bot', 'bot@example.com');
      const branch = `topic-${c.token ?? 'none'}`;
      await ws.checkoutNewBranch(branch);
      await ws.am([
        'From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001', 'From: A <a@example.com>', 'Date: Mon, 1 Jan 2024 00:00:00 +0000',
        'Subject: [PATCH] change a', '', '---', ' a.txt | 2 +-', '', 'diff --git a/a.txt b/a.txt', '--- a/a.txt', '+++ b/a.txt', '@@ -1 +1 @@', '-one', '+two', '', '',
      ].join('\n'));
      if (c.pushed) {
        await ws.forcePush(url, branch);
        assert.equal(await fake.file('org/repo', 'a.txt', branch), 'two\n');
        assert.equal(await ws.remoteBranchExists(url, branch), true);
      } else {
        const err = await ws.forcePush(url, branch).then(() => undefined, (e: unknown) => e);
        assert.ok(err instanceof GitError, String(err));
        assert.match(err.message, c.want ?? /./);
        assert.doesNotMatch(err.message, /bot-token|eve-token|ZXZlLXRva2Vu/, 'no token in the message');
        assert.equal(await fake.branchSha('org/repo', branch), undefined);
      }
    });
  }
});
