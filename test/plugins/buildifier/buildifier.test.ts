// buildifier (upstream pkg/plugins/buildifier/buildifier_test.go): `/buildify` with the real buildifier
// binary from @bazel/buildifier against the fake GitHub, upstream's modified-file cases, and the command
// once end to end through the real hook.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildifierPlugin, firstPatchLine, isBazelFile } from '../../../src/plugins/buildifier/buildifier.js';
import { buildifierBinary, needsFormatting } from '../../../src/plugins/buildifier/run-buildifier.js';
import { pluginContextFor } from '../../support/plugin-context.js';
import { deliverTo, writes } from '../support/fixtures.js';
import { startHookRig, type HookRig } from '../support/through-hook.js';
import { REPO, commentDelivery, seed, startWorld, type World } from '../shared/fixtures.js';

// upstream's initialFiles and pullFiles: only blah.bzl (two-space indent) needs formatting
const INITIAL = { BUILD: 'package(default_visibility = ["//visibility:public"])\n', WORKSPACE: 'workspace(name = "io_foo_bar")\n' };
const PULL = {
  BUILD: 'package(default_visibility = ["//visibility:public"])\n\ndocker_build(\n    name = "blah",\n)\n',
  WORKSPACE: 'workspace(name = "io_foo_bar")\n\nfoo_repositories()\n',
  'blah.bzl': 'def foo():\n  print("bar")  # should have four spaces\n',
};

describe('buildifier', () => {
  let w: World;
  let rig: HookRig;
  before(async () => {
    w = await startWorld();
    rig = await startHookRig(w);
  });
  after(async () => {
    await rig.close();
    await w.close();
  });

  async function buildify(o: { files: Record<string, string | null>; repoFiles?: Record<string, string>; body?: string; state?: 'open' | 'closed'; isPR?: boolean }) {
    await w.gh.reset(seed({ isPR: o.isPR ?? true, files: o.files, state: o.state ?? 'open', repoFiles: o.repoFiles ?? INITIAL }));
    const d = await commentDelivery(w.gh, 'mattmoor', o.body ?? '/buildify');
    w.gh.clearCalls();
    for (const redelivery of [false, true]) await deliverTo(buildifierPlugin, d, pluginContextFor(w, { plugin: 'buildifier', redelivery, withOwners: false }));
    const calls = w.gh.calls().map((x) => x.route);
    return { calls, reviews: w.gh.reviews(REPO, 1), comments: o.isPR === false ? [] : await w.client.listReviewComments('org', 'repo', 1) };
  }

  it('comments on the one Bazel file that needs formatting, once for a redelivery', async () => {
    const r = await buildify({ files: PULL });
    assert.equal(r.reviews.length, 1);
    assert.match(r.reviews[0]!.body, /^@mattmoor: 1 warning\./);
    assert.deepEqual(r.comments.map((c) => [c.path, c.body]), [['blah.bzl', 'This Bazel file needs formatting, run:\n```shell\nbuildifier -mode=fix "blah.bzl"\n```']]);
    assert.equal(writes(w.gh).length, 1);
  });

  it('formatted Bazel files: a review saying 0 warnings, as upstream', async () => {
    const r = await buildify({ files: { BUILD: PULL.BUILD } });
    assert.equal(r.reviews.length, 1);
    assert.match(r.reviews[0]!.body, /0 warnings\./);
    assert.equal(r.comments.length, 0);
  });

  it('/buildifier works too; no Bazel files: nothing', async () => {
    const r = await buildify({ files: { 'main.go': 'package main\n' }, body: '/buildifier' });
    assert.equal(r.reviews.length, 0);
    assert.deepEqual(writes(w.gh), []);
  });

  for (const c of [
    { name: 'a closed PR', state: 'closed' as const },
    { name: 'an issue', isPR: false },
    { name: 'not the command', body: 'please /buildify' },
  ]) {
    it(`ignores ${c.name}`, async () => {
      const r = await buildify({ files: PULL, ...c });
      assert.equal(r.reviews.length, 0);
      assert.deepEqual(r.calls, []);
    });
  }

  it('generated and removed files are skipped', async () => {
    const r = await buildify({
      repoFiles: { ...INITIAL, 'old.bzl': 'x = 1\n', '.generated_files': 'file-name gen.bzl\n' },
      files: { 'gen.bzl': PULL['blah.bzl'], 'old.bzl': null },
    });
    assert.equal(r.reviews.length, 0);
  });

  it('a syntax error fails the handling (upstream returns the parse error)', async () => {
    await w.gh.reset(seed({ isPR: true, files: { 'bad.bzl': 'def (:\n' }, repoFiles: INITIAL }));
    const d = await commentDelivery(w.gh, 'mattmoor', '/buildify');
    await assert.rejects(deliverTo(buildifierPlugin, d, pluginContextFor(w, { plugin: 'buildifier', withOwners: false })), /parsing bad\.bzl as Bazel file/);
    assert.equal(w.gh.reviews(REPO, 1).length, 0);
  });

  it('through the hook: /buildify posts one review', async () => {
    await w.gh.reset(seed({ isPR: true, files: PULL, repoFiles: INITIAL }));
    rig.configure(['buildifier']);
    const d = await commentDelivery(w.gh, 'mattmoor', '/buildify');
    await rig.send(d);
    assert.equal(w.gh.reviews(REPO, 1).length, 1);
  });

  it('Bazel file names as upstream modifiedBazelFiles', () => {
    for (const f of ['BUILD', 'BUILD.bazel', 'foo/BUILD.bazel', 'WORKSPACE', 'qux.bzl', 'bar/blah.bzl']) assert.equal(isBazelFile(f), true, f);
    for (const f of ['foo.go', 'foo.md', 'bzl', 'a.bzl.txt']) assert.equal(isBazelFile(f), false, f);
  });

  it('only rewrites (a list out of order) are not a problem, as upstream', async () => {
    const bin = buildifierBinary();
    assert.equal(await needsFormatting(bin, 'BUILD', 'foo(\n    name = "x",\n    srcs = [\n        "b",\n        "a",\n    ],\n)\n'), false);
    assert.equal(await needsFormatting(bin, 'BUILD', 'foo(name="x")\n'), true);
  });

  it('position 1 of a patch', () => {
    assert.deepEqual(firstPatchLine('@@ -0,0 +1,2 @@\n+a\n+b'), { line: 1, side: 'RIGHT' });
    assert.deepEqual(firstPatchLine('@@ -3,2 +3,1 @@\n-a\n b'), { line: 3, side: 'LEFT' });
    assert.equal(firstPatchLine(undefined), undefined);
  });
});
