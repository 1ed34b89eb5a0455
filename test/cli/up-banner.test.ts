// `prow up` tells a person where things are and what to do next: on a terminal (text logs) as one plain,
// framed block that no log line splits; with JSON logs as a single info record, every stdout line JSON.
// The printed next step works, deck links the demo PR to the fake GitHub's page, and the demo test's
// log can be followed while it runs.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { formatBanner } from '../../src/cli/support/banner.js';
import { waitFor } from '../support/wait.js';
import { spawnProw, type CliProcess } from '../support/spawn-cli.js';

const exec = promisify(execFile);
const UP_FLAGS = ['--hook-port', '0', '--deck-port', '0', '--fake-github-port', '0'];

describe('prow up banner', () => {
  const dirs: string[] = [];
  const children: CliProcess[] = [];
  after(async () => {
    for (const c of children) await c.stop().catch(() => undefined);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const up = (format: string): CliProcess => {
    const dir = mkdtempSync(join(tmpdir(), 'prow-banner-'));
    dirs.push(dir);
    const child = spawnProw(['up', '--log-format', format, '--data-dir', join(dir, 'data'), ...UP_FLAGS]);
    children.push(child);
    return child;
  };

  it('formats a framed block: title rule, aligned places, next steps, closing rule', () => {
    const text = formatBanner({
      mode: 'demo mode', places: [{ key: 'hook', label: 'hook', value: 'http://h/hook' }, { key: 'fake_github', label: 'fake GitHub', value: 'http://g' }], next: ['Try it:', '  prow phony'],
    });
    const lines = text.split('\n');
    assert.match(lines[1]!, /^── prow up: demo mode ─+$/);
    assert.deepEqual(lines.slice(2, 7), ['  hook         http://h/hook', '  fake GitHub  http://g', '', 'Try it:', '  prow phony']);
    assert.equal(lines[7], '─'.repeat(lines[1]!.length));
  });

  it('with text logs: one plain block on stdout, not split by log lines; its next step starts a job whose links and live log work', { timeout: 120_000 }, async () => {
    const p = up('text');
    const m = await p.waitFor(/── prow up: demo mode \(built-in fake GitHub\) ─+\n([\s\S]*?)\n─{20,}\n/, 'the banner', 90_000);
    const body = m[1]!.split('\n');
    assert.match(body[0]!, /^ {2}hook {9}http:\/\/127\.0\.0\.1:\d+\/hook$/);
    assert.match(body[1]!, /^ {2}deck {9}http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.match(body[2]!, /^ {2}fake GitHub {2}http:\/\/127\.0\.0\.1:\d+ {2}\(what Prow wrote: /);
    assert.equal(body[3], '');
    assert.match(body[4]!, /^Try it: run the demo presubmit on demo\/hello#1:$/);
    assert.match(body[5]!, /^ {2}node bin\/prow phony --address http:\/\/127\.0\.0\.1:\d+\/hook --hmac-secret-file \S+ --event issue_comment --payload examples\/payloads\/issue_comment-test-all\.json$/);
    assert.ok(body.every((l) => !/INFO|"level"/.test(l)), `no log line inside the banner:\n${m[0]}`);

    // The next step works as printed, and deck's links for the job it starts open the fake GitHub's pages.
    const [, ...phony] = body[5]!.trim().split(/\s+/);
    const sent = await exec(process.execPath, phony, { timeout: 60_000 });
    assert.match(sent.stdout + sent.stderr, /200/);
    const deck = /deck {9}(http:\/\/\S+?)\/$/.exec(body[1]!)![1]!;
    const fakeUrl = /fake GitHub {2}(http:\/\/\S+)/.exec(body[2]!)![1]!;
    const name = await waitFor(async () => {
      const { items } = (await (await fetch(`${deck}/prowjobs.js?type=presubmit`)).json()) as { items: { metadata: { name: string } }[] };
      return items[0]?.metadata.name;
    }, { timeoutMs: 60_000, message: 'a presubmit from the demo comment' });
    const jobPage = await (await fetch(`${deck}/job/${name}`)).text();
    const prLink = new RegExp(`href="(${fakeUrl}/_fake/web/demo/hello/pull/1)"`).exec(jobPage)?.[1];
    assert.ok(prLink, 'the PR link goes to the fake GitHub');
    assert.doesNotMatch(jobPage, /href="https:\/\/github\.com/);
    const pr = await fetch(prLink);
    assert.equal(pr.status, 200);
    assert.match(await pr.text(), /Greet the world in French/);

    // The demo test prints for about 15 s: its log can be followed while the job still runs.
    await waitFor(async () => {
      const res = await fetch(`${deck}/log/${name}`);
      return res.ok && /step 3 of 15/.test(await res.text()) ? true : undefined;
    }, { timeoutMs: 60_000, intervalMs: 200, message: 'the demo test to print its third step' });
    const { items } = (await (await fetch(`${deck}/prowjobs.js?type=presubmit`)).json()) as { items: { metadata: { name: string }; status: { state: string } }[] };
    assert.equal(items.find((i) => i.metadata.name === name)?.status.state, 'pending', 'still running while its log shows');
    assert.equal(await p.stop(), 0);
  });

  it('with JSON logs: a single "prow is up" info record, and every stdout line is JSON', { timeout: 120_000 }, async () => {
    const p = up('json');
    const rec = await p.waitForLog('prow is up', 90_000);
    assert.equal(rec['level'], 'info');
    assert.equal(rec['mode'], 'demo mode (built-in fake GitHub)');
    assert.match(String(rec['hook']), /^http:\/\/127\.0\.0\.1:\d+\/hook$/);
    assert.match(String(rec['deck']), /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.match(String(rec['next']), /phony --address http:\/\/127\.0\.0\.1:\d+\/hook/);
    assert.equal(await p.stop(), 0);
    const lines = p.stdout().split('\n').filter(Boolean);
    const notJson = lines.filter((l) => { try { JSON.parse(l); return false; } catch { return true; } });
    assert.deepEqual(notJson, []);
    assert.equal(lines.filter((l) => l.includes('"prow is up"')).length, 1);
  });
});
