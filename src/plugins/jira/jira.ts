// jira (upstream pkg/plugins/jira/jira.go): a comment, issue or PR body, or title mentioning Jira issue keys
// (`ABC-123`) that exist in the configured Jira gets (a) each key linked in the comment text to
// `<jira>/browse/<key>` (outside code blocks and inline code), and (b) a remote link on each Jira issue back
// to the GitHub issue or PR. Keys of projects Jira does not have cost no request (the project list is read
// once per client); `jira.disabled_jira_projects` turns projects off.
import RE2 from 're2';
import { S } from '../../config/decode.js';
import { strList, type PluginConfigSection } from '../../config/plugin-sections.js';
import type { GenericCommentEvent } from '../../github/event-types.js';
import type { GitHubClient } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';
import type { JiraClient, JiraRemoteLink, Plugin } from '../types.js';

const issueNameRe = new RE2('\\b([a-zA-Z]+-[0-9]+)(\\s|:|$|]|\\))', 'g');

/** upstream plugins.Jira */
export interface JiraConfig {
  disabled_jira_projects?: string[];
}

export const jiraConfigSection: PluginConfigSection<JiraConfig | undefined> = {
  section: 'jira',
  schema: S.obj('Jira', { disabled_jira_projects: strList }),
  defaults: (raw) => raw as JiraConfig | undefined,
};

export type JiraGitHub = Pick<GitHubClient, 'editComment' | 'getIssue' | 'patchIssue' | 'listComments'>;

export class JiraNotConfiguredError extends Error {
  override readonly name = 'JiraNotConfiguredError';
}

export const jiraPlugin: Plugin = {
  name: 'jira',
  help: {
    description: 'The Jira plugin links Pull Requests and Issues to Jira issues',
    snippet: 'jira:\n  # projects whose keys are never linked (case-insensitive prefix)\n  disabled_jira_projects: [enterprise]\n',
  },
  config: jiraConfigSection,
  handlers: {
    genericComment: (e, ctx) => {
      if (ctx.jira === undefined) throw new JiraNotConfiguredError('jira: the plugin is enabled but this process has no Jira client (start hook with --jira-endpoint)');
      return handleJira(ctx.jira, ctx.github, ctx.log, e, (ctx.snapshot.plugins as { jira?: JiraConfig }).jira, ctx.redelivery);
    },
  },
};

export function extractCandidatesFromText(t: string): string[] {
  issueNameRe.lastIndex = 0;
  const out: string[] = [];
  for (let m = issueNameRe.exec(t); m !== null; m = issueNameRe.exec(t)) {
    out.push(m[1]!); // matches do not overlap, as Go's FindAllStringSubmatch
  }
  return out;
}

export function filterOutDisabledJiraProjects(candidates: readonly string[], cfg: JiraConfig | undefined): string[] {
  const disabled = (cfg?.disabled_jira_projects ?? []).map((p) => p.toLowerCase());
  return [...new Set(candidates)].filter((c) => !disabled.some((p) => c.toLowerCase().startsWith(p)));
}

const isAlphanumeric = (c: string): boolean => /^[a-zA-Z0-9]$/.test(c);

/** upstream replaceStringIfNeeded: replace `old` unless it is already a link, inside code, or part of a longer key. */
export function replaceStringIfNeeded(text: string, old: string, replacement: string): string {
  if (old === '') return text;
  let out = '';
  let start = 0;
  for (let idx = text.indexOf(old); idx !== -1; idx = text.indexOf(old, idx + 1)) {
    if (idx < start) continue;
    out += text.slice(start, idx);
    const end = idx + old.length;
    const prefixOk = idx === 0 || (!'[/`-'.includes(text[idx - 1]!) && !isAlphanumeric(text[idx - 1]!));
    const suffixOk = end >= text.length || !isAlphanumeric(text[end]!);
    out += prefixOk && suffixOk ? replacement : old;
    start = end;
  }
  return out + text.slice(start);
}

