// golint (upstream pkg/plugins/golint/golint_test.go): `/lint` through the registered plugin against the
// fake GitHub, with a linter command (a script standing in for golint, and Go's own `go vet` when a Go
// toolchain is installed), plus upstream's TestAddedLines cases.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { addedLines, COMMENT_TAG, golintPlugin, linterCommand, parseLintOutput } from '../../../src/plugins/golint/golint.js';
import { pluginContextFor } from '../../support/plugin-context.js';
import { snapshotFrom } from '../../support/config.js';
import { deliverTo, writes } from '../support/fixtures.js';
import { REPO, commentDelivery, seed, startWorld, type World } from '../shared/fixtures.js';

const GO_A = 'package a\n\nfunc Foo() {}\n\nfunc Bar() {}\n';
let w: World;
let dir: string;
let fakeLint: string;
before(async () => {
  w = await startWorld();
  dir = mkdtempSync(join(tmpdir(), 'golint-test-'));
  fakeLint = join(dir, 'fake-golint');
  // like golint: one line per problem, `file:line:col: text`, for every exported func
  writeFileSync(fakeLint, '#!/bin/sh\nfor f in "$@"; do case "$f" in -*) ;; *) grep -n "^func [A-Z]" "$f" | while IFS=: read n rest; do echo "$f:$n:1: exported function should have comment or be unexported"; done;; esac; done\n');
  chmodSync(fakeLint, 0o755);
});
after(async () => {
  await w.close();
  rmSync(dir, { recursive: true, force: true });
});

async function lint(o: { files: Record<string, string | null>; repoFiles?: Record<string, string>; body?: string; plugins?: string; state?: 'open' | 'closed' }) {
  await w.gh.reset(seed({ isPR: true, files: o.files, state: o.state ?? 'open', ...(o.repoFiles ? { repoFiles: o.repoFiles } : {}) }));
  const d = await commentDelivery(w.gh, 'rando', o.body ?? '/lint');
  w.gh.clearCalls();
  const snapshot = snapshotFrom({ plugins: o.plugins ?? `golint:\n  command: [${fakeLint}]\n` });
  for (const redelivery of [false, true]) await deliverTo(golintPlugin, d, pluginContextFor(w, { plugin: 'golint', snapshot, redelivery, withOwners: false }));
  return { reviews: w.gh.reviews(REPO, 1), comments: await w.client.listReviewComments('org', 'repo', 1) };
}

describe('golint /lint', () => {
  it('comments on problems in added lines of changed go files, once for a redelivery', async () => {
    const r = await lint({ files: { 'pkg/a.go': GO_A, 'vendor/v/v.go': GO_A, 'README.md': 'x\n' } });
    assert.equal(r.reviews.length, 1);
    assert.match(r.reviews[0]!.body, /^@rando: 2 warnings\./);
    assert.deepEqual(r.comments.map((c) => [c.path, c.line, c.body]), [
      ['pkg/a.go', 3, `Golint: exported function should have comment or be unexported. ${COMMENT_TAG}`],
      ['pkg/a.go', 5, `Golint: exported function should have comment or be unexported. ${COMMENT_TAG}`],
    ]);
    assert.equal(writes(w.gh).length, 1);
  });

  it('only problems on lines the PR adds', async () => {
    const r = await lint({ repoFiles: { 'a.go': 'package a\n\nfunc Foo() {}\n' }, files: { 'a.go': 'package a\n\nfunc Foo() {}\n\nfunc Baz() {}\n' } });
    assert.deepEqual(r.comments.map((c) => c.line), [5]);
    assert.match(r.reviews[0]!.body, /1 warning\./);
  });

  it('generated files, removed files and non-go files are not linted', async () => {
    const r = await lint({
      repoFiles: { '.generated_files': 'file-name zz_generated.go\n', 'old.go': GO_A },
      files: { 'zz_generated.go': GO_A, 'old.go': null, 'doc.md': 'x' },
    });
    assert.equal(r.reviews.length, 0);
  });

  it('ignores other comments, closed PRs and issues', async () => {
    assert.equal((await lint({ files: { 'a.go': GO_A }, body: '/lint please' })).reviews.length, 0);
    assert.equal((await lint({ files: { 'a.go': GO_A }, state: 'closed' })).reviews.length, 0);
  });

  it('a linter that cannot run is an error naming the command', async () => {
    await assert.rejects(lint({ files: { 'a.go': GO_A }, plugins: 'golint:\n  command: [/nonexistent/golint]\n' }), /golint: cannot run \/nonexistent\/golint/);
  });

  let hasGo = false;
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    hasGo = true;
  } catch {
    hasGo = false;
  }
  it('with Go installed: `go vet` as the linter reports a Printf mistake on its line', { skip: hasGo ? false : 'no Go toolchain on PATH (Debian: apt-get install golang-go)' }, async () => {
    const src = 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Printf("%d\\n", "x")\n}\n';
    const r = await lint({ files: { 'cmd/main.go': src }, plugins: 'golint:\n  command: [go, vet]\n' });
    assert.deepEqual(r.comments.map((c) => [c.path, c.line]), [['cmd/main.go', 6]]);
    assert.match(r.comments[0]!.body, /fmt\.Printf format %d has arg "x" of wrong type string/);
  });
});

