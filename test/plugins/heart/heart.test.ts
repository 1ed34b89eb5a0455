// heart against the fake GitHub with the real client (upstream pkg/plugins/heart/heart_test.go).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HEART_REACTIONS, handleHeartComment, handleHeartPR } from '../../../src/plugins/heart/heart.js';
import { REPO, commentDelivery, log, pluginConfig, pullRequestDelivery, seed, startWorld, typedOf, writes, type World } from '../shared/fixtures.js';

const CONFIG = 'heart:\n  adorees: [alice]\n  commentregexp: "(?i)thank"\n';

describe('heart: comments', () => {
  let w: World;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.close());

  const cases = [
    { name: 'an adoree\'s matching PR comment gets a reaction', user: 'alice', body: 'Thanks a lot!', isPR: true, config: CONFIG, reactions: 1 },
    { name: 'a comment that does not match gets none', user: 'alice', body: 'hmm', isPR: true, config: CONFIG, reactions: 0 },
    { name: 'someone else gets none', user: 'bob', body: 'thanks', isPR: true, config: CONFIG, reactions: 0 },
    { name: 'issues get none', user: 'alice', body: 'thanks', isPR: false, config: CONFIG, reactions: 0 },
    { name: 'without adorees nothing happens', user: 'alice', body: 'thanks', isPR: true, config: '{}', reactions: 0 },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      await w.gh.reset(seed({ isPR: c.isPR }));
      const d = await commentDelivery(w.gh, c.user, c.body, { post: true });
      const e = typedOf(d, 'issueComment');
      w.gh.clearCalls();
      await handleHeartComment(w.client, log, pluginConfig(c.config), e);
      await handleHeartComment(w.client, log, pluginConfig(c.config), e); // redelivery picks the same reaction
      const got = w.gh.reactions(REPO, { comment: e.comment.id });
      assert.equal(got.length, c.reactions, got.join(','));
      for (const r of got) assert.ok((HEART_REACTIONS as string[]).includes(r.replace(/^k8s-ci-robot:/, '')), r);
    });
  }
});

describe('heart: OWNERS additions', () => {
  let w: World;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.close());

  const cases: { name: string; files: Record<string, string>; action: string; reactions: number; writes: number }[] = [
    { name: 'a PR adding to an OWNERS file gets a reaction', files: { 'pkg/OWNERS': 'approvers:\n- alice\n' }, action: 'opened', reactions: 1, writes: 1 },
    { name: 'OWNERS_ALIASES counts too', files: { OWNERS_ALIASES: 'aliases:\n  x: [alice]\n' }, action: 'opened', reactions: 1, writes: 1 },
    { name: 'other files do not', files: { 'pkg/owners.go': 'package pkg\n' }, action: 'opened', reactions: 0, writes: 0 },
    { name: 'only on opened', files: { OWNERS: 'approvers: [alice]\n' }, action: 'synchronize', reactions: 0, writes: 0 },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      await w.gh.reset(seed({ isPR: true, files: c.files }));
      const e = typedOf(await pullRequestDelivery(w.gh, c.action), 'pullRequest');
      w.gh.clearCalls();
      await handleHeartPR(w.client, log, pluginConfig(), e);
      assert.equal(w.gh.reactions(REPO, { issue: 1 }).length, c.reactions);
      assert.equal(writes(w.gh).length, c.writes);
    });
  }
});
