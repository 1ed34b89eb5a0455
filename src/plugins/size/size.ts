// size (upstream pkg/plugins/size/size.go): keeps exactly one size/* label on a PR, from the lines it
// changes (additions + deletions), leaving out generated files.
import type { SizeConfig } from '../../config/types.js';
import type { GitHubClient } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';
import type { Plugin } from '../types.js';
import type { PullRequestEvent } from '../../github/event-types.js';
import { loadGeneratedMatcher } from './generated-files.js';
import { SIZE_L, SIZE_LABEL_PREFIX, SIZE_M, SIZE_S, SIZE_XL, SIZE_XS, SIZE_XXL } from '../../api/labels.js';
import { sizeConfigSection } from './size-config.js';

export const DEFAULT_SIZES: SizeConfig = { s: 10, m: 30, l: 100, xl: 500, xxl: 1000 };
const SIZE_ACTIONS = new Set(['opened', 'reopened', 'synchronize', 'edited']);

export type SizeGitHub = Pick<GitHubClient, 'getFile' | 'listPullRequestFiles' | 'listIssueLabels' | 'addLabel' | 'removeLabel'>;

export const sizePlugin: Plugin = {
  name: 'size',
  config: sizeConfigSection,
  help: {
    description:
      "The size plugin manages the 'size/*' labels, maintaining the appropriate label on each pull request as it is updated. Generated files identified by the config file '.generated_files' at the repo root, or marked linguist-generated=true in '.gitattributes', are ignored. Labels are applied based on the total number of lines of changes (additions and deletions).",
    snippet: 'size:\n  s: 10\n  m: 30\n  l: 100\n  xl: 500\n  xxl: 1000\n',
  },
  configHelp: (pc) => ({ '': sizeConfigHelp(sizesOrDefault(pc.size)) }),
  handlers: { pullRequest: (e, ctx) => handleSize(ctx.github, ctx.log, sizesOrDefault(ctx.snapshot.plugins.size), e) },
};

/** A zero (or missing) threshold falls back to its default. */
export function sizesOrDefault(s: Partial<SizeConfig> | undefined): SizeConfig {
  const pick = (v: number | undefined, d: number): number => (v === undefined || v === 0 ? d : v);
  return { s: pick(s?.s, DEFAULT_SIZES.s), m: pick(s?.m, DEFAULT_SIZES.m), l: pick(s?.l, DEFAULT_SIZES.l), xl: pick(s?.xl, DEFAULT_SIZES.xl), xxl: pick(s?.xxl, DEFAULT_SIZES.xxl) };
}

/** The size label for a number of changed lines. */
export function sizeLabel(lines: number, s: SizeConfig): string {
  if (lines < s.s) return SIZE_XS;
  if (lines < s.m) return SIZE_S;
  if (lines < s.l) return SIZE_M;
  if (lines < s.xl) return SIZE_L;
  if (lines < s.xxl) return SIZE_XL;
  return SIZE_XXL;
}

function sizeConfigHelp(s: SizeConfig): string {
  return `The plugin has the following thresholds:<ul>
<li>size/XS:  0-${s.s - 1}</li>
<li>size/S:   ${s.s}-${s.m - 1}</li>
<li>size/M:   ${s.m}-${s.l - 1}</li>
<li>size/L:   ${s.l}-${s.xl - 1}</li>
<li>size/XL:  ${s.xl}-${s.xxl - 1}</li>
<li>size/XXL: ${s.xxl}+</li>
</ul>`;
}

export async function handleSize(gh: SizeGitHub, log: Logger, sizes: SizeConfig, e: PullRequestEvent): Promise<void> {
  if (!SIZE_ACTIONS.has(e.action)) return;
  const baseSHA = e.pullRequest.base.sha;
  const generated = await loadGeneratedMatcher(gh, e.org, e.repo, baseSHA);
  for (const w of generated.warnings) log.warn({ problem: w }, 'ignoring part of the generated files config');
  let lines = 0;
  for (const f of await gh.listPullRequestFiles(e.org, e.repo, e.number)) {
    if (!generated.isGenerated(f.filename)) lines += f.additions + f.deletions;
  }
  const want = sizeLabel(lines, sizes);
  const labels = await gh.listIssueLabels(e.org, e.repo, e.number);
  let has = false;
  for (const l of labels) {
    if (l === want) has = true;
    else if (l.startsWith(SIZE_LABEL_PREFIX)) {
      log.info({ label: l }, 'removing stale size label');
      await gh.removeLabel(e.org, e.repo, e.number, l);
    }
  }
  if (has) return;
  log.info({ label: want, lines }, 'adding size label');
  await gh.addLabel(e.org, e.repo, e.number, want);
}