describe('golint helpers', () => {
  it('runs golint at the minimum confidence unless a command is configured', () => {
    assert.deepEqual(linterCommand({}), ['golint', '-min_confidence=0.8']);
    assert.deepEqual(linterCommand({ minimum_confidence: 0.3 }), ['golint', '-min_confidence=0.3']);
    assert.deepEqual(linterCommand({ command: ['staticcheck'] }), ['staticcheck']);
  });
  it('parses file:line[:col]: text lines and skips the rest', () => {
    assert.deepEqual(parseLintOutput('# command-line-arguments\n./a.go:6:2: bad thing\nb.go:3: other\nnoise'), [
      { file: 'a.go', line: 6, text: 'bad thing' }, { file: 'b.go', line: 3, text: 'other' },
    ]);
  });
  // upstream TestAddedLines (its maps are patch position → file line, as here)
  const LONG = "@@ -29,12 +29,14 @@ import (\n \t\"github.com/sirupsen/logrus\"\n \t\"sigs.k8s.io/yaml\"\n \n+\t\"sigs.k8s.io/prow/pkg/config\"\n \t\"sigs.k8s.io/prow/pkg/jenkins\"\n \t\"sigs.k8s.io/prow/pkg/kube\"\n \t\"sigs.k8s.io/prow/pkg/plank\"\n )\n \n var (\n+\tconfigPath   = flag.String(\"config-path\", \"/etc/config/config\", \"Path to config.yaml.\")\n \tbuildCluster = flag.String(\"build-cluster\", \"\", \"Path to file containing a YAML-marshalled kube.Cluster object. If empty, uses the local cluster.\")\n \n \tjenkinsURL       = flag.String(\"jenkins-url\", \"\", \"Jenkins URL\")\n@@ -47,18 +49,22 @@ var objReg = regexp.MustCompile(`^[\\w-]+$`)\n \n func main() {\n \tflag.Parse()\n-\n \tlogrus.SetFormatter(&logrus.JSONFormatter{})\n \n-\tkc, err := kube.NewClientInCluster(kube.ProwNamespace)\n+\tconfigAgent := &config.Agent{}\n+\tif err := configAgent.Start(*configPath); err != nil {\n+\t\tlogrus.WithError(err).Fatal(\"Error starting config agent.\")\n+\t}\n+\n+\tkc, err := kube.NewClientInCluster(configAgent.Config().ProwJobNamespace)\n \tif err != nil {\n \t\tlogrus.WithError(err).Fatal(\"Error getting client.\")\n \t}\n \tvar pkc *kube.Client\n \tif *buildCluster == \"\" {\n-\t\tpkc = kc.Namespace(kube.TestPodNamespace)\n+\t\tpkc = kc.Namespace(configAgent.Config().PodNamespace)\n \t} else {\n-\t\tpkc, err = kube.NewClientFromFile(*buildCluster, kube.TestPodNamespace)\n+\t\tpkc, err = kube.NewClientFromFile(*buildCluster, configAgent.Config().PodNamespace)\n \t\tif err != nil {\n \t\t\tlogrus.WithError(err).Fatal(\"Error getting kube client to build cluster.\")\n \t\t}";
  const cases: Array<[string, string, Record<number, number>]> = [
    ['a new file', '@@ -0,0 +1,5 @@\n+package bar\n+\n+func Qux() error {\n+   return nil\n+}', { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5 }],
    ['two hunks with context and removals', LONG, { 4: 32, 11: 39, 23: 54, 24: 55, 25: 56, 26: 57, 27: 58, 28: 59, 35: 65, 38: 67 }],
    ['one removed line', '@@ -1 +0,0 @@\n-such', {}],
    ['three removed lines', '@@ -1,3 +0,0 @@\n-such\n-a\n-doge', {}],
    ['one added line', '@@ -0,0 +1 @@\n+wow', { 1: 1 }],
    ['no newline at the end', '@@ -0,0 +1 @@\n+wow\n\\ No newline at end of file', { 1: 1 }],
    ['a replaced line', '@@ -1 +1 @@\n-doge\n+wow', { 2: 1 }],
    ['an empty patch', '', {}],
  ];
  for (const [name, patch, want] of cases) {
    it(`addedLines: ${name}`, () => assert.deepEqual(Object.fromEntries(addedLines(patch)), Object.fromEntries(Object.entries(want).map(([pos, line]) => [line, Number(pos)]))));
  }
  it('validates minimum_confidence', () => {
    assert.throws(() => snapshotFrom({ plugins: 'golint:\n  minimum_confidence: 2\n' }), /plugins\.yaml:2: golint\.minimum_confidence: must be between 0 and 1/);
  });
});
