// welcome (upstream pkg/plugins/welcome/welcome_test.go TestHandlePR and TestWelcomeConfig) through the
// registered plugin: PRs opened on the fake GitHub, the `pull_request opened` delivery handled twice.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { welcomePlugin } from '../../../src/plugins/welcome/welcome.js';
import type { SeedPull } from '../../../src/github/fake/state.js';
import { pluginContextFor } from '../../support/plugin-context.js';
import { snapshotFrom } from '../../support/config.js';
import { deliverTo } from '../support/fixtures.js';
import { REPO, botComments, pullRequestDelivery, seed, startWorld, type World } from '../shared/fixtures.js';

const TEMPLATE = 'Welcome human! 🤖 {{.AuthorName}} {{.AuthorLogin}} {{.Repo}} {{.Org}}}';

describe('welcome', () => {
  let w: World;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.close());

  async function open(o: { author: string; earlier?: boolean; alwaysPost?: boolean; action?: string; plugins?: string; botAuthor?: boolean }) {
    const earlier: SeedPull[] = o.earlier ? [{ repo: REPO, number: 2, author: o.author, title: 'older', state: 'closed' }] : [];
    await w.gh.reset(seed({ isPR: true, author: o.author, extraPulls: earlier, users: [o.author] }));
    const d = await pullRequestDelivery(w.gh, o.action ?? 'opened');
    if (o.botAuthor) d.payload.pull_request.user.type = 'Bot';
    const plugins = o.plugins ?? `welcome:\n- repos: [org]\n  message_template: "${TEMPLATE}"\n  always_post: ${o.alwaysPost ?? false}\n`;
    for (const redelivery of [false, true]) await deliverTo(welcomePlugin, d, pluginContextFor(w, { plugin: 'welcome', snapshot: snapshotFrom({ plugins }), redelivery, withOwners: false }));
    return botComments(w.gh);
  }

  const cases: Array<{ name: string; author: string; earlier?: boolean; alwaysPost?: boolean; action?: string; botAuthor?: boolean; comment: boolean }> = [
    { name: 'existing contributor', author: 'contributorA', earlier: true, comment: false },
    { name: 'existing contributor when it should greet everyone', author: 'contributorA', earlier: true, alwaysPost: true, comment: true },
    { name: 'new contributor', author: 'newContributor', comment: true },
    { name: 'new contributor when it should greet everyone', author: 'newContributor', alwaysPost: true, comment: true },
    { name: 'new contributor, not PR open event', author: 'newContributor', action: 'edited', comment: false },
    { name: 'new contributor, but is a bot', author: 'newContributor', botAuthor: true, comment: false },
    { name: 'new contribution from the org member', author: 'trusted-member', comment: false },
    { name: 'new contribution from collaborator', author: 'collab1', comment: false },
    { name: 'contribution from org member when it should greet everyone', author: 'trusted-member', alwaysPost: true, comment: true },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const comments = await open(c);
      assert.equal(comments.length, c.comment ? 1 : 0);
      if (c.comment) assert.equal(comments[0], `Welcome human! 🤖  ${c.author} repo org}`);
    });
  }

  it('the repo entry wins over the org entry, and the default message applies elsewhere', async () => {
    const plugins = 'welcome:\n- repos: [org]\n  message_template: "org message"\n- repos: [org/repo]\n  message_template: "repo message"\n';
    assert.deepEqual(await open({ author: 'newbie', plugins }), ['repo message']);
    assert.deepEqual(await open({ author: 'newbie', plugins: '{}' }), ['Welcome @newbie! It looks like this is your first PR to org/repo 🎉']);
  });
});
