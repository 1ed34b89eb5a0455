// Bot identity and login comparison: one home (src/github/login.ts) for what plugins and crier ask.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isBotLogin, isLoginLike, sameLogin } from '../../src/github/login.js';

describe('isBotLogin', () => {
  const cases: { name: string; login: string; bot: string; want: boolean }[] = [
    { name: 'the same login', login: 'k8s-ci-robot', bot: 'k8s-ci-robot', want: true },
    { name: 'case does not matter', login: 'K8S-CI-Robot', bot: 'k8s-ci-robot', want: true },
    { name: 'a leading @ does not matter', login: '@k8s-ci-robot', bot: 'k8s-ci-robot', want: true },
    { name: "an App's bot comments as name[bot]", login: 'prow-app[bot]', bot: 'prow-app[bot]', want: true },
    { name: 'name and name[bot] are the same bot', login: 'prow-app', bot: 'prow-app[bot]', want: true },
    { name: 'name[bot] is the token bot too', login: 'k8s-ci-robot[bot]', bot: 'k8s-ci-robot', want: true },
    { name: '[BOT] in capitals', login: 'Prow-App[BOT]', bot: 'prow-app[bot]', want: true },
    { name: 'someone else', login: 'alice', bot: 'k8s-ci-robot', want: false },
    { name: 'a prefix is not the bot', login: 'k8s-ci-robot2', bot: 'k8s-ci-robot', want: false },
    { name: 'another App', login: 'dependabot[bot]', bot: 'prow-app[bot]', want: false },
    { name: 'an empty login is nobody', login: '', bot: '', want: false },
    { name: 'a bare [bot] is nobody', login: '[bot]', bot: '[bot]', want: false },
  ];
  for (const { name, login, bot, want } of cases) {
    it(name, () => assert.equal(isBotLogin(login, bot), want));
  }
});

describe('sameLogin and isLoginLike', () => {
  it('compares case-insensitively, ignoring one leading @', () => {
    assert.equal(sameLogin('@Alice', 'alice'), true);
    assert.equal(sameLogin('alice', 'alicia'), false);
  });
  it('accepts GitHub logins and App bots, refuses what would change the URL', () => {
    assert.deepEqual(['alice', 'a-b_c', 'prow-app[bot]'].map(isLoginLike), [true, true, true]);
    assert.deepEqual(['', '.', '..', ' ', 'a/b', 'x[bot]y'].map(isLoginLike), [false, false, false, false, false, false]);
  });
});
