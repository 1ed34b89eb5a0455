// golint (upstream pkg/plugins/golint/golint.go): `/lint` on an open PR lints the changed *.go files
// (not vendor/, not generated, not removed or renamed) and posts one review whose line comments are the
// problems on added lines, at most 20, skipping problems already reported. Upstream links golang.org/x/lint
// into the hook; we run a linter command (`golint.command`, default `golint -min_confidence <x>`) on the
// PR's versions of those files, written to a private temporary directory with their repository paths.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import RE2 from 're2';
import { lineOf, S } from '../../config/decode.js';
import { strList, type PluginConfigSection } from '../../config/plugin-sections.js';
import type { GenericCommentEvent } from '../../github/event-types.js';
import type { GitHubClient, ReviewInput } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';
import { formatEventResponse } from '../shared/respond.js';
import { loadGeneratedMatcher } from '../size/generated-files.js';
import type { Plugin } from '../types.js';

export const COMMENT_TAG = '<!-- golint -->';
const MAX_COMMENTS = 20;
const DEFAULT_CONFIDENCE = 0.8;
const lintRe = new RE2('(?mi)^/lint\\s*$');

export interface GolintConfig {
  minimum_confidence?: number;
  /** Ours: the linter's argv; the files are appended. Default `golint -min_confidence <minimum_confidence>`. */
  command?: string[];
}

export const golintConfigSection: PluginConfigSection<GolintConfig> = {
  section: 'golint',
  schema: S.obj('Golint', { minimum_confidence: S.num, command: strList }),
  defaults: (raw) => (raw as GolintConfig | undefined) ?? {},
  validate: (v, raw, report) => {
    const r = raw as object | undefined;
    const c = v.minimum_confidence;
    if (c !== undefined && (c < 0 || c > 1)) report.error(lineOf(r, 'minimum_confidence'), 'golint.minimum_confidence', `must be between 0 and 1, got ${c}`);
    if (v.command !== undefined && v.command.length === 0) report.error(lineOf(r, 'command'), 'golint.command', 'must name a program');
  },
};

export type GolintGitHub = Pick<GitHubClient, 'getPullRequest' | 'listPullRequestFiles' | 'getFile' | 'listReviewComments' | 'listReviews' | 'createReview'>;

export const golintPlugin: Plugin = {
  name: 'golint',
  help: {
    description: 'The golint plugin runs golint on changes made to *.go files in a PR. It then creates a new review on the pull request and leaves golint warnings at the appropriate lines of code.',
    snippet: 'golint:\n  # minimum confidence of a problem to report (0 to 1)\n  minimum_confidence: 0.8\n',
    commands: [{ usage: '/lint', featured: false, description: 'Runs golint on changes made to *.go files in a PR', whoCanUse: 'Anyone can trigger this command on a PR.', examples: ['/lint'] }],
  },
  config: golintConfigSection,
  configHelp: (pc) => ({ '': `The golint plugin will report problems with a minimum confidence of ${minConfidence(golintOf(pc)).toFixed(6)}.` }),
  handlers: { genericComment: (e, ctx) => handleGolint(ctx.github, ctx.log, e, golintOf(ctx.snapshot.plugins), ctx.redelivery) },
};

function golintOf(pc: unknown): GolintConfig {
  return (pc as { golint?: GolintConfig }).golint ?? {};
}

function minConfidence(c: GolintConfig): number {
  return c.minimum_confidence ?? DEFAULT_CONFIDENCE;
}

/** The argv to run: the configured command, or golint filtering at the minimum confidence itself. */
export function linterCommand(c: GolintConfig): string[] {
  if (c.command !== undefined) return [...c.command];
  return ['golint', `-min_confidence=${minConfidence(c)}`];
}

/** File line → position in the patch, for the lines a unified diff adds (upstream AddedLines). */
export function addedLines(patch: string): Map<number, number> {
  const out = new Map<number, number>();
  let line = 0;
  let position = 0;
  let inHunk = false;
  for (const l of patch.split('\n')) {
    const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(l);
    if (m) {
      line = Number(m[1]);
      if (inHunk) position++; // a hunk header after the first counts as a line of the patch
      inHunk = true;
      continue;
    }
    if (!inHunk) continue;
    position++;
    if (l.startsWith('-') || l.startsWith('\\')) continue; // removed, or "\ No newline at end of file"
    if (l.startsWith('+')) out.set(line, position);
    line++;
  }
  return out;
}

export interface LintProblem {
  file: string;
  line: number;
  text: string;
}

const problemRe = /^(?:\.\/)?(.+?\.go):(\d+)(?::\d+)?: (.+)$/;

/** Problems in a linter's output: `file.go:line[:col]: text` lines; everything else is ignored. */
export function parseLintOutput(out: string): LintProblem[] {
  const problems: LintProblem[] = [];
  for (const l of out.split('\n')) {
    const m = problemRe.exec(l.trim());
    if (m) problems.push({ file: m[1]!, line: Number(m[2]), text: m[3]! });
  }
  return problems;
}

