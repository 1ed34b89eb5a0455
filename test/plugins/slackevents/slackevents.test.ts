// slackevents (upstream pkg/plugins/slackevents/slackevents_test.go TestPush and TestComment), through the
// registered plugin with the real Slack client against the fake Slack in test/support/fake-slack.ts.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { slackeventsPlugin } from '../../../src/plugins/slackevents/slackevents.js';
import { createSlackClient, SlackError } from '../../../src/plugins/slackevents/slack-client.js';
import type { SlackClient } from '../../../src/plugins/types.js';
import { pluginContextFor } from '../../support/plugin-context.js';
import { snapshotFrom } from '../../support/config.js';
import { startFakeSlack, type FakeSlack } from '../../support/fake-slack.js';
import { deliverTo, type Delivery } from '../support/fixtures.js';
import { commentDelivery, log, seed, startWorld, type World } from '../shared/fixtures.js';

const PLUGINS = `slack:
  mentionchannels: [sig-node, sig-api-machinery]
  mergewarnings:
  - repos: [kubernetes/kubernetes]
    channels: [kubernetes-foo, sig-contribex]
    exempt_users: [k8s-merge-robot]
    exempt_branches:
      warrens-branch: [wteened]
`;
const COMPARE = 'https://github.com/kubernetes/kubernetes/compare/d73a75b4b1dd...045a6dca0784';

function push(o: { pusher?: string; sender?: string; ref?: string; created?: boolean; deleted?: boolean; forced?: boolean; compare?: string } = {}): Delivery {
  return {
    type: 'push', id: `push-${Math.random()}`,
    payload: {
      ref: o.ref ?? 'refs/heads/master', before: 'd73a75b4b1ddb63870954b9a60a63acaa4cb1ca5', after: '045a6dca07840efaf3311450b615e19b5c75f787',
      created: o.created ?? false, deleted: o.deleted ?? false, forced: o.forced ?? false, compare: o.compare ?? COMPARE,
      commits: [{ id: '8427d5a27478c80167fd66affe1bd7cd01d3f9a8', message: 'Decrease fluentd cpu request', added: [], removed: [], modified: [] },
        { id: '045a6dca07840efaf3311450b615e19b5c75f787', message: 'Merge pull request #47906', added: [], removed: [], modified: [] }],
      repository: { id: 20580498, name: 'kubernetes', full_name: 'kubernetes/kubernetes', owner: { name: 'kubernetes', login: 'kubernetes' }, url: 'https://github.com/kubernetes/kubernetes' },
      pusher: { name: o.pusher ?? 'k8s-merge-robot', email: 'x@users.noreply.github.com' },
      sender: { login: o.sender ?? 'k8s-merge-robot', type: 'User' },
    },
  };
}

let w: World;
let slackFake: FakeSlack;
let slack: SlackClient;
let dir: string;
before(async () => {
  w = await startWorld();
  slackFake = await startFakeSlack({ token: 'xoxb-test' });
  dir = mkdtempSync(join(tmpdir(), 'slackevents-'));
  writeFileSync(join(dir, 'token'), 'xoxb-test\n');
  slack = createSlackClient({ tokenFile: join(dir, 'token'), apiUrl: slackFake.apiUrl, log })!;
});
after(async () => {
  await w.close();
  await slackFake.close();
  rmSync(dir, { recursive: true, force: true });
});

async function deliver(d: Delivery, client: SlackClient | null = slack): Promise<void> {
  const ctx = { ...pluginContextFor(w, { plugin: 'slackevents', snapshot: snapshotFrom({ plugins: PLUGINS }), withOwners: false }), ...(client ? { slack: client } : {}) };
  await deliverTo(slackeventsPlugin, d, ctx);
}

const both = (text: string) => ({ 'kubernetes-foo': [text], 'sig-contribex': [text] });

