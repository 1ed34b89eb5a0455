// project (upstream pkg/plugins/project): GitHub removed Projects (classic), so `/project` answers once that
// it cannot act; plugins.yaml's `project_config` (Kubernetes' own shape) decodes as upstream's.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PROJECTS_CLASSIC_GONE, projectPlugin } from '../../../src/plugins/project/project.js';
import { pluginsConfigFrom } from '../../support/config.js';
import { pluginCases } from '../../support/plugin-cases.js';
import { pluginContextFor } from '../../support/plugin-context.js';
import { deliverTo, type Delivery } from '../support/fixtures.js';
import { startHookRig, type HookRig } from '../support/through-hook.js';
import { BOT, REPO, commentDelivery, seed, startWorld, writes, type World } from '../shared/fixtures.js';

const cases: Array<{ name: string; body: string; user?: string; action?: string; replies: number }> = [
  { name: '/project <board> is answered: nothing can change', body: '/project 0.5.0', replies: 1 },
  { name: '/project <board> <column>', body: '/project 0.5.0 To do', replies: 1 },
  { name: '/project clear <board>', body: '/project clear 0.4.0', replies: 1 },
  { name: 'not at the start of a line: ignored', body: 'see /project 0.5.0', replies: 0 },
  { name: 'an edited comment: ignored', body: '/project 0.5.0', action: 'edited', replies: 0 },
  { name: 'the bot itself: ignored', body: '/project 0.5.0', user: BOT, replies: 0 },
];

describe('project', () => {
  let w: World;
  let rig: HookRig;
  before(async () => {
    w = await startWorld();
    rig = await startHookRig(w);
  });
  after(async () => {
    await rig.close();
    await w.close();
  });

  let d: Delivery;
  let redelivery = false;
  pluginCases(cases, {
    arrange: async (c) => {
      await w.gh.reset(seed({ users: [BOT] }));
      d = await commentDelivery(w.gh, c.user ?? 'trusted-member', c.body, { action: c.action });
      redelivery = false;
      w.gh.clearCalls();
    },
    act: async () => {
      await deliverTo(projectPlugin, d, pluginContextFor(w, { plugin: 'project', redelivery, withOwners: false }));
      redelivery = true;
    },
    writes: () => writes(w.gh),
    check: (c) => {
      const replies = w.gh.comments(REPO, 1).filter((x) => x.user === BOT);
      assert.equal(replies.length, c.replies);
      if (c.replies > 0) assert.ok(replies[0]!.body.includes(PROJECTS_CLASSIC_GONE), replies[0]!.body);
    },
  });

  it('through the hook, with Kubernetes\' project_config', async () => {
    await w.gh.reset(seed());
    rig.configure(['project'], [
      'project_config:', '  project_org_configs:', '    org:', '      org_maintainers_team_id: 3162587', '      org_default_column_map:',
      '        test-infra-dummy-testing-project-plugin:', '          To do', '      project_repo_configs:', '        repo:',
      '          repo_maintainers_team_id: 2460384', '          repo_default_column_map:', '            Workloads:', '              Backlog', '',
    ].join('\n'));
    const d2 = await commentDelivery(w.gh, 'trusted-member', '/project Workloads');
    await rig.send(d2);
    assert.equal(w.gh.comments(REPO, 1).filter((x) => x.user === BOT).length, 1);
  });

  it('project_config is decoded as upstream types it', () => {
    assert.throws(() => pluginsConfigFrom('project_config:\n  project_org_configs:\n    org:\n      org_maintainers_team_id: abc\n'), /plugins\.yaml:4: .*org_maintainers_team_id/);
  });
});
