// stage (upstream pkg/plugins/stage/stage_test.go) against the fake GitHub with the real client.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { handleStage } from '../../../src/plugins/stage/stage.js';
import type { GenericCommentEvent } from '../../../src/github/event-types.js';
import { pluginCases } from '../../support/plugin-cases.js';
import { REPO, commentDelivery, genericOf, log, seed, startWorld, writes, type World } from '../shared/fixtures.js';

const ALL = ['stage/alpha', 'stage/beta', 'stage/stable'];
const cases = [
  { name: 'ignore an empty comment', body: '', had: [], want: [] },
  { name: 'add a stage label', body: '/stage alpha', had: [], want: ['stage/alpha'] },
  { name: 'replace the other stage labels', body: '/stage beta', had: ['stage/alpha', 'stage/stable'], want: ['stage/beta'] },
  { name: 'already labelled: nothing to do', body: '/stage stable', had: ['stage/stable'], want: ['stage/stable'] },
  { name: 'remove a stage label', body: '/remove-stage alpha', had: ['stage/alpha'], want: [] },
  { name: 'removing a missing label does nothing', body: '/remove-stage beta', had: ['stage/alpha'], want: ['stage/alpha'] },
  { name: 'unknown stages are ignored', body: '/stage gamma', had: [], want: [] },
  { name: 'in the middle of a line it is not a command', body: 'please /stage alpha', had: [], want: [] },
];

describe('stage', () => {
  let w: World;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.close());
  let e: GenericCommentEvent;
  pluginCases(cases, {
    arrange: async (c) => {
      await w.gh.reset(seed({ labels: c.had, repoLabels: ALL }));
      e = genericOf(await commentDelivery(w.gh, 'rando', c.body));
      w.gh.clearCalls();
    },
    act: () => handleStage(w.client, log, e),
    writes: () => writes(w.gh),
    check: (c) => assert.deepEqual([...w.gh.labels(REPO, 1)].sort(), c.want),
  });
});