export class LinterError extends Error {
  override readonly name = 'LinterError';
}

function runLinter(argv: string[], files: string[], cwd: string): Promise<string> {
  const [cmd, ...args] = argv;
  return new Promise((resolve, reject) => {
    execFile(cmd!, [...args, ...files], { cwd, timeout: 5 * 60_000, maxBuffer: 16 << 20, env: { ...process.env, GOFLAGS: process.env.GOFLAGS ?? '', GO111MODULE: process.env.GO111MODULE ?? 'auto' } }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { killed?: boolean }) | null;
      if (e && (typeof e.code === 'string' || e.killed === true)) {
        reject(new LinterError(`golint: cannot run ${argv.join(' ')}: ${e.message}`, { cause: err }));
        return;
      }
      resolve(`${stdout}\n${stderr}`); // linters exit non-zero when they find problems
    });
  });
}

export async function handleGolint(gh: GolintGitHub, log: Logger, e: GenericCommentEvent, cfg: GolintConfig, redelivery = true): Promise<void> {
  if (e.issueState !== 'open' || !e.isPR || e.action !== 'created' || !lintRe.test(e.body)) return;
  // A redelivered /lint that was answered already: the review quotes the command's URL.
  if (redelivery && (await gh.listReviews(e.org, e.repo, e.number)).some((r) => r.body.includes(`(${e.htmlURL})`))) return;
  const pr = await gh.getPullRequest(e.org, e.repo, e.number);
  const changes = await gh.listPullRequestFiles(e.org, e.repo, e.number);
  const candidates = changes.filter((c) => !c.filename.startsWith('vendor/') && c.filename.endsWith('.go') && c.status !== 'removed' && c.status !== 'renamed');
  if (candidates.length === 0) return;
  const generated = await loadGeneratedMatcher(gh, e.org, e.repo, pr.head.sha);
  const files = candidates.filter((c) => !generated.isGenerated(c.filename));
  if (files.length === 0) return;
  log.info({ files: files.length }, 'linting modified go files');

  const dir = mkdtempSync(join(tmpdir(), 'prow-golint-'));
  let output: string;
  try {
    for (const f of files) {
      const text = await gh.getFile(e.org, e.repo, f.filename, pr.head.sha);
      if (text === undefined) continue;
      mkdirSync(join(dir, dirname(f.filename)), { recursive: true });
      writeFileSync(join(dir, f.filename), text);
    }
    // one run per directory: go tools lint a directory's files as one package
    const byDir = new Map<string, string[]>();
    for (const f of files) byDir.set(dirname(f.filename), [...(byDir.get(dirname(f.filename)) ?? []), f.filename]);
    output = '';
    for (const [d, fs] of byDir) {
      const out = await runLinter(linterCommand(cfg), fs.map((f) => `./${basename(f)}`), join(dir, d));
      output += parseLintOutput(out).map((p) => `${d === '.' ? '' : `${d}/`}${p.file.replace(/^.*\//, '')}:${p.line}: ${p.text}`).join('\n') + '\n';
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  // file → patch position → problem, for problems on added lines only (upstream problemsInFiles)
  const problems = new Map<string, Map<number, LintProblem>>();
  for (const p of parseLintOutput(output)) {
    const patch = files.find((f) => f.filename === p.file)?.patch;
    if (patch === undefined) continue;
    if (!addedLines(patch).has(p.line)) continue;
    const m = problems.get(p.file) ?? new Map<number, LintProblem>();
    if (!m.has(p.line)) m.set(p.line, p);
    problems.set(p.file, m);
  }
  const total = [...problems.values()].reduce((n, m) => n + m.size, 0);
  let fresh = problems;
  if (total > 0) {
    const old = await gh.listReviewComments(e.org, e.repo, e.number);
    fresh = new Map([...problems].map(([f, m]) => [f, new Map(m)]));
    for (const c of old) {
      if (c.line === null || !c.body.includes(COMMENT_TAG)) continue;
      fresh.get(c.path)?.delete(c.line);
    }
  }
  const newCount = [...fresh.values()].reduce((n, m) => n + m.size, 0);
  const oldCount = total - newCount;
  const comments: NonNullable<ReviewInput['comments']> = [];
  for (const [file, m] of [...fresh].sort(([a], [b]) => (a < b ? -1 : 1))) {
    for (const [line, p] of [...m].sort(([a], [b]) => a - b)) {
      comments.push({ path: file, line, side: 'RIGHT', body: `Golint: ${p.text}. ${COMMENT_TAG}` });
    }
  }
  const allowed = Math.max(0, MAX_COMMENTS - oldCount);
  const s = total === 1 ? '' : 's';
  const response = oldCount !== 0 ? `${oldCount} unresolved warning${s} and ${newCount} new warning${s}.` : `${total} warning${s}.`;
  await gh.createReview(e.org, e.repo, e.number, { body: formatEventResponse(e, response), event: 'COMMENT', comments: comments.slice(0, allowed) });
}