describe('slackevents: pushes', () => {
  const cases: Array<{ name: string; d: Delivery; want: Record<string, string[]> }> = [
    { name: 'a manual merge by a user is reported to both channels', d: push({ pusher: 'Jester Tester', sender: 'tester' }), want: both(`*Warning:* tester (<@tester>) manually merged 2 commit(s) into master: ${COMPARE}`) },
    { name: 'a force merge says so', d: push({ pusher: 'Jester Tester', sender: 'tester', forced: true }), want: both(`*Warning:* tester (<@tester>) *force* merged 2 commit(s) into master: ${COMPARE}`) },
    { name: 'the merge bot is exempt', d: push(), want: {} },
    { name: 'a user exempt for this branch is not reported', d: push({ pusher: 'Warren Teened', sender: 'WTeened', ref: 'refs/heads/warrens-branch' }), want: {} },
    { name: 'a user exempt for another branch is reported', d: push({ pusher: 'Warren Teened', sender: 'WTeened', ref: 'refs/heads/master' }), want: both(`*Warning:* WTeened (<@WTeened>) manually merged 2 commit(s) into master: ${COMPARE}`) },
    { name: 'a new branch', d: push({ pusher: 'Jester Tester', sender: 'tester', created: true, ref: 'refs/heads/release-1.99', compare: 'https://github.com/kubernetes/kubernetes/compare/045a6dca0784' }), want: both('*Warning:* tester (<@tester>) pushed a new branch (release-1.99): https://github.com/kubernetes/kubernetes/compare/045a6dca0784') },
    { name: 'a deleted branch', d: push({ pusher: 'Jester Tester', sender: 'tester', deleted: true, ref: 'refs/heads/release-1.99', compare: 'https://github.com/kubernetes/kubernetes/compare/d73a75b4b1dd...000000000000' }), want: both('*Warning:* tester (<@tester>) deleted a branch (release-1.99): https://github.com/kubernetes/kubernetes/compare/d73a75b4b1dd...000000000000') },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      slackFake.messages.clear();
      await deliver(c.d);
      assert.deepEqual(Object.fromEntries(slackFake.messages), c.want);
    });
  }

  it('without a Slack client nothing is sent and the handler does not fail', async () => {
    slackFake.messages.clear();
    await deliver(push({ pusher: 'Jester Tester', sender: 'tester' }), null);
    assert.equal(slackFake.messages.size, 0);
  });
});

describe('slackevents: SIG mentions', () => {
  const cases: Array<{ name: string; body: string; action?: string; user?: string; want: Record<string, string[]> }> = [
    { name: 'a SIG mention goes to its channel', body: '@kubernetes/sig-node-misc This issue needs update.', want: { 'sig-node': ['@kubernetes/sig-node-misc This issue needs update.'] } },
    { name: "not when the comment isn't new", body: '@kubernetes/sig-node-misc This issue needs update.', action: 'edited', want: {} },
    { name: 'not when the bot comments', body: '@kubernetes/sig-node-misc This issue needs update.', user: 'k8s-ci-robot', want: {} },
    { name: 'several SIGs, one message each', body: '@kubernetes/sig-node-misc, @kubernetes/sig-api-machinery-misc Message sent to multiple sigs.', want: { 'sig-node': ['@kubernetes/sig-node-misc, @kubernetes/sig-api-machinery-misc Message sent to multiple sigs.'], 'sig-api-machinery': ['@kubernetes/sig-node-misc, @kubernetes/sig-api-machinery-misc Message sent to multiple sigs.'] } },
    { name: 'only channels in mentionchannels', body: '@kubernetes/sig-node-misc, @kubernetes/sig-testing-misc Message sent to multiple sigs.', want: { 'sig-node': ['@kubernetes/sig-node-misc, @kubernetes/sig-testing-misc Message sent to multiple sigs.'] } },
    { name: 'no message when the pattern does not match', body: '@kubernetes/node-misc No message sent', want: {} },
    { name: 'only the matching mention', body: '@kubernetes/node-misc @kubernetes/sig-api-machinery-bugs Message sent to matching sigs.', want: { 'sig-api-machinery': ['@kubernetes/node-misc @kubernetes/sig-api-machinery-bugs Message sent to matching sigs.'] } },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      await w.gh.reset(seed({ users: ['cjwagner'] }));
      const d = await commentDelivery(w.gh, c.user ?? 'cjwagner', c.body, c.action ? { action: c.action } : {});
      slackFake.messages.clear();
      await deliver(d);
      const got = Object.fromEntries([...slackFake.messages].map(([ch, texts]) => [ch, texts.map((t) => t.split('\n>>>')[1] ?? '')]));
      assert.deepEqual(got, c.want);
      for (const texts of slackFake.messages.values()) assert.match(texts[0]!, new RegExp(`^sig-[a-z-]+ was mentioned by ${c.user ?? 'cjwagner'} \\(<@${c.user ?? 'cjwagner'}>\\) on GitHub\\. \\(https?://`));
    });
  }
});

describe('the Slack client', () => {
  it('reports an error Slack answers with ok: false', async () => {
    const bad = join(dir, 'bad-token');
    writeFileSync(bad, 'wrong\n');
    const client = createSlackClient({ tokenFile: bad, apiUrl: slackFake.apiUrl, log })!;
    await assert.rejects(client.writeMessage('x', 'c'), (err: unknown) => err instanceof SlackError && /invalid_auth/.test(err.message));
  });
  it('posts to an incoming webhook instead when given one', async () => {
    slackFake.messages.clear();
    await createSlackClient({ webhookUrl: slackFake.webhookUrl, log })!.writeMessage('hello', 'sig-node');
    assert.deepEqual(slackFake.messages.get('sig-node'), ['hello']);
  });
  it('is absent without a token or webhook; a missing token file fails at once', () => {
    assert.equal(createSlackClient({ log }), undefined);
    assert.throws(() => createSlackClient({ tokenFile: join(dir, 'missing'), log }), /ENOENT/);
  });
});
