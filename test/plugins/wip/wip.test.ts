// wip against the fake GitHub with the real client (upstream pkg/plugins/wip/wip-label_test.go, S30).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WORK_IN_PROGRESS } from '../../../src/api/labels.js';
import type { PullRequestEvent } from '../../../src/github/event-types.js';
import { pluginCases } from '../../support/plugin-cases.js';
import { handleWip, isWorkInProgress } from '../../../src/plugins/wip/wip.js';
import { REPO, log, pullRequestDelivery, seed, startWorld, typedOf, writes, type World } from '../shared/fixtures.js';

const cases = [
  { name: 'S30 a [WIP] title on open adds the label', action: 'opened', title: '[WIP] thing', draft: false, had: [], want: [WORK_IN_PROGRESS], writes: 1 },
  { name: 'S30 an edited title without WIP removes it', action: 'edited', title: 'thing', draft: false, had: [WORK_IN_PROGRESS], want: [], writes: 1 },
  { name: 'a draft needs the label', action: 'converted_to_draft', title: 'thing', draft: true, had: [], want: [WORK_IN_PROGRESS], writes: 1 },
  { name: 'ready for review drops it', action: 'ready_for_review', title: 'thing', draft: false, had: [WORK_IN_PROGRESS], want: [], writes: 1 },
  { name: 'already labelled: no write', action: 'reopened', title: 'WIP: x', draft: false, had: [WORK_IN_PROGRESS], want: [WORK_IN_PROGRESS], writes: 0 },
  { name: 'synchronize is ignored', action: 'synchronize', title: 'WIP x', draft: false, had: [], want: [], writes: 0 },
];

describe('wip', () => {
  let w: World;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.close());

  let e: PullRequestEvent;
  pluginCases(cases, {
    arrange: async (c) => {
      await w.gh.reset(seed({ isPR: true, title: c.title, draft: c.draft, labels: c.had, repoLabels: [WORK_IN_PROGRESS] }));
      e = typedOf(await pullRequestDelivery(w.gh, c.action), 'pullRequest');
      w.gh.clearCalls();
    },
    act: () => handleWip(w.client, log, e),
    writes: () => writes(w.gh),
    check: (c, first) => {
      assert.deepEqual(w.gh.labels(REPO, 1), c.want);
      assert.equal(first.length, c.writes);
    },
  });

  it('recognises WIP titles as upstream', () => {
    for (const t of ['WIP: x', '[WIP] x', 'wip x', '(wip) x', 'WIP-x']) assert.equal(isWorkInProgress(t, false), true, t);
    for (const t of ['WIPE x', 'x WIP', 'not wip', 'WIP']) assert.equal(isWorkInProgress(t, false), false, t);
    assert.equal(isWorkInProgress('done', true), true);
  });
});
