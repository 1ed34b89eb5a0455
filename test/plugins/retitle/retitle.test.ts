// retitle (upstream pkg/plugins/retitle/retitle_test.go) through the registered plugin.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { retitlePlugin } from '../../../src/plugins/retitle/retitle.js';
import { pluginCases } from '../../support/plugin-cases.js';
import { pluginContextFor } from '../../support/plugin-context.js';
import { snapshotFrom } from '../../support/config.js';
import { deliverTo, type Delivery } from '../support/fixtures.js';
import { BOT, REPO, commentDelivery, seed, startWorld, writes, type World } from '../shared/fixtures.js';

const cases: Array<{ name: string; body: string; user?: string; isPR?: boolean; state?: 'open' | 'closed'; allowClosed?: boolean; title: string; reply?: RegExp }> = [
  { name: 'a trusted user retitles a PR', body: '/retitle foobar', user: 'collab1', isPR: true, title: 'foobar' },
  { name: 'a trusted user retitles an issue', body: '/retitle  foobar  ', user: 'trusted-member', title: 'foobar' },
  { name: 'an untrusted user is told so', body: '/retitle foobar', user: 'outsider', title: 'A thing', reply: /Re-titling can only be requested by trusted users, like repository collaborators\./ },
  { name: 'an empty title is refused', body: '/retitle', user: 'collab1', title: 'A thing', reply: /Titles may not be empty\./ },
  { name: 'a title that closes issues is refused', body: '/retitle fixes #5', user: 'collab1', title: 'A thing', reply: /Titles may not contain \[keywords\]/ },
  { name: 'closed issues are left alone by default', body: '/retitle foobar', user: 'collab1', state: 'closed', title: 'A thing' },
  { name: 'closed issues may be retitled when allowed', body: '/retitle foobar', user: 'collab1', state: 'closed', allowClosed: true, title: 'foobar' },
  { name: 'not a command mid-line', body: 'do /retitle foobar', user: 'collab1', title: 'A thing' },
];

describe('retitle', () => {
  let w: World;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.close());
  let d: Delivery;
  let redelivery = false;
  pluginCases(cases, {
    arrange: async (c) => {
      await w.gh.reset(seed({ isPR: c.isPR ?? false, state: c.state ?? 'open' }));
      d = await commentDelivery(w.gh, c.user ?? 'rando', c.body);
      redelivery = false;
      w.gh.clearCalls();
    },
    act: async (c) => {
      const snapshot = snapshotFrom({ plugins: c.allowClosed ? 'retitle:\n  allow_closed_issues: true\n' : '{}' });
      await deliverTo(retitlePlugin, d, pluginContextFor(w, { plugin: 'retitle', snapshot, redelivery, withOwners: false }));
      redelivery = true;
    },
    writes: () => writes(w.gh).filter((r) => !r.startsWith('PATCH')),
    check: (c) => {
      assert.equal(w.gh.issue(REPO, 1)!.title, c.title);
      const replies = w.gh.comments(REPO, 1).filter((x) => x.user === BOT);
      if (c.reply) {
        assert.equal(replies.length, 1);
        assert.match(replies[0]!.body, c.reply);
      } else assert.equal(replies.length, 0);
    },
  });
});
