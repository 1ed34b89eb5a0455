import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cloneRefs, pathForRefs } from '../../src/git/clonerefs.js';
import { cloneFailed, formatCloneRecords } from '../../src/podutils/clone-record.js';

const gitEnv = {
  ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'a', GIT_COMMITTER_DATE: '1700000000 +0000', GIT_AUTHOR_EMAIL: 'a@x', GIT_COMMITTER_NAME: 'a', GIT_COMMITTER_EMAIL: 'a@x',
};
function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, env: gitEnv, encoding: 'utf8' }).trim();
}
function commit(dir: string, file: string, content: string, message: string): string {
  writeFileSync(join(dir, file), content);
  git(dir, 'add', file);
  git(dir, 'commit', '-q', '-m', message, '--date', '1700000000 +0000');
  return git(dir, 'rev-parse', 'HEAD');
}

/** An origin repo with main, and PRs 1, 2 (separate files) and 3 (conflicts with 1) under refs/pull/N/head. */
function makeOrigin(root: string): { dir: string; base: string; pr: Record<number, string> } {
  const dir = join(root, 'origin');
  execFileSync('mkdir', ['-p', dir]);
  git(dir, 'init', '-q', '-b', 'main');
  commit(dir, 'README', 'hello\n', 'initial');
  const base = commit(dir, 'shared.txt', 'base\n', 'base');
  const pr: Record<number, string> = {};
  const branch = (n: number, file: string, content: string): void => {
    git(dir, 'checkout', '-q', '-b', `pr${n}`, base);
    pr[n] = commit(dir, file, content, `pr ${n}`);
    git(dir, 'update-ref', `refs/pull/${n}/head`, pr[n]!);
    git(dir, 'checkout', '-q', 'main');
  };
  branch(1, 'shared.txt', 'from pr 1\n');
  branch(2, 'two.txt', 'pr 2\n');
  branch(3, 'shared.txt', 'from pr 3\n');
  return { dir, base, pr };
}