/** upstream insertLinksIntoComment: lines in fenced or indented code blocks are left alone. */
export function insertLinksIntoComment(body: string, issues: readonly string[], jiraUrl: string): string {
  let fences = 0;
  const base = jiraUrl.replace(/\/$/, '');
  return body.split('\n').map((line) => {
    if (line.startsWith('```')) fences++;
    if (line.startsWith('    ') || fences % 2 === 1) return line;
    let l = line;
    for (const issue of issues) l = replaceStringIfNeeded(l, issue, `[${issue}](${base}/browse/${issue})`);
    return l;
  }).join('\n');
}

// Project keys per client, read once (upstream keeps one process-wide cache).
const projectCache = new WeakMap<JiraClient, Promise<Set<string>>>();

function projectsOf(jc: JiraClient): Promise<Set<string>> {
  let p = projectCache.get(jc);
  if (p === undefined) {
    p = jc.listProjects().then((keys) => new Set(keys.map((k) => k.toLowerCase())));
    p.catch(() => projectCache.delete(jc));
    projectCache.set(jc, p);
  }
  return p;
}

export async function handleJira(jc: JiraClient, gh: JiraGitHub, log: Logger, e: GenericCommentEvent, cfg: JiraConfig | undefined, redelivery = true): Promise<void> {
  const projects = await projectsOf(jc);
  if (e.action === 'deleted') return;
  const candidates = filterOutDisabledJiraProjects([...extractCandidatesFromText(e.body), ...extractCandidatesFromText(e.issueTitle)], cfg);
  if (candidates.length === 0) return;

  const referenced: string[] = [];
  const errors: Error[] = [];
  for (const key of candidates) {
    if (!projects.has(key.split('-')[0]!.toLowerCase())) continue; // upstream's 404 from the project cache
    try {
      if ((await jc.getIssue(key)) !== undefined) referenced.push(key);
    } catch (err) {
      errors.push(new Error(`failed to get issue ${key}: ${(err as Error).message}`, { cause: err }));
    }
  }
  referenced.sort();
  const links = Promise.all(referenced.map((key) => upsertGitHubLinkToIssue(jc, log, key, e).catch((err: unknown) => {
    log.error({ err, jira_issue: key }, 'cannot ensure the github link on the jira issue');
  })));
  try {
    await updateComment(gh, e, referenced, jc.url, redelivery);
  } catch (err) {
    errors.push(new Error(`failed to update comment: ${(err as Error).message}`, { cause: err }));
  }
  await links;
  if (errors.length > 0) throw new AggregateError(errors, errors.map((x) => x.message).join('; '));
}

async function updateComment(gh: JiraGitHub, e: GenericCommentEvent, issues: readonly string[], jiraUrl: string, redelivery: boolean): Promise<void> {
  const withLinks = insertLinksIntoComment(e.body, issues, jiraUrl);
  if (withLinks === e.body) return;
  if (e.commentId !== undefined) {
    // A redelivery after the edit: the comment holds the links already.
    if (redelivery && (await gh.listComments(e.org, e.repo, e.number)).some((c) => c.id === e.commentId && c.body === withLinks)) return;
    await gh.editComment(e.org, e.repo, e.commentId, withLinks);
    return;
  }
  // An issue or PR body (or a review): re-read it, the event may be old.
  const issue = await gh.getIssue(e.org, e.repo, e.number);
  const body = insertLinksIntoComment(issue.body, issues, jiraUrl);
  if (body !== issue.body) await gh.patchIssue(e.org, e.repo, e.number, { body });
}

async function upsertGitHubLinkToIssue(jc: JiraClient, log: Logger, key: string, e: GenericCommentEvent): Promise<void> {
  const links = await jc.getRemoteLinks(key);
  const url = e.htmlURL.split('#')[0]!;
  const title = `${e.org}/${e.repo}#${e.number}: ${e.issueTitle}`;
  const existing = links.find((l) => l.object?.url === url);
  if (existing !== undefined && existing.object.title === title) return;
  const object: JiraRemoteLink['object'] = { url, title, icon: { url16x16: 'https://github.com/favicon.ico', title: 'GitHub' } };
  if (existing?.id !== undefined) {
    await jc.updateRemoteLink(key, { id: existing.id, object });
    log.info({ jira_issue: key }, 'updated jira link');
  } else {
    await jc.addRemoteLink(key, { object });
    log.info({ jira_issue: key }, 'created jira link');
  }
}
