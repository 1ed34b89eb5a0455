// needs-rebase against the fake GitHub, whose mergeability comes from real git merges of its repositories
// (upstream cmd/external-plugins/needs-rebase/plugin/plugin_test.go), and `prow needs-rebase` as a process.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  constructQueries, handleAll, handleIssueCommentEvent, handlePullRequestEvent, MergeabilityCache, NEEDS_REBASE_LABEL,
} from '../../../src/plugins/needs-rebase/needs-rebase.js';
import { signPayload } from '../../../src/github/webhook-sign.js';
import { commandArgs, spawnCli } from '../../support/spawn-cli.js';
import { BOT, REPO, commentDelivery, log, pluginConfig, pullRequestDelivery, startWorld, writes, type World } from '../shared/fixtures.js';

const noWait = { sleep: async () => undefined };
const NEEDS_REBASE_TEXT = 'PR needs rebase.';

/** org/repo with README and a.txt; PR #1 (by `author`) changes a.txt; `conflict` moves main's a.txt too. */
async function seedConflict(w: World, o: { conflict: boolean; labels?: string[]; author?: string }): Promise<void> {
  await w.gh.reset({
    users: ['alice', 'dependabot[bot]'],
    repos: [{ repo: REPO, defaultBranch: 'main', files: { 'README.md': 'hi\n', 'a.txt': 'one\n' }, labels: [NEEDS_REBASE_LABEL] }],
    pulls: [{ repo: REPO, number: 1, author: o.author ?? 'alice', title: 'change a', files: { 'a.txt': 'two\n' }, labels: o.labels ?? [] }],
  });
  if (o.conflict) await w.gh.pushToBranch(REPO, 'main', { 'a.txt': 'three\n' });
}

function botTexts(w: World): string[] {
  return w.gh.comments(REPO, 1).filter((c) => c.user === BOT).map((c) => c.body);
}

describe('needs-rebase', () => {
  let w: World;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.close());

  const cases = [
    { name: 'a conflicting PR gets the label and the comment', conflict: true, had: [], want: [NEEDS_REBASE_LABEL], comment: NEEDS_REBASE_TEXT },
    { name: 'dependabot is asked to rebase itself', conflict: true, had: [], want: [NEEDS_REBASE_LABEL], comment: 'rebase', author: 'dependabot[bot]' },
    { name: 'a mergeable PR without the label: nothing written', conflict: false, had: [], want: [], comment: undefined },
    { name: 'a conflicting PR already labelled: nothing written', conflict: true, had: [NEEDS_REBASE_LABEL], want: [NEEDS_REBASE_LABEL], comment: undefined },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      await seedConflict(w, { conflict: c.conflict, labels: c.had, ...(c.author ? { author: c.author } : {}) });
      const d = await pullRequestDelivery(w.gh, 'synchronize');
      w.gh.clearCalls();
      await handlePullRequestEvent(w.client, log, d.payload, noWait);
      assert.deepEqual(w.gh.labels(REPO, 1), c.want);
      const texts = botTexts(w);
      if (c.comment === undefined) {
        assert.deepEqual(texts, []);
        assert.deepEqual(writes(w.gh), []);
      } else {
        assert.equal(texts.length, 1);
        assert.equal(texts[0]!.split('\n')[0], c.comment);
      }
    });
  }

  it('removes the label and its comment once the PR is rebased', async () => {
    await seedConflict(w, { conflict: true });
    await handlePullRequestEvent(w.client, log, (await pullRequestDelivery(w.gh, 'opened')).payload, noWait);
    assert.deepEqual(w.gh.labels(REPO, 1), [NEEDS_REBASE_LABEL]);
    w.gh.addComment(REPO, 1, 'alice', `I know: ${NEEDS_REBASE_TEXT}`);
    await w.gh.pushToPull(REPO, 1, { 'a.txt': 'three\n', 'b.txt': 'new\n' }); // the author resolves the conflict
    await handlePullRequestEvent(w.client, log, (await pullRequestDelivery(w.gh, 'synchronize')).payload, noWait);
    assert.deepEqual(w.gh.labels(REPO, 1), []);
    assert.deepEqual(botTexts(w), []);
    assert.equal(w.gh.comments(REPO, 1).length, 1, "alice's comment stays");
  });

  it('ignores pull_request actions that cannot change mergeability', async () => {
    await seedConflict(w, { conflict: true });
    const d = await pullRequestDelivery(w.gh, 'labeled', { label: 'x' });
    w.gh.clearCalls();
    await handlePullRequestEvent(w.client, log, d.payload, noWait);
    assert.equal(w.gh.calls().length, 0);
  });

  it('re-checks on a PR comment, and --cache-valid-time skips a second comment', async () => {
    await seedConflict(w, { conflict: true });
    const cache = new MergeabilityCache(60_000);
    const d = await commentDelivery(w.gh, 'alice', 'ping');
    await handleIssueCommentEvent(w.client, log, d.payload, cache, noWait);
    assert.deepEqual(w.gh.labels(REPO, 1), [NEEDS_REBASE_LABEL]);
    w.gh.clearCalls();
    await handleIssueCommentEvent(w.client, log, d.payload, cache, noWait);
    assert.equal(w.gh.calls().length, 0);
  });

  it('the periodic scan labels conflicting PRs and unlabels mergeable ones of the enabled repos', async () => {
    await w.gh.reset({
      users: ['alice'],
      repos: [{ repo: REPO, defaultBranch: 'main', files: { 'a.txt': 'one\n', 'b.txt': 'one\n' }, labels: [NEEDS_REBASE_LABEL] }, { repo: 'other/repo', defaultBranch: 'main', files: { 'a.txt': 'one\n' } }],
      pulls: [
        { repo: REPO, number: 1, author: 'alice', title: 'conflicts', files: { 'a.txt': 'two\n' } },
        { repo: REPO, number: 2, author: 'alice', title: 'clean but labelled', files: { 'c.txt': 'new\n' }, labels: [NEEDS_REBASE_LABEL] },
        { repo: 'other/repo', number: 1, author: 'alice', title: 'not enabled', files: { 'a.txt': 'two\n' } },
      ],
    });
    await w.gh.pushToBranch(REPO, 'main', { 'a.txt': 'three\n' });
    await w.gh.pushToBranch('other/repo', 'main', { 'a.txt': 'three\n' });
    const pc = pluginConfig(`external_plugins:\n  org/repo:\n  - name: needs-rebase\n    events: [pull_request, issue_comment]\n`);
    // A first search may find GitHub still computing mergeability (UNKNOWN): those wait for the next scan.
    await handleAll(w.client, log, pc, false, new MergeabilityCache(0));
    await handleAll(w.client, log, pc, false, new MergeabilityCache(0));
    assert.deepEqual(w.gh.labels(REPO, 1), [NEEDS_REBASE_LABEL]);
    assert.deepEqual(w.gh.labels(REPO, 2), []);
    assert.deepEqual(w.gh.labels('other/repo', 1), []);
  });

  it('builds upstream\'s search queries', () => {
    const q = constructQueries(log, new Date('2026-03-01T00:00:00Z'), ['kubernetes', 'org'], ['org/x', 'a/b', 'c/d'], false);
    assert.deepEqual(Object.fromEntries(q), {
      kubernetes: [
        'archived:false is:pr is:open org:"kubernetes" -repo:"kubernetes/kubernetes"',
        'archived:false is:pr is:open repo:"kubernetes/kubernetes" created:>=2025-12-31',
        'archived:false is:pr is:open repo:"kubernetes/kubernetes" created:<2025-12-31',
      ],
      org: ['archived:false is:pr is:open org:"org"'],
      '': ['archived:false is:pr is:open repo:"a/b" repo:"c/d"'],
    });
    const apps = constructQueries(log, new Date(), [], ['a/b', 'c/d'], true);
    assert.deepEqual(Object.fromEntries(apps), { a: ['archived:false is:pr is:open repo:"a/b"'], c: ['archived:false is:pr is:open repo:"c/d"'] });
  });
});