describe('clonerefs', () => {
  let root: string;
  let origin: ReturnType<typeof makeOrigin>;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'clonerefs-'));
    origin = makeOrigin(root);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('merges two pulls in order onto the base SHA, reproducibly', async () => {
    const refs = {
      org: 'o', repo: 'r', base_ref: 'main', base_sha: origin.base, clone_uri: origin.dir,
      pulls: [{ number: 1, author: 'u', sha: origin.pr[1]! }, { number: 2, author: 'u', sha: origin.pr[2]! }],
    };
    const a = join(root, 'a');
    const records = await cloneRefs({ srcRoot: a, refs: [refs], fetchRetryDelaysMs: [] });
    assert.equal(records.length, 2);
    assert.deepEqual(records[0]!.refs, { org: '', repo: '' });
    assert.equal(cloneFailed(records), false, formatCloneRecords(records));
    const dir = pathForRefs(a, refs);
    assert.equal(dir, join(a, 'src', 'github.com', 'o', 'r'));
    const log = git(dir, 'log', '--format=%P|%s', '--first-parent', 'HEAD').split('\n');
    assert.equal(log.length, 4); // two merges over base and initial
    assert.equal(log[0]!.split('|')[0]!.split(' ')[1], origin.pr[2]);
    assert.equal(log[1]!.split('|')[0]!.split(' ')[1], origin.pr[1]);
    assert.equal(git(dir, 'rev-parse', '--abbrev-ref', 'HEAD'), 'main');
    assert.equal(readFileSync(join(dir, 'shared.txt'), 'utf8'), 'from pr 1\n');
    assert.equal(records[1]!.final_sha, git(dir, 'rev-parse', 'HEAD'));
    // Merge dates are base commit time + 1, + 2: a second clone gives the same SHA.
    assert.equal(git(dir, 'show', '-s', '--format=%ct %an', 'HEAD'), '1700000002 ci-robot');
    const again = await cloneRefs({ srcRoot: join(root, 'b'), refs: [refs], fetchRetryDelaysMs: [] });
    assert.equal(again[1]!.final_sha, records[1]!.final_sha);
    const merge = records[1]!.commands!.find((c) => c.command.includes(' merge '))!;
    assert.match(merge.command, /GIT_AUTHOR_DATE=1700000001 GIT_COMMITTER_DATE=1700000001 git merge --no-ff/);
    assert.ok(typeof records[1]!.duration === 'number' && records[1]!.duration > 0);
  });

  it('fetches pull/N/head when the pull has no sha, and FETCH_HEAD of base_ref without base_sha', async () => {
    const refs = { org: 'o', repo: 'r', base_ref: 'main', clone_uri: `file://${origin.dir}`, pulls: [{ number: 2, author: 'u', sha: '' }] };
    const records = await cloneRefs({ srcRoot: join(root, 'c'), refs: [refs], fetchRetryDelaysMs: [] });
    assert.equal(cloneFailed(records), false, formatCloneRecords(records));
    const dir = pathForRefs(join(root, 'c'), refs);
    assert.equal(git(dir, 'rev-parse', 'HEAD^2'), origin.pr[2]);
    assert.equal(git(dir, 'rev-parse', 'HEAD^1'), origin.base);
    assert.ok(records[1]!.commands!.some((c) => c.command.endsWith(`fetch file://${origin.dir} pull/2/head`)));
  });

  it('records a merge conflict as a failed record without throwing', async () => {
    const refs = {
      org: 'o', repo: 'r', base_ref: 'main', base_sha: origin.base, clone_uri: origin.dir,
      pulls: [{ number: 1, author: 'u', sha: origin.pr[1]! }, { number: 3, author: 'u', sha: origin.pr[3]! }],
    };
    const records = await cloneRefs({ srcRoot: join(root, 'd'), refs: [refs], fetchRetryDelaysMs: [] });
    assert.equal(cloneFailed(records), true);
    const rec = records[1]!;
    assert.equal(rec.failed, true);
    assert.equal(rec.final_sha, undefined);
    const last = rec.commands![rec.commands!.length - 1]!;
    assert.match(last.command, new RegExp(`git merge --no-ff ${origin.pr[3]}`));
    assert.match(last.output ?? '', /CONFLICT/);
    assert.equal(last.error, 'exit status 1');
    assert.match(formatCloneRecords(records), /# FAILED\n# Cloning o\/r at main/);
  });

  it('refuses refs that git would read as options, and runs no git command for them', async () => {
    const marker = join(root, 'injected');
    const evil = `--upload-pack=touch ${marker};git-upload-pack`;
    const cases = [
      { org: 'o', repo: 'r', base_ref: evil, clone_uri: origin.dir },
      { org: 'o', repo: 'r', base_ref: 'main', base_sha: '--output=/tmp/x', clone_uri: origin.dir },
      { org: 'o', repo: 'r', base_ref: 'main', clone_uri: origin.dir, pulls: [{ number: 1, author: 'u', sha: '', ref: evil }] },
      { org: 'o', repo: 'r', base_ref: 'main', clone_uri: origin.dir, pulls: [{ number: 1, author: 'u', sha: '-b' }] },
      { org: 'o', repo: 'r', base_ref: 'main', clone_uri: evil },
    ];
    for (const [i, refs] of cases.entries()) {
      const src = join(root, `evil${i}`);
      const records = await cloneRefs({ srcRoot: src, refs: [refs], fetchRetryDelaysMs: [] });
      assert.equal(records[1]!.failed, true, `case ${i}: ${formatCloneRecords(records)}`);
      assert.equal(records[1]!.commands!.length, 1, `case ${i}: no git command may run`);
      assert.match(records[1]!.commands![0]!.error ?? '', /must not start with "-"/, `case ${i}`);
      assert.equal(existsSync(marker), false, `case ${i}: the injected command ran`);
    }
  });

  it('records an unreachable remote as failed after the retries', async () => {
    const refs = { org: 'o', repo: 'missing', base_ref: 'main', clone_uri: join(root, 'nope') };
    const records = await cloneRefs({ srcRoot: join(root, 'e'), refs: [refs], fetchRetryDelaysMs: [1, 1] });
    assert.equal(records[1]!.failed, true);
    assert.ok(records[1]!.commands!.at(-1)!.error);
  });

  it('clones extra refs under their path_alias, shallow when clone_depth is set', async () => {
    const primary = { org: 'o', repo: 'r', base_ref: 'main', base_sha: origin.base, clone_uri: origin.dir, skip_submodules: true };
    const extra = { org: 'other', repo: 'tools', base_ref: 'main', clone_uri: `file://${origin.dir}`, path_alias: 'k8s.io/tools', clone_depth: 1 };
    const src = join(root, 'f');
    const records = await cloneRefs({ srcRoot: src, refs: [primary, extra], fetchRetryDelaysMs: [] });
    assert.equal(cloneFailed(records), false, formatCloneRecords(records));
    assert.equal(records.length, 3);
    const extraDir = join(src, 'src', 'k8s.io', 'tools');
    assert.equal(git(extraDir, 'rev-list', '--count', 'HEAD'), '1');
    assert.equal(git(extraDir, 'rev-parse', 'HEAD'), origin.base);
    assert.equal(git(pathForRefs(src, primary), 'rev-list', '--count', 'HEAD'), '2');
    assert.ok(records[2]!.commands!.some((c) => c.command.includes('fetch --depth 1 file://')));
    assert.ok(!records[1]!.commands!.some((c) => c.command.includes('submodule')));
    assert.ok(records[2]!.commands!.some((c) => c.command.includes('submodule update --init --recursive')));
  });

  it('skip_fetch_head skips the tags fetch', async () => {
    const refs = { org: 'o', repo: 'r', base_ref: 'main', clone_uri: origin.dir, skip_fetch_head: true };
    const records = await cloneRefs({ srcRoot: join(root, 'g'), refs: [refs], fetchRetryDelaysMs: [] });
    assert.equal(cloneFailed(records), false, formatCloneRecords(records));
    assert.equal(records[1]!.commands!.filter((c) => c.command.includes(' fetch ')).length, 1);
    assert.ok(!records[1]!.commands!.some((c) => c.command.includes('--tags')));
  });

  it('maxParallel (max_parallel_workers): every refs is cloned through the limited workers, records in refs order', async () => {
    const refs = ['a', 'b', 'c'].map((alias) => ({ org: 'o', repo: 'r', base_ref: 'main', clone_uri: origin.dir, path_alias: `example.com/${alias}` }));
    const records = await cloneRefs({ srcRoot: join(root, 'limited'), refs, fetchRetryDelaysMs: [], maxParallel: 1 });
    assert.equal(cloneFailed(records), false, formatCloneRecords(records));
    assert.deepEqual(records.slice(1).map((r) => r.refs.path_alias), ['example.com/a', 'example.com/b', 'example.com/c']);
  });
});
