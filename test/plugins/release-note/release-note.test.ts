// release-note against the fake GitHub with the real client (upstream pkg/plugins/releasenote/releasenote_test.go).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DEFAULT_RELEASE_NOTE_GUIDELINES_URL, RELEASE_NOTE_DEPRECATION_BODY, determineReleaseNoteLabel, getReleaseNote, handleReleaseNoteComment,
  handleReleaseNotePR, releaseNoteNeededBody,
} from '../../../src/plugins/release-note/release-note.js';
import { formatSimpleResponse } from '../../../src/plugins/shared/respond.js';
import type { FakeSeed } from '../../../src/github/fake/state.js';
import { BOT, REPO, botComments, commentDelivery, log, pullRequestDelivery, seed, startWorld, typedOf, writes, type World } from '../shared/fixtures.js';

const NOTE = 'release-note';
const NONE = 'release-note-none';
const ACTION = 'release-note-action-required';
const NEEDED = 'do-not-merge/release-note-label-needed';
const ALL = [NOTE, NONE, ACTION, NEEDED, 'kind/deprecation'];
const block = (text: string): string => `What this PR does\n\n\`\`\`release-note\n${text}\n\`\`\`\n`;
const NEEDED_REPLY = formatSimpleResponse(releaseNoteNeededBody(DEFAULT_RELEASE_NOTE_GUIDELINES_URL));

function world(o: { body: string; labels?: string[]; comments?: { author: string; body: string }[]; base?: string; parents?: { number: number; labels: string[] }[] }): FakeSeed {
  const s = seed({
    isPR: true, body: o.body, labels: o.labels ?? [], repoLabels: ALL, comments: o.comments, base: o.base,
    extraPulls: (o.parents ?? []).map((p) => ({ repo: REPO, number: p.number, labels: p.labels, author: 'author', title: 'parent' })),
  });
  if (o.base !== undefined) s.repos![0]!.branches = { [o.base]: { 'branch.txt': 'x\n' } };
  return s;
}

interface PRCase {
  name: string;
  action?: string;
  label?: string;
  body: string;
  had?: string[];
  comments?: { author: string; body: string }[];
  base?: string;
  parents?: { number: number; labels: string[] }[];
  want: string[];
  wantBot: string[];
  writes: number;
}

const prCases: PRCase[] = [
  { name: 'a note gives release-note', body: block('Fixed the frobnicator.'), want: [NOTE], wantBot: [], writes: 1 },
  { name: 'NONE gives release-note-none', body: block('NONE'), want: [NONE], wantBot: [], writes: 1 },
  { name: '"action required" gives release-note-action-required', body: block('ACTION REQUIRED: rename the flag'), want: [ACTION], wantBot: [], writes: 1 },
  { name: 'no block: the needed label and one reminder', body: 'no note here', want: [NEEDED], wantBot: [NEEDED_REPLY], writes: 2 },
  {
    name: 'a note replaces the needed label and prunes the reminder', action: 'edited', body: block('Better.'), had: [NEEDED],
    comments: [{ author: BOT, body: NEEDED_REPLY }, { author: 'rando', body: 'hi' }], want: [NOTE], wantBot: [], writes: 3,
  },
  {
    name: 'an earlier /release-note-none comment counts', body: 'no block', comments: [{ author: 'author', body: '/release-note-none' }],
    want: [NONE], wantBot: [], writes: 1,
  },
  {
    name: 'kind/deprecation with NONE needs a note, with the deprecation notice', body: block('none'), had: ['kind/deprecation'],
    want: ['kind/deprecation', NEEDED], wantBot: [formatSimpleResponse(RELEASE_NOTE_DEPRECATION_BODY)], writes: 2,
  },
  { name: 'an empty block keeps an existing release-note-none', body: block(''), had: [NONE], want: [NONE], wantBot: [], writes: 0 },
  {
    name: 'a cherry-pick whose parents have notes needs no label', base: 'release-1.2', body: 'Cherry pick of #2 on release-1.2.', had: [NEEDED],
    parents: [{ number: 2, labels: [NOTE] }], want: [], wantBot: [], writes: 1,
  },
  {
    name: 'a cherry-pick with a noteless parent needs a note', base: 'release-1.2', body: 'Cherry pick of #2 on release-1.2.',
    parents: [{ number: 2, labels: [] }], want: [NEEDED], wantBot: ['parent', NEEDED_REPLY], writes: 3,
  },
  { name: 'an unrelated label event is ignored', action: 'labeled', label: 'kind/bug', body: block('x'), want: [], wantBot: [], writes: 0 },
  { name: 'synchronize is ignored', action: 'synchronize', body: block('x'), want: [], wantBot: [], writes: 0 },
];

