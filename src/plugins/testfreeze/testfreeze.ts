// testfreeze (upstream pkg/plugins/testfreeze/testfreeze.go): a PR opened (or reopened) against
// kubernetes/kubernetes master during Code Freeze or Test Freeze gets a comment explaining what that means
// for it (a kind/bug PR gets the bug-fix path).
import { S } from '../../config/decode.js';
import type { PluginConfigSection } from '../../config/plugin-sections.js';
import type { PullRequestEvent } from '../../github/event-types.js';
import type { GitHubClient } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';
import { hasBotComment } from '../shared/comments.js';
import { httpFor } from '../shared/images.js';
import type { Plugin } from '../types.js';
import { checkFreeze, DEFAULT_GIT_URL, DEFAULT_PROW_CONFIG_URL, DEFAULT_PROWJOBS_URL, type FreezeResult, type FreezeSources } from './checker.js';

const KUBERNETES = 'kubernetes';
const MASTER = 'master';
const KIND_BUG = 'kind/bug';

/** plugins.yaml `testfreeze` (ours: upstream hard-codes these three sources). */
export interface TestFreezeConfig {
  git_url?: string;
  prow_config_url?: string;
  prowjobs_url?: string;
}

export const testFreezeConfigSection: PluginConfigSection<TestFreezeConfig> = {
  section: 'testfreeze',
  schema: S.obj('TestFreeze', { git_url: S.str, prow_config_url: S.str, prowjobs_url: S.str }),
  defaults: (raw) => (raw as TestFreezeConfig | undefined) ?? {},
};

export type TestFreezeGitHub = Pick<GitHubClient, 'botUser' | 'listComments' | 'createComment'>;

export const testFreezePlugin: Plugin = {
  name: 'testfreeze',
  help: { description: 'The testfreeze plugin adds additional documentation about Code Freeze and Test Freeze periods, including milestone requirements and cherry-pick processes.' },
  config: testFreezeConfigSection,
  handlers: {
    pullRequest: (e, ctx) => {
      const cfg = (ctx.snapshot.plugins as { testfreeze?: TestFreezeConfig }).testfreeze ?? {};
      return handleTestFreeze(ctx.github, ctx.log, e, {
        gitUrl: cfg.git_url || DEFAULT_GIT_URL, prowConfigUrl: cfg.prow_config_url || DEFAULT_PROW_CONFIG_URL, prowJobsUrl: cfg.prowjobs_url || DEFAULT_PROWJOBS_URL,
        http: httpFor('testfreeze', ctx.http),
      }, ctx.redelivery);
    },
  },
};

/** Upstream's comment template, rendered. */
export function freezeComment(r: FreezeResult, isBugFix: boolean): string {
  let out = '';
  if (r.inCodeFreeze) {
    out += `Please note that we're already in [Code Freeze](https://github.com/kubernetes/sig-release/blob/master/releases/release_phases.md#code-freeze) for the upcoming ${r.tag} release.\n`;
    out += isBugFix
      ? `This PR is labeled \`kind/bug\`, so it **may** be included in the ${r.tag} release as a bug fix. Please make sure to:
1. Technical review: get the PR reviewed and approved as usual (\`/lgtm\` and \`/approve\`)
2. Release team awareness: tag \`@kubernetes/sig-release-leads\` on this PR so the release team is aware of the fix going in. You can also ping the [#sig-release Slack channel](https://kubernetes.slack.com/archives/C2C40FMNF) for time-sensitive cases.
`
      : `**Adding the milestone to this PR is strictly prohibited without proper approval.** If this PR needs to be included in the ${r.tag} release:
1. Technical review: get the PR reviewed and approved as usual (\`/lgtm\` and \`/approve\`)
2. Inclusion in release: tag \`@kubernetes/sig-release-leads\` on this PR and ping the [#sig-release Slack channel](https://kubernetes.slack.com/archives/C2C40FMNF) to request adding the \`${r.tag}\` milestone
`;
  }
  out += '\n';
  if (r.inTestFreeze) {
    out += `
---
We're${r.inCodeFreeze ? ' also' : ''} in [Test Freeze](https://github.com/kubernetes/sig-release/blob/master/releases/release_phases.md#test-freeze) for the \`${r.branch}\` branch. This means every merged PR will be automatically fast-forwarded via the periodic [ci-fast-forward](https://testgrid.k8s.io/sig-release-releng-blocking#git-repo-kubernetes-fast-forward) job to the release branch of the upcoming ${r.tag} release.
Fast forwards are scheduled to happen every 6 hours, whereas the most recent run was: ${r.lastFastForward}.
`;
  }
  return out;
}

export async function handleTestFreeze(gh: TestFreezeGitHub, log: Logger, e: PullRequestEvent, sources: FreezeSources, redelivery = true): Promise<void> {
  if (e.action !== 'opened' && e.action !== 'reopened') return;
  if (e.org !== KUBERNETES || e.repo !== KUBERNETES || e.baseRef !== MASTER) return;
  let result: FreezeResult;
  try {
    result = await checkFreeze(sources, log);
  } catch (err) {
    // Upstream logs and skips: a PR event never fails on this check.
    log.error({ err }, 'skipping: test freeze check failed');
    return;
  }
  if (!result.inCodeFreeze && !result.inTestFreeze) return;
  const labels = ((e.pullRequest as { labels?: { name?: string }[] }).labels ?? []).map((l) => l.name);
  const body = freezeComment(result, labels.includes(KIND_BUG));
  // The last fast-forward time may differ between deliveries: any earlier freeze note counts.
  if (redelivery && (await hasBotComment(gh, e.org, e.repo, e.number, (c) => c.body.includes('releases/release_phases.md#')))) return;
  await gh.createComment(e.org, e.repo, e.number, body);
}
