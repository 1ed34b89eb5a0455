// Bot identity and login comparison: one home (src/github/login.ts) for what plugins and crier ask.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { createGitHubClient } from '../../src/github/client.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/github/fake/server.js';
import { isBot, isBotLogin, isLoginLike, sameLogin } from '../../src/github/login.js';

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

describe('isBot asks the client who it is', () => {
  let gh: FakeGitHub;
  before(async () => {
    gh = await startFakeGitHub();
  });
  after(() => gh.close());

  it('knows the token bot and an App bot, case-insensitively, asking GitHub once', async () => {
    const app = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await gh.reset({
      bot: 'Prow-Robot',
      apps: [{ id: 9, slug: 'prow-app', publicKey: app.publicKey.export({ type: 'spki', format: 'pem' }).toString(), installations: { demo: 3 } }],
    });
    const fast = { retry: { retryAfterBaseValue: 1 }, throttle: false } as const;
    const token = createGitHubClient({ baseUrl: gh.url, token: 't', ...fast });
    assert.deepEqual(await Promise.all(['prow-robot', 'PROW-ROBOT[bot]', 'alice', ''].map((l) => isBot(token, l))), [true, true, false, false]);
    assert.equal(gh.calls({ path: '/user' }).length, 1);
    const privateKey = app.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const appClient = createGitHubClient({ baseUrl: gh.url, appId: 9, privateKey, ...fast });
    assert.deepEqual(await Promise.all(['prow-app[bot]', 'Prow-App', 'prow-robot'].map((l) => isBot(appClient, l))), [true, true, false]);
  });
});
