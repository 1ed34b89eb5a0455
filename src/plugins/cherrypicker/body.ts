// The cherry-pick PR's title and body (upstream cmd/external-plugins/cherrypicker/lib/lib.go and server.go).
import RE2 from 're2';

const releaseNoteRe = new RE2('(?s)(?:Release note\\*\\*:\\s*(?:<!--[^<>]*-->\\s*)?```(?:release-note)?|```release-note)(.+?)```');
const KIND_PREFIX = 'kind/';

export function createCherrypickBody(num: number, requester: string, note: string, chain: string[], kinds: string[]): string {
  let body = `This is an automated cherry-pick of #${num}`;
  if (requester) body += `\n\n/assign ${requester}`;
  if (note) body += `\n\n${note}`;
  if (chain.length > 0) body += `\n\n/cherrypick ${chain.join(' ')}`;
  if (kinds.length > 0) body += `\n\n${[...kinds].sort().map((k) => `/kind ${k}`).join('\n')}`;
  return body;
}

/** The parent's release note block, re-fenced as ```release-note. */
export function releaseNoteFromParentPR(body: string): string {
  const m = releaseNoteRe.exec(body);
  if (!m) return '';
  return `\`\`\`release-note\n${(m[1] ?? '').trim()}\n\`\`\``;
}

/** `[release-9.9] Hello` backported again from release-9.9 becomes `[release-9.8] Hello`, not `[release-9.8] [release-9.9] Hello`. */
export function omitBaseBranchFromTitle(title: string, baseBranch: string): string {
  return baseBranch ? title.replace(`[${baseBranch}] `, '') : title;
}

/** `kind/*` label names without the prefix, deduplicated and sorted. */
export function kindLabels(labels: string[]): string[] {
  return [...new Set(labels.filter((l) => l.startsWith(KIND_PREFIX)).map((l) => l.slice(KIND_PREFIX.length)).filter((k) => k !== ''))].sort();
}
