// size against the fake GitHub with the real client (upstream pkg/plugins/size/size_test.go, S30).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GeneratedFiles, GeneratedFilesParseError, LinguistGenerated } from '../../../src/plugins/size/generated-files.js';
import { DEFAULT_SIZES, handleSize, sizeLabel, sizesOrDefault } from '../../../src/plugins/size/size.js';
import { REPO, log, pullRequestDelivery, seed, startWorld, typedOf, writes, type World } from '../shared/fixtures.js';

const lines = (n: number, c = 'x'): string => Array.from({ length: n }, (_, i) => `${c}${i}\n`).join('');

interface Case {
  name: string;
  action?: string;
  repoFiles?: Record<string, string>;
  files: Record<string, string | null>;
  had?: string[];
  want: string[];
  writes: number;
}

const cases: Case[] = [
  {
    name: 'S30 +10/-10 and +3/-4 is size/S and replaces size/XL', repoFiles: { foobar: lines(10, 'a'), barfoo: lines(4, 'a') },
    files: { foobar: lines(10, 'b'), barfoo: lines(3, 'b') }, had: ['size/XL'], want: ['size/S'], writes: 2,
  },
  { name: 'a tiny PR is size/XS', files: { a: lines(3) }, want: ['size/XS'], writes: 1 },
  { name: 'the right label already there: no write', files: { a: lines(3) }, had: ['size/XS'], want: ['size/XS'], writes: 0 },
  { name: 'several stale size labels all go', files: { a: lines(40) }, had: ['size/XS', 'size/XXL', 'kind/bug'], want: ['kind/bug', 'size/M'], writes: 3 },
  {
    name: '.generated_files entries are not counted', repoFiles: { '.generated_files': '# generated\nfile-prefix zz_generated.\npath-prefix vendor/\nfile-name gen.pb.go\n' },
    files: { 'pkg/zz_generated.deepcopy.go': lines(600), 'vendor/x/y.go': lines(600), 'api/gen.pb.go': lines(600), 'main.go': lines(12) }, want: ['size/S'], writes: 1,
  },
  {
    name: 'paths-from-repo lists more generated paths', repoFiles: { '.generated_files': 'paths-from-repo hack/generated.txt\n', 'hack/generated.txt': 'docs/big.md\n' },
    files: { 'docs/big.md': lines(700), 'a.go': lines(35) }, want: ['size/M'], writes: 1,
  },
  {
    name: 'linguist-generated files in .gitattributes are not counted', repoFiles: { '.gitattributes': '*.pb.go linguist-generated=true\nclient/** linguist-generated=true\n' },
    files: { 'x/y.pb.go': lines(200), 'client/a/b.go': lines(200), 'z.go': lines(101) }, want: ['size/L'], writes: 1,
  },
  { name: 'closed and labeled actions are ignored', action: 'labeled', files: { a: lines(3) }, want: [], writes: 0 },
];

describe('size', () => {
  let w: World;
  before(async () => {
    w = await startWorld();
  });
  after(() => w.close());

  for (const c of cases) {
    it(c.name, async () => {
      await w.gh.reset(seed({
        isPR: true, labels: c.had ?? [], repoFiles: { 'README.md': 'hi\n', ...(c.repoFiles ?? {}) }, files: c.files,
        repoLabels: ['size/XS', 'size/S', 'size/M', 'size/L', 'size/XL', 'size/XXL', 'kind/bug'],
      }));
      const e = typedOf(await pullRequestDelivery(w.gh, c.action ?? 'opened'), 'pullRequest');
      w.gh.clearCalls();
      await handleSize(w.client, log, DEFAULT_SIZES, e);
      await handleSize(w.client, log, DEFAULT_SIZES, e); // redelivery
      assert.deepEqual([...w.gh.labels(REPO, 1)].sort(), [...c.want].sort());
      assert.equal(writes(w.gh).length, c.writes, writes(w.gh).join('\n'));
    });
  }

  it('reads the config files at the base SHA', async () => {
    await w.gh.reset(seed({ isPR: true, files: { a: lines(3) }, repoLabels: ['size/XS'] }));
    const e = typedOf(await pullRequestDelivery(w.gh, 'synchronize'), 'pullRequest');
    w.gh.clearCalls();
    await handleSize(w.client, log, DEFAULT_SIZES, e);
    const gets = w.gh.calls({ route: '/repos/{owner}/{repo}/contents/{path}' });
    assert.deepEqual(gets.map((g) => g.path), ['/repos/org/repo/contents/.generated_files', '/repos/org/repo/contents/.gitattributes']);
    assert.ok(gets.every((g) => g.query.includes(`ref=${e.pullRequest.base.sha}`)), gets.map((g) => g.query).join(' '));
  });
});

describe('size: buckets and config', () => {
  it('uses the thresholds as lower bounds', () => {
    const s = DEFAULT_SIZES;
    assert.deepEqual([0, 9, 10, 29, 30, 99, 100, 499, 500, 999, 1000].map((n) => sizeLabel(n, s)),
      ['size/XS', 'size/XS', 'size/S', 'size/S', 'size/M', 'size/M', 'size/L', 'size/L', 'size/XL', 'size/XL', 'size/XXL']);
  });
  it('a zero threshold falls back to its default', () => {
    assert.deepEqual(sizesOrDefault({ s: 0, m: 50, l: 0, xl: 0, xxl: 2000 }), { s: 10, m: 50, l: 100, xl: 500, xxl: 2000 });
  });
});

describe('size: generated files', () => {
  it('parses .generated_files and reports a bad line with its number', () => {
    const g = new GeneratedFiles();
    assert.throws(() => g.load('file-name a.go\n\nbogus line here\n'), (err: unknown) => err instanceof GeneratedFilesParseError && err.line === 3);
    assert.equal(g.match('x/a.go'), true, 'lines before the bad one still count');
  });
  it('matches gitattributes patterns like git', () => {
    const l = new LinguistGenerated();
    l.load('*.gen.go linguist-generated=true\n/root.txt linguist-generated=true\napi/**/zz_*.go linguist-generated=true\nkeep.go -diff\n');
    assert.equal(l.match('a/b/c.gen.go'), true);
    assert.equal(l.match('root.txt'), true);
    assert.equal(l.match('sub/root.txt'), false);
    assert.equal(l.match('api/v1/zz_gen.go'), true);
    assert.equal(l.match('api/v1/x/zz_gen.go'), true);
    assert.equal(l.match('other/v1/zz_gen.go'), false);
    assert.equal(l.match('keep.go'), false);
  });
});
