// slackevents (upstream pkg/plugins/slackevents/slackevents.go): pushes by people who are not exempt
// (manual merges, force pushes, branch creation and deletion) on repos with a merge warning are reported to
// that warning's Slack channels, and SIG mentions in new comments are repeated in the SIG's channel when
// `slack.mentionchannels` lists it.
import RE2 from 're2';
import { S } from '../../config/decode.js';
import { strList, type PluginConfigSection } from '../../config/plugin-sections.js';
import type { GenericCommentEvent, PushEvent } from '../../github/event-types.js';
import type { GitHubClient } from '../../github/types.js';
import { isBotLogin } from '../../github/login.js';
import type { Logger } from '../../observability/logger.js';
import type { Plugin, SlackClient } from '../types.js';

export interface MergeWarning {
  repos?: string[];
  channels?: string[];
  exempt_users?: string[];
  exempt_branches?: Record<string, string[]>;
}

export interface SlackConfig {
  mentionchannels?: string[];
  mergewarnings?: MergeWarning[];
}

export const slackConfigSection: PluginConfigSection<SlackConfig> = {
  section: 'slack',
  schema: S.obj('Slack', {
    mentionchannels: strList,
    mergewarnings: S.list(S.obj('MergeWarning', { repos: strList, channels: strList, exempt_users: strList, exempt_branches: S.map(strList) })),
  }),
  defaults: (raw) => (raw as SlackConfig | undefined) ?? {},
};

const sigRe = new RE2('(?m)@kubernetes/sig-([\\w-]*)-(misc|test-failures|bugs|feature-requests|proposals|pr-reviews|api-reviews)', 'g');

export const slackeventsPlugin: Plugin = {
  name: 'slackevents',
  help: {
    description: `The slackevents plugin reacts to various GitHub events by commenting in Slack channels.
<ol><li>The plugin can create comments to alert on manual merges. Manual merges are merges made by a normal user instead of a bot or trusted user.</li>
<li>The plugin can create comments to reiterate SIG mentions like '@kubernetes/sig-testing-bugs' from GitHub.</li></ol>`,
    snippet: `slack:
  mentionchannels:
  - channel1
  - channel2
  mergewarnings:
  - repos:
    - org/repo1
    - org/repo2
    channels:
    - channel3
    - channel4
    exempt_users:
    - alice
    - bob
    exempt_branches:
      dev:
      - james
      - joe
`,
  },
  config: slackConfigSection,
  configHelp: (pc, enabledRepos) => {
    const cfg = slackOf(pc);
    const out: Record<string, string> = {
      '': `SIG mentions on GitHub are reiterated for the following SIG Slack channels: ${(cfg.mentionchannels ?? []).join(', ')}.`,
    };
    for (const repo of enabledRepos) {
      const [org = '', name = ''] = repo.split('/');
      const mw = mergeWarningFor(cfg.mergewarnings ?? [], org, name);
      out[repo] = mw
        ? `In this repo merges are considered manual and trigger manual merge warnings if the user who merged is not a member of this universal exemption list: ${(mw.exempt_users ?? []).join(', ')} or merged to a branch they are not specifically exempted for: ${JSON.stringify(mw.exempt_branches ?? {})}.<br>Warnings are sent to the following Slack channels: ${(mw.channels ?? []).join(', ')}.`
        : 'There are no manual merge warnings configured for this repo.';
    }
    return out;
  },
  handlers: {
    push: (e, ctx) => handleSlackPush(ctx.slack, ctx.log, e, slackOf(ctx.snapshot.plugins)),
    genericComment: (e, ctx) => handleSlackMention(ctx.github, ctx.slack, ctx.log, e, slackOf(ctx.snapshot.plugins)),
  },
};

function slackOf(pc: unknown): SlackConfig {
  return (pc as { slack?: SlackConfig }).slack ?? {};
}

/** The warning naming org/repo, else the one naming the org (upstream getMergeWarning). */
export function mergeWarningFor(list: readonly MergeWarning[], org: string, repo: string): MergeWarning | undefined {
  return list.find((mw) => (mw.repos ?? []).includes(`${org}/${repo}`)) ?? list.find((mw) => (mw.repos ?? []).includes(org));
}

const norm = (login: string): string => login.replace(/^@/, '').toLowerCase();

function noSlack(log: Logger, channel: string): void {
  log.warn({ channel }, 'slackevents: no Slack client configured (--slack-token-file or --slack-webhook-url): message not sent');
}

export async function handleSlackPush(slack: SlackClient | undefined, log: Logger, e: PushEvent, cfg: SlackConfig): Promise<void> {
  const mw = mergeWarningFor(cfg.mergewarnings ?? [], e.org, e.repo);
  if (mw === undefined) return;
  const p = e.payload as { forced?: boolean; commits?: unknown[] | null; pusher?: { name?: string } };
  const exempt = new Set([...(mw.exempt_users ?? []), ...(mw.exempt_branches?.[e.branch] ?? [])].map(norm));
  if (exempt.has(norm(p.pusher?.name ?? '')) || exempt.has(norm(e.sender))) return;
  const who = `${e.sender} (<@${e.sender}>)`;
  const n = (p.commits ?? []).length;
  const message = e.created
    ? `*Warning:* ${who} pushed a new branch (${e.branch}): ${e.compare}`
    : e.deleted
      ? `*Warning:* ${who} deleted a branch (${e.branch}): ${e.compare}`
      : p.forced === true
        ? `*Warning:* ${who} *force* merged ${n} commit(s) into ${e.branch}: ${e.compare}`
        : `*Warning:* ${who} manually merged ${n} commit(s) into ${e.branch}: ${e.compare}`;
  for (const channel of mw.channels ?? []) {
    if (slack === undefined) noSlack(log, channel);
    else await slack.writeMessage(message, channel);
  }
}

export async function handleSlackMention(
  gh: Pick<GitHubClient, 'botUser'>,
  slack: SlackClient | undefined,
  log: Logger,
  e: GenericCommentEvent,
  cfg: SlackConfig,
): Promise<void> {
  if (e.action !== 'created') return;
  const mentions = [...e.body.matchAll(sigRe)];
  if (mentions.length === 0) return;
  if (isBotLogin(e.user, (await gh.botUser()).login)) return;
  const channels = new Set(cfg.mentionchannels ?? []);
  for (const m of mentions) {
    const sig = `sig-${m[1] ?? ''}`;
    if (!channels.has(sig)) continue;
    const msg = `${sig} was mentioned by ${e.user} (<@${e.user}>) on GitHub. (${e.htmlURL})\n>>>${e.body}`;
    if (slack === undefined) noSlack(log, sig);
    else await slack.writeMessage(msg, sig);
  }
}