describe('prow needs-rebase', () => {
  let w: World;
  const dir = mkdtempSync(join(tmpdir(), 'prow-needs-rebase-'));
  before(async () => {
    w = await startWorld();
  });
  after(async () => {
    await w.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to start on a missing secret file or a zero --update-period, naming the flag', async () => {
    for (const [flags, want] of [
      [['--hmac-secret-file', join(dir, 'missing')], /prow needs-rebase: --hmac-secret-file: ENOENT/],
      [['--update-period', '0s'], /prow needs-rebase: --update-period: "0s" must be more than 0/],
    ] as const) {
      const cli = spawnCli(process.execPath, commandArgs('needs-rebase', '--port', '0', ...flags), { name: 'needs-rebase' });
      assert.equal(await cli.exited(60_000), 1);
      assert.match(cli.stderr(), want);
    }
  });

  it('serves signed webhooks and /help, labels a conflicting PR, and refuses a bad signature', async (t) => {
    await seedConflict(w, { conflict: true });
    writeFileSync(join(dir, 'hmac'), 'needs-rebase-secret\n');
    writeFileSync(join(dir, 'token'), 'test-token\n');
    // Enabled elsewhere, so that the startup scan leaves org/repo to the webhook (hook already chose whom to send it).
    writeFileSync(join(dir, 'plugins.yaml'), 'external_plugins:\n  other/repo:\n  - name: needs-rebase\n    endpoint: http://127.0.0.1:1\n');
    const cli = spawnCli(process.execPath, commandArgs('needs-rebase',
      '--port', '0', '--health-port', '0', '--metrics-port', '0', '--dry-run=false', '--update-period', '1h',
      '--hmac-secret-file', join(dir, 'hmac'), '--plugin-config', join(dir, 'plugins.yaml'),
      '--github-token-path', join(dir, 'token'), '--github-endpoint', w.gh.url), { name: 'needs-rebase' });
    t.after(() => cli.kill());
    const serving = await cli.waitForLog('needs-rebase serving', 60_000);
    const url = `http://127.0.0.1:${serving.port as number}`;

    const help = await fetch(`${url}/help`, { method: 'POST', body: JSON.stringify([{ Org: 'org', Repo: 'repo' }]) });
    assert.equal(help.status, 200);
    assert.match(((await help.json()) as { Description: string }).Description, /manages the 'needs-rebase' label/);

    const body = JSON.stringify((await pullRequestDelivery(w.gh, 'opened')).payload);
    const headers = { 'content-type': 'application/json', 'x-github-event': 'pull_request', 'x-github-delivery': 'nr-1' };
    const bad = await fetch(url, { method: 'POST', headers: { ...headers, 'x-hub-signature-256': signPayload('wrong', body) }, body });
    assert.equal(bad.status, 403);
    const res = await fetch(url, { method: 'POST', headers: { ...headers, 'x-hub-signature-256': signPayload('needs-rebase-secret', body) }, body });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'Event received. Have a nice day.');
    // Upstream waits 5 s before asking GitHub.
    await cli.waitUntil(() => w.gh.labels(REPO, 1).includes(NEEDS_REBASE_LABEL) && botTexts(w).length === 1, 'the label and comment', 60_000);
    assert.equal(await cli.stop(), 0);
    assert.equal(botTexts(w).length, 1);
  });
});
