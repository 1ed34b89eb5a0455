// help against the fake GitHub with the real client (upstream pkg/plugins/help/help_test.go).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { goodFirstIssueMessage, handleHelp, helpMessage, type HelpGuidelines } from '../../../src/plugins/help/help.js';
import { GOOD_FIRST_ISSUE, HELP_WANTED } from '../../../src/api/labels.js';
import { formatResponseRaw } from '../../../src/plugins/shared/respond.js';
import { BOT, REPO, botComments, commentDelivery, genericOf, log, seed, startWorld, writes, type World } from '../shared/fixtures.js';

const G: HelpGuidelines = { url: 'https://example.com/help-wanted.md' };
const BOTH = [HELP_WANTED, GOOD_FIRST_ISSUE];

interface Case {
  name: string;
  body: string;
  had?: string[];
  botSaid?: string[];
  isPR?: boolean;
  state?: 'open' | 'closed';
  want: string[];
  /** Bodies of the bot's comments afterwards; 'help'/'gfi' stand for the guideline replies. */
  wantBot: ('help' | 'gfi' | string)[];
  writes: number;
}

const cases: Case[] = [
  { name: '/help adds help wanted with the guidelines reply', body: '/help', want: [HELP_WANTED], wantBot: ['help'], writes: 2 },
  { name: '/help when already wanted does nothing', body: '/help', had: [HELP_WANTED], want: [HELP_WANTED], wantBot: [], writes: 0 },
  { name: '/good-first-issue adds both labels', body: '/good-first-issue', want: BOTH, wantBot: ['gfi'], writes: 3 },
  { name: '/good-first-issue keeps an existing help wanted', body: '/good-first-issue', had: [HELP_WANTED], want: BOTH, wantBot: ['gfi'], writes: 2 },
  {
    name: '/remove-help removes both labels and prunes both replies', body: '/remove-help', had: BOTH,
    botSaid: ['This request has been marked as needing help from a contributor. x', 'This request has been marked as suitable for new contributors. y', 'unrelated'],
    want: [], wantBot: ['unrelated'], writes: 4,
  },
  {
    name: '/remove-good-first-issue keeps help wanted', body: '/remove-good-first-issue', had: BOTH,
    botSaid: ['This request has been marked as suitable for new contributors. y'], want: [HELP_WANTED], wantBot: [], writes: 2,
  },
  { name: '/remove-help without the label does nothing', body: '/remove-help', want: [], wantBot: [], writes: 0 },
  { name: 'PRs are ignored', body: '/help', isPR: true, want: [], wantBot: [], writes: 0 },
  { name: 'closed issues are ignored', body: '/help', state: 'closed', want: [], wantBot: [], writes: 0 },
  { name: 'the whole line must be the command', body: '/help me', want: [], wantBot: [], writes: 0 },
];

describe('help', () => {
  let w: World;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.close());

  for (const c of cases) {
    it(c.name, async () => {
      await w.gh.reset(seed({
        isPR: c.isPR ?? false, state: c.state, labels: c.had ?? [], repoLabels: BOTH,
        comments: (c.botSaid ?? []).map((body) => ({ author: BOT, body })),
      }));
      const e = genericOf(await commentDelivery(w.gh, 'rando', c.body));
      w.gh.clearCalls();
      await handleHelp(w.client, log, G, e, false);
      await handleHelp(w.client, log, G, e, true); // redelivery, as the dispatcher marks it
      assert.deepEqual([...w.gh.labels(REPO, 1)].sort(), [...c.want].sort());
      const expected = c.wantBot.map((b) =>
        b === 'help' ? formatResponseRaw(c.body, e.issueHTMLURL, 'rando', helpMessage(G))
        : b === 'gfi' ? formatResponseRaw(c.body, e.issueHTMLURL, 'rando', goodFirstIssueMessage(G))
        : b);
      assert.deepEqual(botComments(w.gh), expected);
      assert.equal(writes(w.gh).length, c.writes, writes(w.gh).join('\n'));
    });
  }

  it('quotes the guidelines summary when one is configured', () => {
    const msg = helpMessage({ url: 'https://x/h.md', summary: '- be clear' });
    assert.match(msg, /### Guidelines\n- be clear\n\nFor more details on the requirements of such an issue, please see \[here\]\(https:\/\/x\/h\.md\)/);
    assert.match(goodFirstIssueMessage({ url: 'https://x/h.md' }), /listed \[here\]\(https:\/\/x\/h\.md#good-first-issue\)/);
  });
});
