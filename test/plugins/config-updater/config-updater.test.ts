// config-updater (upstream pkg/plugins/updateconfig/updateconfig_test.go TestUpdateConfig and
// TestFilterChanges), through the registered plugin: the PR is merged on the fake GitHub, the
// `pull_request closed` delivery is demultiplexed as hook does, and the ConfigMaps land as files.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { configUpdaterPlugin, filterChanges } from '../../../src/plugins/config-updater/config-updater.js';
import { createFileConfigMapTarget } from '../../../src/plugins/config-updater/files-target.js';
import { zglobMatch } from '../../../src/plugins/config-updater/zglob.js';
import type { ConfigUpdaterConfig } from '../../../src/plugins/config-updater/config-updater-config.js';
import type { PullRequestFile } from '../../../src/github/types.js';
import { pluginContextFor } from '../../support/plugin-context.js';
import { snapshotFrom } from '../../support/config.js';
import { pluginsConfigFrom } from '../../support/config.js';
import { BOT, deliverTo, writes } from '../support/fixtures.js';
import { REPO, log, pullRequestDelivery, seed, startWorld, type World } from '../shared/fixtures.js';

// upstream's test maps
const MAPS = `config_updater:
  maps:
    prow/config.yaml:
      name: config
    prow/plugins.yaml:
      name: plugins
      key: test-key
    boskos/resources.yaml:
      name: boskos-config
      clusters:
        default: [boskos]
    config/foo.yaml:
      name: multikey-config
    config/bar.yaml:
      name: multikey-config
    dir/subdir/**/*.yaml:
      name: glob-config
`;
const NS = 'prow-ns';

