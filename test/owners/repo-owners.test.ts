// OWNERS parsing and lookups (upstream pkg/repoowners/repoowners.go) as table tests over trees.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OwnersParseError, parseAliases, parseOwnersFile } from '../../src/owners/parse.js';
import { buildRepoOwners, listIgnoredDirs } from '../../src/owners/repo-owners.js';

const tree = (files: Record<string, string>, opts: Parameters<typeof buildRepoOwners>[1] = {}) =>
  buildRepoOwners(new Map(Object.entries(files)), opts);
const sorted = (s: Set<string>): string[] => [...s].sort();

describe('parseOwnersFile', () => {
  const cases: { name: string; text: string; want: ReturnType<typeof parseOwnersFile> }[] = [
    {
      name: 'simple form with options',
      text: 'approvers: [Alice, "@Bob"]\nreviewers:\n- carol\nrequired_reviewers: [dave]\nlabels: [sig/foo]\noptions:\n  no_parent_owners: true\n',
      want: { options: { no_parent_owners: true }, filters: [{ pattern: null, entry: { approvers: ['Alice', '@Bob'], reviewers: ['carol'], required_reviewers: ['dave'], labels: ['sig/foo'] } }] },
    },
    {
      name: 'full form: .* is the whole directory, other keys are filters',
      text: 'options: {auto_approve_unowned_subfolders: true}\nfilters:\n  ".*":\n    approvers: [a]\n  "\\\\.go$":\n    reviewers: [b]\n',
      want: {
        options: { auto_approve_unowned_subfolders: true },
        filters: [
          { pattern: null, entry: { approvers: ['a'], reviewers: [], required_reviewers: [], labels: [] } },
          { pattern: '\\.go$', entry: { approvers: [], reviewers: ['b'], required_reviewers: [], labels: [] } },
        ],
      },
    },
    { name: 'empty file: no entries', text: '', want: { options: {}, filters: [] } },
    { name: 'not YAML: nothing', text: 'approvers: [a\n', want: undefined },
    { name: 'a list at the top: nothing', text: '- a\n- b\n', want: undefined },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(parseOwnersFile(c.text), c.want));
});

describe('parseAliases', () => {
  it('normalises names and members; a map lists members as keys; empty is an empty set', () => {
    const a = parseAliases('aliases:\n  Sig-Foo: [Alice, "@bob"]\n  flow: {carol: ~}\n  empty:\n');
    assert.deepEqual([...a.entries()].map(([k, v]) => [k, sorted(v)]), [['sig-foo', ['alice', 'bob']], ['flow', ['carol']], ['empty', []]]);
  });
  it('a scalar group is an error naming the alias', () => {
    assert.throws(() => parseAliases('aliases:\n  leads: alice\n'), (err: unknown) => err instanceof OwnersParseError && /alias group 'leads' must contain a list/.test(err.message));
  });
});

