// The npm package: only what runs ships (bin, the built dist/, examples, docs), the built command imports
// nothing outside `dependencies`, and `prow up` run from another directory finds the packaged examples.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { spawnProw, type CliProcess } from '../support/spawn-cli.js';

const exec = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; files?: string[] };

describe('the npm package', () => {
  const children: CliProcess[] = [];
  const dirs: string[] = [];
  after(() => {
    for (const c of children) c.kill();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('packs bin, dist, examples and docs, and no sources, tests or benchmarks', async () => {
    await exec(process.execPath, [join(root, 'bin/prow'), '--version'], { cwd: root }); // builds dist/ when stale
    const npm = process.env['npm_execpath'];
    const { stdout } = npm?.endsWith('.js')
      ? await exec(process.execPath, [npm, 'pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root })
      : await exec('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root });
    const files = (JSON.parse(stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    assert.deepEqual(files.filter((f) => /^(src|test|bench|scripts|deploy)\//.test(f)), []);
    for (const want of ['bin/prow', 'dist/prow.js', 'dist/web/job.js', 'dist/web/list.js', 'dist/web/deck.css', 'examples/config.yaml', 'examples/jobs/demo/demo-jobs.yaml', 'examples/payloads/issue_comment-test-all.json', 'README.md']) {
      assert.ok(files.includes(want), `${want} is in the package`);
    }
  });

  it('the built command imports only dependencies (esbuild only where deck runs from sources)', () => {
    const bundle = readFileSync(join(root, 'dist/prow.js'), 'utf8');
    const staticImports = new Set([...bundle.matchAll(/^import\b[^;]*?from\s*"([^".][^"]*)"/gm)].map((m) => m[1]!));
    const packages = [...staticImports].filter((s) => !s.startsWith('node:')).map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!));
    assert.ok(packages.length > 5, 'the bundle keeps packages external');
    assert.deepEqual([...new Set(packages)].filter((p) => !(p in pkg.dependencies)), []);
  });

  it('prow up from another directory runs the packaged examples', { timeout: 120_000 }, async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'prow-elsewhere-'));
    dirs.push(cwd);
    const up = spawnProw(['up', '--log-format', 'text', '--data-dir', join(cwd, 'data'), '--hook-port', '0', '--deck-port', '0', '--fake-github-port', '0'], { cwd });
    children.push(up);
    await up.waitFor(/Try it:.*\n.*phony/, 'the banner', 90_000);
    assert.match(up.stdout(), /prow up: demo mode/);
    assert.ok(up.stdout().includes(`prow phony --address`), up.stdout());
    assert.ok(up.stdout().includes(join(root, 'examples', 'payloads', 'issue_comment-test-all.json')), 'the payload path works from here');
    assert.equal(await up.stop(), 0);
  });
});