describe('release-note: pull requests', () => {
  let w: World;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.close());

  for (const c of prCases) {
    it(c.name, async () => {
      await w.gh.reset(world({ body: c.body, labels: c.had, comments: c.comments, base: c.base, parents: c.parents }));
      const e = typedOf(await pullRequestDelivery(w.gh, c.action ?? 'opened', { label: c.label }), 'pullRequest');
      w.gh.clearCalls();
      await handleReleaseNotePR(w.client, log, DEFAULT_RELEASE_NOTE_GUIDELINES_URL, e);
      await handleReleaseNotePR(w.client, log, DEFAULT_RELEASE_NOTE_GUIDELINES_URL, e); // redelivery
      assert.deepEqual([...w.gh.labels(REPO, 1)].sort(), [...c.want].sort());
      const bot = botComments(w.gh);
      assert.equal(bot.length, c.wantBot.length, bot.join('\n---\n'));
      c.wantBot.forEach((want, i) => {
        if (want === 'parent') assert.match(bot[i]!, /^@author: All 'parent' PRs of a cherry-pick PR must have one of the "release-note" or "release-note-action-required" labels.*The following parent PRs have neither the "release-note" nor the "release-note-action-required" labels: #2\./s);
        else assert.equal(bot[i], want);
      });
      assert.equal(writes(w.gh).length, c.writes, writes(w.gh).join('\n'));
    });
  }
});

interface CommentCase {
  name: string;
  user: string;
  comment: string;
  body: string;
  had?: string[];
  want: string[];
  reply?: RegExp;
  wantBody?: string;
  writes: number;
}

const commentCases: CommentCase[] = [
  { name: '/release-note-none by the author', user: 'author', comment: '/release-note-none', body: 'no block', had: [NEEDED], want: [NONE], writes: 2 },
  { name: '/release-note-none by a member', user: 'trusted-member', comment: '/release-note-none', body: block('none'), want: [NONE], writes: 1 },
  {
    name: '/release-note-none by anyone else is refused', user: 'rando', comment: '/release-note-none', body: 'x', had: [NEEDED], want: [NEEDED], writes: 1,
    reply: /^@rando: you can only set the release note label to release-note-none if you are the PR author or an org member\./,
  },
  {
    name: '/release-note-none over a real note is refused', user: 'author', comment: '/release-note-none', body: block('A real note'), had: [NOTE], want: [NOTE], writes: 1,
    reply: /^@author: you can only set the release note label to release-note-none if the release-note block in the PR body text is empty or "none"\./,
  },
  {
    name: '/release-note-none with kind/deprecation is refused', user: 'author', comment: '/release-note-none', body: 'x', had: ['kind/deprecation'], want: ['kind/deprecation'], writes: 1,
    reply: /^@author: you can not set the release note label to "release-note-none" because the PR has the label "kind\/deprecation"\./,
  },
  { name: '/release-note is deprecated', user: 'author', comment: '/release-note', body: 'x', want: [], writes: 1, reply: /^@author: the `\/release-note` and `\/release-note-action-required` commands have been deprecated\./ },
  {
    name: '/release-note-edit by a member rewrites the block', user: 'trusted-member', comment: '/release-note-edit\n```release-note\nThe new note\n```', body: block('old note'),
    want: [], writes: 1, wantBody: 'What this PR does\n\n```release-note\r\nThe new note\r\n```\n',
  },
  {
    name: '/release-note-edit by a non-member is refused', user: 'author', comment: '/release-note-edit\n```release-note\nx\n```', body: block('old'), want: [], writes: 1,
    reply: /^@author: You must be an org member to edit the release note\./,
  },
  { name: 'issues are ignored', user: 'author', comment: '/release-note-none', body: 'x', want: [], writes: 0 },
];

describe('release-note: comments', () => {
  let w: World;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.close());

  for (const c of commentCases) {
    it(c.name, async () => {
      const isIssue = c.name.startsWith('issues');
      await w.gh.reset(isIssue ? seed({ isPR: false, body: c.body }) : world({ body: c.body, labels: c.had }));
      const e = typedOf(await commentDelivery(w.gh, c.user, c.comment), 'issueComment');
      w.gh.clearCalls();
      await handleReleaseNoteComment(w.client, log, e);
      await handleReleaseNoteComment(w.client, log, e); // redelivery
      assert.deepEqual([...w.gh.labels(REPO, 1)].sort(), [...c.want].sort());
      const bot = botComments(w.gh);
      if (c.reply === undefined) assert.deepEqual(bot, []);
      else {
        assert.equal(bot.length, 1);
        assert.match(bot[0]!, c.reply);
      }
      if (c.wantBody !== undefined) assert.equal(w.gh.issue(REPO, 1)!.body, c.wantBody);
      assert.equal(writes(w.gh).length, c.writes, writes(w.gh).join('\n'));
    });
  }
});

describe('release-note: parsing', () => {
  it('finds the block after "Release note**:" with a hint comment', () => {
    assert.equal(getReleaseNote('**Release note**:\n<!-- write it -->\n```\nHello\n```'), 'Hello');
    assert.equal(getReleaseNote('```release-note\n  spaced  \n```'), 'spaced');
    assert.equal(getReleaseNote('```go\nno\n```'), '');
  });
  it('chooses labels as upstream', () => {
    assert.equal(determineReleaseNoteLabel(block('No'), []), NONE);
    assert.equal(determineReleaseNoteLabel(block('n/a'), []), NOTE);
    assert.equal(determineReleaseNoteLabel('', ['kind/deprecation', NONE]), NEEDED);
  });
});