describe('lookups', () => {
  const repo = tree({
    OWNERS_ALIASES: 'aliases:\n  root-leads: [Root1, root2]\n',
    OWNERS: 'approvers: [root-leads]\nreviewers: [rootrev]\nlabels: [area/root]\n',
    'a/OWNERS': 'approvers: [alice]\nreviewers: [arev]\nrequired_reviewers: [areq]\nlabels: [area/a]\n',
    'a/b/OWNERS': 'approvers: [bob]\noptions:\n  no_parent_owners: true\n',
    'a/b/c/OWNERS': 'reviewers: [crev]\n',
    'f/OWNERS': 'filters:\n  "\\\\.go$":\n    approvers: [gopher]\n  ".*":\n    reviewers: [frev]\n',
    'vendor/x/y/OWNERS': 'approvers: [vendored]\n',
    'docs/README.md': '---\napprovers: [mdowner]\n---\n# hi\n',
  });
  const cases: { path: string; approvers: string[]; leaf: string[]; unit: string; reviewers: string[]; labels: string[]; required: string[] }[] = [
    { path: 'main.go', approvers: ['root1', 'root2'], leaf: ['root1', 'root2'], unit: '', reviewers: ['rootrev'], labels: ['area/root'], required: [] },
    { path: 'a/x.go', approvers: ['alice', 'root1', 'root2'], leaf: ['alice'], unit: 'a', reviewers: ['arev', 'rootrev'], labels: ['area/a', 'area/root'], required: ['areq'] },
    // no_parent_owners stops inheritance only once that kind of entry was collected (upstream).
    { path: 'a/b/x.go', approvers: ['bob'], leaf: ['bob'], unit: 'a/b', reviewers: ['arev', 'rootrev'], labels: ['area/a', 'area/root'], required: ['areq'] },
    { path: 'a/b/c/d.go', approvers: ['bob'], leaf: ['bob'], unit: 'a/b', reviewers: ['crev'], labels: ['area/a', 'area/root'], required: ['areq'] },
    // filters match the path relative to the OWNERS directory.
    { path: 'f/main.go', approvers: ['gopher', 'root1', 'root2'], leaf: ['gopher'], unit: 'f', reviewers: ['frev', 'rootrev'], labels: ['area/root'], required: [] },
    { path: 'f/README', approvers: ['root1', 'root2'], leaf: ['root1', 'root2'], unit: '', reviewers: ['frev', 'rootrev'], labels: ['area/root'], required: [] },
    // vendor/.*/.* is denied by default; markdown headers count only with mdyaml.
    { path: 'vendor/x/y/z.go', approvers: ['root1', 'root2'], leaf: ['root1', 'root2'], unit: '', reviewers: ['rootrev'], labels: ['area/root'], required: [] },
    { path: 'docs/README.md', approvers: ['root1', 'root2'], leaf: ['root1', 'root2'], unit: '', reviewers: ['rootrev'], labels: ['area/root'], required: [] },
  ];
  for (const c of cases) {
    it(c.path, () => {
      assert.deepEqual(sorted(repo.approvers(c.path)), c.approvers, 'approvers');
      assert.deepEqual(sorted(repo.leafApprovers(c.path)), c.leaf, 'leaf approvers');
      assert.equal(repo.findApproverOwnersForFile(c.path), c.unit, 'unit');
      assert.deepEqual(sorted(repo.reviewers(c.path)), c.reviewers, 'reviewers');
      assert.deepEqual(sorted(repo.labels(c.path)), c.labels, 'labels');
      assert.deepEqual(sorted(repo.requiredReviewers(c.path)), c.required, 'required reviewers');
    });
  }

  it('repo-wide views and options', () => {
    assert.deepEqual(sorted(repo.topLevelApprovers()), ['root1', 'root2']);
    assert.deepEqual(sorted(repo.allApprovers()), ['alice', 'bob', 'gopher', 'root1', 'root2']);
    assert.equal(repo.isNoParentOwners('a/b'), true);
    assert.equal(repo.isNoParentOwners('a'), false);
    assert.deepEqual(repo.ownersDirs(), ['', 'a', 'a/b', 'a/b/c', 'f']);
  });

  it('md-yaml headers own their file when enabled', () => {
    const md = tree({ OWNERS: 'approvers: [root]\n', 'docs/README.md': '---\napprovers: [MdOwner]\n---\n# hi\n' }, { mdYaml: true });
    assert.deepEqual(sorted(md.approvers('docs/README.md')), ['mdowner', 'root']);
    assert.equal(md.findApproverOwnersForFile('docs/README.md'), 'docs/README.md');
  });

  it('collaborator filtering keeps labels and required reviewers', () => {
    const filtered = repo.filterCollaborators(['Alice', 'root2']);
    assert.deepEqual(sorted(filtered.approvers('a/x.go')), ['alice', 'root2']);
    assert.deepEqual(sorted(filtered.reviewers('a/x.go')), []);
    assert.deepEqual(sorted(filtered.requiredReviewers('a/x.go')), ['areq']);
    assert.deepEqual(sorted(filtered.labels('a/x.go')), ['area/a', 'area/root']);
    assert.deepEqual(sorted(repo.approvers('a/x.go')), ['alice', 'root1', 'root2'], 'the original is unchanged');
  });

  it('owners_dir_denylist adds to the preconfigured defaults unless told not to', () => {
    assert.deepEqual(listIgnoredDirs({ default: ['^hack$'], repos: { org: ['^o$'], 'org/repo': ['^r$'] } }, 'org', 'repo'),
      ['^hack$', '^o$', '^r$', '\\.git$', '_output$', 'vendor/.*/.*']);
    assert.deepEqual(listIgnoredDirs({ ignore_preconfigured_defaults: true }, 'org', 'repo'), []);
    const t = tree({ OWNERS: 'approvers: [root]\n', 'hack/OWNERS': 'approvers: [h]\n' }, { dirDenylist: ['^hack$'] });
    assert.deepEqual(sorted(t.approvers('hack/x.sh')), ['root']);
  });
});
