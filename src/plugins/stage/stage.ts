// stage (upstream pkg/plugins/stage/stage.go): `/stage alpha|beta|stable` sets the one stage/* label of
// an issue or PR (taking the others off); `/remove-stage <stage>` takes it off. Anyone may use it.
import RE2 from 're2';
import type { GenericCommentEvent } from '../../github/event-types.js';
import type { GitHubClient } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';
import { hasLabel } from '../../api/labels.js';
import type { Plugin } from '../types.js';

const STAGE_LABELS = ['stage/alpha', 'stage/beta', 'stage/stable'];
const stageRe = new RE2('(?mi)^/(remove-)?stage (alpha|beta|stable)\\s*$', 'g');

export type StageGitHub = Pick<GitHubClient, 'listIssueLabels' | 'addLabel' | 'removeLabel'>;

export const stagePlugin: Plugin = {
  name: 'stage',
  help: {
    description: 'Label the stage of an issue as alpha/beta/stable',
    commands: [{ usage: '/[remove-]stage <alpha|beta|stable>', description: 'Labels the stage of an issue as alpha/beta/stable', featured: false, whoCanUse: 'Anyone can trigger this command.', examples: ['/stage alpha', '/remove-stage alpha'] }],
  },
  handlers: { genericComment: (e, ctx) => handleStage(ctx.github, ctx.log, e) },
};

export async function handleStage(gh: StageGitHub, log: Logger, e: GenericCommentEvent): Promise<void> {
  if (e.action !== 'created') return;
  for (const m of e.body.matchAll(stageRe)) {
    const remove = (m[1] ?? '') !== '';
    const label = `stage/${(m[2] ?? '').toLowerCase()}`;
    const labels = await gh.listIssueLabels(e.org, e.repo, e.number);
    if (hasLabel(labels, label) && remove) {
      await gh.removeLabel(e.org, e.repo, e.number, label);
    } else if (!hasLabel(labels, label) && !remove) {
      for (const other of STAGE_LABELS) {
        if (other !== label && hasLabel(labels, other)) await gh.removeLabel(e.org, e.repo, e.number, other);
      }
      log.info({ label }, 'adding stage label');
      await gh.addLabel(e.org, e.repo, e.number, label);
    }
  }
}
