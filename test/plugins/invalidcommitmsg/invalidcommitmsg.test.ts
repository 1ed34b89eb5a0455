// invalidcommitmsg (upstream pkg/plugins/invalidcommitmsg/invalidcommitmsg_test.go) through the registered
// plugin: commits with real messages in the fake GitHub's git repository.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { INVALID_COMMIT_MSG_LABEL, INVALID_COMMIT_MSG_MARKER, invalidCommitMsgPlugin } from '../../../src/plugins/invalidcommitmsg/invalidcommitmsg.js';
import { pluginContextFor } from '../../support/plugin-context.js';
import { snapshotFrom } from '../../support/config.js';
import { deliverTo } from '../support/fixtures.js';
import { BOT, REPO, botComments, pullRequestDelivery, startWorld, writes, type World } from '../shared/fixtures.js';

describe('invalidcommitmsg', () => {
  let w: World;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.close());

  async function run(o: { messages: string[]; title?: string; labels?: string[]; oldComment?: boolean; plugins?: string; action?: string }) {
    await w.gh.reset({
      bot: BOT, users: ['author'], repos: [{ repo: REPO, defaultBranch: 'master', files: { a: '1' }, labels: [INVALID_COMMIT_MSG_LABEL] }],
      pulls: [{ repo: REPO, number: 1, author: 'author', title: o.title ?? 'A title', labels: o.labels ?? [],
        commits: o.messages.map((message, i) => ({ message, files: { [`f${i}`]: 'x' } })),
        comments: o.oldComment ? [{ author: BOT, body: `${INVALID_COMMIT_MSG_MARKER}\n\nold` }] : [] }],
    });
    const d = await pullRequestDelivery(w.gh, o.action ?? 'opened');
    w.gh.clearCalls();
    for (const redelivery of [false, true]) await deliverTo(invalidCommitMsgPlugin, d, pluginContextFor(w, { plugin: 'invalidcommitmsg', snapshot: snapshotFrom({ plugins: o.plugins ?? '{}' }), redelivery, withOwners: false }));
  }

  it('a commit that closes an issue: label and the list of commits, once', async () => {
    await run({ messages: ['Fixes #1 by doing x', 'fine commit'] });
    assert.deepEqual(w.gh.labels(REPO, 1), [INVALID_COMMIT_MSG_LABEL]);
    const [c] = botComments(w.gh);
    assert.match(c!, /^<!-- \[prow:invalid-commit-message\] -->\n\nInvalid commit message issues detected\n\n### Invalid commit messages\n/);
    assert.match(c!, /\n- \[[0-9a-f]{7}\]\(https:\/\/github\.com\/org\/repo\/commits\/[0-9a-f]{40}\) Fixes #1 by doing x/);
    assert.doesNotMatch(c!, /fine commit/);
    assert.equal(writes(w.gh).length, 2, 'a redelivery writes nothing more');
  });
  it('fixup commits are listed in their own section', async () => {
    await run({ messages: ['fixup! earlier', 'ok'] });
    assert.match(botComments(w.gh)[0]!, /### Fixup\/amend\/squash commits\n\nTemporary commits like fixup!, amend!, or squash! are not allowed\./);
  });
  it('a title with a closing keyword', async () => {
    await run({ messages: ['ok'], title: 'closes #5' });
    assert.match(botComments(w.gh)[0]!, /### Invalid PR title\n\n.*Use `\/retitle <new-title>` to fix it\./s);
  });
  it('a disabled check does not count', async () => {
    await run({ messages: ['fixup! x'], plugins: 'invalid_commit_msg:\n- repos: [org]\n  checks:\n  - name: fixupPrefix\n    disabled: true\n' });
    assert.deepEqual(w.gh.labels(REPO, 1), []);
    assert.deepEqual(botComments(w.gh), []);
  });
  it('fixed: the label and the old comment go', async () => {
    await run({ messages: ['ok'], labels: [INVALID_COMMIT_MSG_LABEL], oldComment: true });
    assert.deepEqual(w.gh.labels(REPO, 1), []);
    assert.deepEqual(botComments(w.gh), []);
  });
  it('closed PRs are ignored', async () => {
    await run({ messages: ['Fixes #1'], action: 'closed' });
    assert.deepEqual(w.gh.calls(), []);
  });
});
