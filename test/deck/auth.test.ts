import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newProwJob } from '../../src/api/pjutil.js';
import type { RerunAuthConfig } from '../../src/api/prowjob.js';
import { authorize, cookieKey, createSessionCodec, deckAuthConfig } from '../../src/deck/auth.js';

const pj = (org = 'k8s', repo = 'infra', cluster?: string) =>
  newProwJob({ type: 'postsubmit', job: 'post-x', ...(cluster ? { cluster } : {}), refs: { org, repo, base_ref: 'main' } });

describe('rerun_auth_configs', () => {
  const deck = {
    rerun_auth_configs: {
      '*': { github_users: ['star'] },
      k8s: { github_users: ['orgwide'] },
      'k8s/infra': { github_users: ['repoonly'] },
    } as Record<string, RerunAuthConfig>,
  };
  const cases: [string, ReturnType<typeof pj>, string[] | undefined][] = [
    ['org/repo entry wins', pj('k8s', 'infra'), ['repoonly']],
    ['then the org', pj('k8s', 'other'), ['orgwide']],
    ['then *', pj('elsewhere', 'x'), ['star']],
  ];
  for (const [name, job, users] of cases) it(name, () => assert.deepEqual(deckAuthConfig(deck, job)?.github_users, users));

  it('default_rerun_auth_configs: the last matching entry (repo and cluster) wins', () => {
    const d = {
      default_rerun_auth_configs: [
        { repo: '*', rerun_auth_configs: { github_users: ['a'] } },
        { repo: 'k8s', cluster: 'build', rerun_auth_configs: { github_users: ['b'] } },
        { repo: 'other', rerun_auth_configs: { github_users: ['c'] } },
      ],
    };
    assert.deepEqual(deckAuthConfig(d, pj('k8s', 'infra', 'build'))?.github_users, ['b']);
    assert.deepEqual(deckAuthConfig(d, pj('k8s', 'infra'))?.github_users, ['a']);
  });

  it('decides with reasons: anyone, listed user (case-insensitive), team, not signed in, nobody configured', async () => {
    const gh = { isMember: async () => false, isTeamMember: async (org: string, slug: string, login: string) => org === 'k8s' && slug === 'admins' && login === 'tina' };
    const job = pj();
    assert.equal((await authorize('rerun', { rerun_auth_configs: { '*': { allow_anyone: true } } }, job, undefined, gh)).allowed, true);
    const users = { rerun_auth_configs: { '*': { github_users: ['Alice'], github_team_slugs: [{ org: 'k8s', slug: 'admins' }] } } };
    assert.equal((await authorize('rerun', users, job, 'alice', gh)).allowed, true);
    assert.equal((await authorize('abort', users, job, 'tina', gh)).reason, 'tina is in team k8s/admins');
    assert.match((await authorize('rerun', users, job, undefined, gh)).reason, /sign in to rerun post-x/);
    assert.match((await authorize('abort', users, job, 'eve', gh)).reason, /eve is not allowed to abort post-x/);
    assert.match((await authorize('rerun', {}, job, 'alice', gh)).reason, /no rerun_auth_configs entry/);
    job.spec.rerun_auth_config = { github_users: ['eve'] };
    assert.equal((await authorize('rerun', users, job, 'eve', gh)).allowed, true, "the job's own config can grant");
  });
});

describe('sessions and CSRF', () => {
  it('round-trips, rejects tampering and expiry, binds CSRF tokens to the session', () => {
    let now = 1_000;
    const codec = createSessionCodec(cookieKey(Buffer.from('a secret from a file\n')), () => now);
    const s = codec.fresh('alice');
    const cookie = codec.encode(s);
    assert.deepEqual(codec.decode(cookie), s);
    const [body] = cookie.split('.');
    const forged = `${Buffer.from(JSON.stringify({ ...s, login: 'mallory' })).toString('base64url')}.${cookie.split('.')[1]}`;
    assert.equal(codec.decode(forged), undefined);
    assert.equal(codec.decode(`${body}.`), undefined);
    assert.equal(codec.decode('garbage'), undefined);
    assert.ok(codec.checkCsrf(s, codec.csrfToken(s)));
    assert.ok(!codec.checkCsrf(codec.fresh('alice'), codec.csrfToken(s)));
    assert.ok(!codec.checkCsrf(s, ''));
    now += 8 * 24 * 3600 * 1000;
    assert.equal(codec.decode(cookie), undefined, 'expired');
    const other = createSessionCodec(cookieKey(Buffer.from('another secret')));
    assert.equal(other.decode(cookie), undefined, 'a different key rejects it');
  });
});