describe('config-updater', () => {
  let w: World;
  let root: string;
  const roots: string[] = [];
  before(async () => {
    w = await startWorld();
  });
  after(async () => {
    await w.close();
  });

  /** Seeds org/repo with `old`, opens PR #1 changing `files`, merges it when `merge`, and delivers `closed`. */
  async function run(o: { old?: Record<string, string>; files: Record<string, string | null>; merge?: boolean; action?: string; base?: string; pluginsYaml?: string; root?: string }) {
    root = o.root ?? mkdtempSync(join(tmpdir(), 'config-updater-'));
    roots.push(root);
    await w.gh.reset({ ...seed({ isPR: true, files: o.files, repoFiles: { 'README.md': 'hi\n', ...(o.old ?? {}) } }) });
    if (o.merge ?? true) await w.client.mergePullRequest('org', 'repo', 1, { method: 'merge' });
    const d = await pullRequestDelivery(w.gh, o.action ?? 'closed');
    w.gh.clearCalls();
    const target = createFileConfigMapTarget({ dirs: {}, root, log });
    for (const redelivery of [false, true]) {
      const ctx = { ...pluginContextFor(w, { plugin: 'config-updater', snapshot: snapshotFrom({ config: `prowjob_namespace: ${NS}\n`, plugins: o.pluginsYaml ?? MAPS }), redelivery, withOwners: false }), configMaps: target };
      await deliverTo(configUpdaterPlugin, d, ctx);
    }
    const file = (ns: string, name: string, key: string): string | undefined => {
      const p = join(root, ns, name, key);
      return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
    };
    const calls = w.gh.calls().map((c) => c.route);
    const comments = w.gh.comments(REPO, 1).filter((c) => c.user === BOT).map((c) => c.body);
    const sha = (await w.client.getPullRequest('org', 'repo', 1)).mergeCommitSha;
    return { file, comments, sha, dir: root, calls };
  }
  after(() => {
    for (const r of roots) rmSync(r, { recursive: true, force: true });
  });

  it('an unmerged closed PR updates nothing and reads nothing', async () => {
    const r = await run({ files: { 'prow/config.yaml': 'new-config' }, merge: false });
    assert.equal(r.file(NS, 'config', 'config.yaml'), undefined);
    assert.deepEqual(r.calls, []);
  });

  it('an opened PR updates nothing', async () => {
    const r = await run({ files: { 'prow/config.yaml': 'new-config' }, merge: false, action: 'opened' });
    assert.equal(r.file(NS, 'config', 'config.yaml'), undefined);
  });

  it('a merged PR without mapped files reads its files and writes nothing', async () => {
    const r = await run({ files: { 'foo.txt': 'x' } });
    assert.deepEqual(r.comments, []);
    assert.deepEqual(writes(w.gh), []);
  });

  it('changed config.yaml: one ConfigMap, VERSION is the merge SHA, one comment (not two on a redelivery)', async () => {
    const r = await run({ old: { 'prow/config.yaml': 'old-config' }, files: { 'prow/config.yaml': 'new-config' } });
    assert.equal(r.file(NS, 'config', 'config.yaml'), 'new-config');
    assert.equal(r.file(NS, 'config', 'VERSION'), r.sha);
    assert.equal(r.comments.length, 1);
    assert.match(r.comments[0]!, /^@author: Updated the `config` configmap in namespace `prow-ns` at cluster `default` \(written to `[^`]+`\) using the following files:\n - key `config\.yaml` using file `prow\/config\.yaml`\n/);
  });

  it('a custom key, a custom namespace, and three ConfigMaps in one comment', async () => {
    const r = await run({ files: { 'prow/plugins.yaml': 'new-plugins', 'prow/config.yaml': 'new-config', 'boskos/resources.yaml': 'new-boskos-config' } });
    assert.equal(r.file(NS, 'plugins', 'test-key'), 'new-plugins');
    assert.equal(r.file(NS, 'config', 'config.yaml'), 'new-config');
    assert.equal(r.file('boskos', 'boskos-config', 'resources.yaml'), 'new-boskos-config');
    assert.match(r.comments[0]!, /Updated the following 3 configmaps:\n \* `boskos-config` configmap in namespace `boskos`/);
    assert.match(r.comments[0]!, /\n   - key `test-key` using file `prow\/plugins\.yaml`/);
  });

  it('two files into one ConfigMap; removing a file deletes its key', async () => {
    let r = await run({ files: { 'config/foo.yaml': 'new-foo', 'config/bar.yaml': 'new-bar' } });
    assert.equal(r.file(NS, 'multikey-config', 'foo.yaml'), 'new-foo');
    assert.equal(r.file(NS, 'multikey-config', 'bar.yaml'), 'new-bar');
    r = await run({ old: { 'config/foo.yaml': 'old-foo' }, files: { 'config/foo.yaml': null }, root: r.dir });
    assert.equal(r.file(NS, 'multikey-config', 'bar.yaml'), 'new-bar');
    assert.equal(r.file(NS, 'multikey-config', 'foo.yaml'), undefined);
    assert.match(r.comments[0]!, /- key `foo\.yaml` using file ``/);
  });

  it('a ** glob maps files at any depth', async () => {
    const r = await run({ files: { 'dir/subdir/fejtaverse/krzyzacy.yaml': 'new-krzyzacy', 'dir/subdir/fejta.yaml': 'new-fejta', 'dir/other.yaml': 'no' } });
    assert.equal(r.file(NS, 'glob-config', 'krzyzacy.yaml'), 'new-krzyzacy');
    assert.equal(r.file(NS, 'glob-config', 'fejta.yaml'), 'new-fejta');
    assert.equal(r.file(NS, 'glob-config', 'other.yaml'), undefined);
  });

  it('gzips every key when the section says so, except a map that says gzip: false', async () => {
    const r = await run({
      files: { 'prow/config.yaml': 'new-config', 'prow/plugins.yaml': 'new-plugins' },
      pluginsYaml: 'config_updater:\n  gzip: true\n  maps:\n    prow/config.yaml:\n      name: config\n    prow/plugins.yaml:\n      name: plugins\n      gzip: false\n',
    });
    assert.equal(gunzipSync(readFileSync(join(r.dir, NS, 'config', 'config.yaml'))).toString(), 'new-config');
    assert.equal(r.file(NS, 'plugins', 'plugins.yaml'), 'new-plugins');
  });

  it('denied_repos and allowed_repos decide whether a repo may update a ConfigMap', async () => {
    const r = await run({
      files: { 'prow/config.yaml': 'new-config', 'prow/plugins.yaml': 'new-plugins' },
      pluginsYaml: 'config_updater:\n  maps:\n    prow/config.yaml:\n      name: config\n      denied_repos: [org]\n    prow/plugins.yaml:\n      name: plugins\n      allowed_repos: [org/repo]\n',
    });
    assert.equal(r.file(NS, 'config', 'config.yaml'), undefined);
    assert.equal(r.file(NS, 'plugins', 'plugins.yaml'), 'new-plugins');
  });

  it('a ConfigMap in another build cluster is refused: that needs cluster mode', async () => {
    await assert.rejects(
      run({ files: { 'prow/config.yaml': 'new-config' }, pluginsYaml: 'config_updater:\n  maps:\n    prow/config.yaml:\n      name: config\n      clusters:\n        build01: [ns]\n' }),
      /build cluster build01: writing ConfigMaps in a cluster needs cluster mode/,
    );
  });

  it('the ConfigMaps Prow reads are the files it was started with', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'config-updater-dirs-'));
    try {
      const target = createFileConfigMapTarget({ dirs: { config: dir }, root: join(dir, 'other'), log });
      await target.apply({ name: 'config', namespace: 'x', cluster: 'default' }, [{ key: 'config.yaml', value: Buffer.from('a: 1\n') }], 'abc');
      assert.equal(readFileSync(join(dir, 'config.yaml'), 'utf8'), 'a: 1\n');
      assert.equal(readFileSync(join(dir, 'VERSION'), 'utf8'), 'abc');
      await assert.rejects(target.apply({ name: 'config', namespace: 'x', cluster: 'default' }, [{ key: '../escape', value: Buffer.from('') }], ''), /not a valid ConfigMap key/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('config-updater filterChanges (upstream TestFilterChanges cases)', () => {
  const cfg = (yaml: string): ConfigUpdaterConfig => (pluginsConfigFrom(yaml) as unknown as { config_updater: ConfigUpdaterConfig }).config_updater;
  const change = (filename: string, status: PullRequestFile['status'] = 'modified', previousFilename?: string): PullRequestFile =>
    ({ sha: '', filename, status, additions: 1, deletions: 0, changes: 1, ...(previousFilename ? { previousFilename } : {}) });
  const flat = (m: ReturnType<typeof filterChanges>) =>
    [...m.values()].map(({ id, updates }) => `${id.cluster}/${id.namespace}/${id.name}: ${updates.map((u) => `${u.key}${u.filename ? `<${u.filename}` : ' (delete)'}`).join(', ')}`).sort();

  it('a rename deletes the old key (basename keys)', () => {
    const c = cfg('config_updater:\n  maps:\n    dir/subdir/**/*.yaml:\n      name: glob-config\n');
    assert.deepEqual(flat(filterChanges(c, [change('dir/subdir/fejtaverse/fejtabot.yaml', 'renamed', 'dir/subdir/fejtaverse/krzyzacy.yaml')], 'ns', 'o/r')),
      ['default/ns/glob-config: krzyzacy.yaml (delete), fejtabot.yaml<dir/subdir/fejtaverse/fejtabot.yaml']);
  });
  it('use_full_path_as_key: keys are the path with / as -, and a rename deletes the old one', () => {
    const c = cfg('config_updater:\n  maps:\n    dir/subdir/**/*.yaml:\n      name: glob-config\n      use_full_path_as_key: true\n');
    assert.deepEqual(flat(filterChanges(c, [change('dir/subdir/fejtaverse/fejtabot.yaml', 'renamed', 'dir/subdir/fejtaverse/krzyzacy.yaml')], 'ns', 'o/r')),
      ['default/ns/glob-config: dir-subdir-fejtaverse-krzyzacy.yaml (delete), dir-subdir-fejtaverse-fejtabot.yaml<dir/subdir/fejtaverse/fejtabot.yaml']);
  });
  it('cluster_groups expand to each cluster and namespace', () => {
    const c = cfg('config_updater:\n  cluster_groups:\n    g:\n      clusters: [a, b]\n      namespaces: [n1, n2]\n  maps:\n    x.yaml:\n      name: cm\n      cluster_groups: [g]\n');
    assert.deepEqual(flat(filterChanges(c, [change('x.yaml')], 'ns', 'o/r')), ['a/n1/cm: x.yaml<x.yaml', 'a/n2/cm: x.yaml<x.yaml', 'b/n1/cm: x.yaml<x.yaml', 'b/n2/cm: x.yaml<x.yaml']);
  });
  it('partitioned_names spread keys by the first byte of their sha256', () => {
    const c = cfg('config_updater:\n  maps:\n    dir/**/*.yaml:\n      partitioned_names: [job-config-part-1, job-config-part-2]\n');
    // sha256("a.yaml") starts a4 (even) → part-1; sha256("d.yaml") starts 45 (odd) → part-2 (sha256sum)
    assert.deepEqual(flat(filterChanges(c, [change('dir/a.yaml'), change('dir/d.yaml')], 'ns', 'o/r')),
      ['default/ns/job-config-part-1: a.yaml<dir/a.yaml', 'default/ns/job-config-part-2: d.yaml<dir/d.yaml']);
  });
  it('zglob: ** spans zero or more directories, * stays in one', () => {
    assert.equal(zglobMatch('dir/**/*.yaml', 'dir/a.yaml'), true);
    assert.equal(zglobMatch('dir/**/*.yaml', 'dir/x/y/a.yaml'), true);
    assert.equal(zglobMatch('dir/*.yaml', 'dir/x/a.yaml'), false);
    assert.equal(zglobMatch('prow/{config,plugins}.yaml', 'prow/plugins.yaml'), true);
  });
});

describe('config_updater section', () => {
  const errs = (yaml: string): string => {
    try {
      pluginsConfigFrom(yaml);
      return '';
    } catch (err) {
      return (err as Error).message;
    }
  };
  it("defaults to upstream's two maps in cluster default", () => {
    const c = (pluginsConfigFrom('{}') as unknown as { config_updater: ConfigUpdaterConfig }).config_updater;
    assert.deepEqual(c.maps, { 'config/prow/config.yaml': { name: 'config', clusters: { default: [''] } }, 'config/prow/plugins.yaml': { name: 'plugins', clusters: { default: [''] } } });
  });
  it('rejects name with partitioned_names, clusters with cluster_groups, a missing group and a key fed by two files', () => {
    assert.match(errs('config_updater:\n  maps:\n    a.yaml:\n      name: x\n      partitioned_names: [y]\n'), /mutually exclusive/);
    assert.match(errs('config_updater:\n  cluster_groups:\n    g: {clusters: [c], namespaces: [n]}\n  maps:\n    a.yaml:\n      name: x\n      clusters: {c: [n]}\n      cluster_groups: [g]\n'), /both clusters and cluster_groups/);
    assert.match(errs('config_updater:\n  maps:\n    a.yaml:\n      name: x\n      cluster_groups: [nope]\n'), /cluster group "nope", which does not exist/);
    assert.match(errs('config_updater:\n  maps:\n    a/c.yaml:\n      name: x\n    b/c.yaml:\n      name: x\n'), /key c\.yaml in configmap x updated with more than one file/);
  });
});
