// The Dockerfile's structure, read as docker reads it (no container engine runs here, so the image itself is
// not built by the tests; docs/deploy.md says so): the stages, what the runtime stage holds, who it runs as,
// its entrypoint, and that every file it copies from the build context exists and is not ignored.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { basename, join } from 'node:path';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Runs a command; resolves with its stdout, rejects with its stderr. */
function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 120_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout)));
  });
}

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

interface Stage {
  base: string;
  name: string | undefined;
  instructions: Instruction[];
}

/** Instructions with continuation lines joined and comments dropped; each with its first line number. */
function parseDockerfile(text: string): { args: Map<string, string>; stages: Stage[] } {
  const instructions: Instruction[] = [];
  let pending: Instruction | undefined;
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (pending === undefined && (line === '' || line.startsWith('#'))) continue;
    if (pending !== undefined && line.startsWith('#')) continue;
    const continued = line.endsWith('\\');
    const body = continued ? line.slice(0, -1).trim() : line;
    if (pending === undefined) {
      const m = /^([A-Za-z]+)\s+(.*)$/.exec(body);
      assert.ok(m, `Dockerfile:${i + 1}: not an instruction: ${raw}`);
      pending = { keyword: m[1]!.toUpperCase(), args: m[2]!, line: i + 1 };
    } else {
      pending.args = `${pending.args} ${body}`.trim();
    }
    if (!continued) {
      instructions.push(pending);
      pending = undefined;
    }
  }
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      assert.ok(m, `Dockerfile:${ins.line}: FROM ${ins.args}`);
      const base = m[1]!.replace(/^\$\{(\w+)\}$/, (_, name: string) => args.get(name) ?? `\${${name}}`);
      stages.push({ base, name: m[2], instructions: [] });
    } else if (stages.length === 0 && ins.keyword === 'ARG') {
      const [name, value] = ins.args.split('=');
      args.set(name!, value ?? '');
    } else {
      assert.ok(stages.length > 0, `Dockerfile:${ins.line}: ${ins.keyword} before the first FROM`);
      stages.at(-1)!.instructions.push(ins);
    }
  }
  return { args, stages };
}

const runs = (stage: Stage): string[] => stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
const copies = (stage: Stage): { from: string | undefined; sources: string[]; dest: string }[] =>
  stage.instructions.filter((i) => i.keyword === 'COPY').map((i) => {
    const words = i.args.split(/\s+/);
    const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
    const paths = words.filter((w) => !w.startsWith('--'));
    return { from, sources: paths.slice(0, -1), dest: paths.at(-1)! };
  });

/** .dockerignore patterns (top-level names and simple `*` globs, the only forms ours uses). */
function ignoredBy(patterns: readonly string[], path: string): string | undefined {
  const top = path.replace(/^\.\//, '').replace(/\/$/, '').split('/')[0]!;
  return patterns.find((p) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`).test(top));
}

describe('Dockerfile', () => {
  const { stages } = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
  const runtime = stages.at(-1)!;
  const named = (name: string): Stage | undefined => stages.find((s) => s.name === name);

  it('builds in stages from a Node 24 image: npm ci and the bundle in one, production dependencies in another', () => {
    assert.ok(stages.length >= 2, 'multi-stage');
    for (const s of stages) assert.match(s.base, /^node:24[.-]/, `stage ${s.name ?? '?'} is based on Node 24`);
    const build = stages.find((s) => runs(s).some((r) => /\bnode scripts\/build\.mjs\b/.test(r)));
    assert.ok(build, 'a stage runs node scripts/build.mjs');
    assert.ok(runs(build).some((r) => /\bnpm ci\b/.test(r) && !r.includes('--omit=dev')), 'the build stage installs dev dependencies (esbuild)');
    const modules = copies(runtime).find((c) => c.sources.some((s) => /node_modules\/?$/.test(s)));
    assert.ok(modules?.from, 'the runtime stage copies node_modules from another stage');
    const deps = named(modules.from);
    assert.ok(deps, `stage ${modules.from}`);
    assert.ok(runs(deps).some((r) => /\bnpm ci\b[^&]*--omit=dev/.test(r)), `stage ${modules.from} installs with npm ci --omit=dev`);
    assert.ok(!runs(deps).some((r) => /\bnpm (ci|install)\b/.test(r) && !r.includes('--omit=dev')), `stage ${modules.from} installs nothing else`);
  });

  it('the runtime stage holds no dev dependencies, no sources and no compilers', () => {
    for (const r of runs(runtime)) {
      assert.doesNotMatch(r, /\bnpm (ci|install|i)\b/, 'the runtime stage installs no packages with npm');
      assert.doesNotMatch(r, /\b(g\+\+|gcc|make|python3)\b/, 'no compilers in the runtime image');
    }
    for (const c of copies(runtime)) {
      if (c.from !== undefined) assert.ok(named(c.from), `COPY --from=${c.from}: no such stage`);
      if (c.from !== undefined && c.sources.some((s) => s.includes('node_modules'))) {
        assert.notEqual(named(c.from), stages.find((s) => runs(s).some((r) => /\bnode scripts\/build\.mjs\b/.test(r))), 'node_modules of the build stage carry dev dependencies');
      }
      // bin/prow rebuilds dist/ when it finds src/ and scripts/build.mjs beside it: the image must not have them.
      for (const s of c.sources) assert.doesNotMatch(s, /^(src|scripts)\/?$/, `the runtime stage copies ${s}`);
    }
    const copied = copies(runtime).flatMap((c) => c.sources.map((s) => `${c.from ?? 'context'}:${s.replace(/\/$/, '')}`));
    for (const want of ['context:package.json', 'context:bin', 'context:examples']) assert.ok(copied.includes(want), `${want} in ${copied.join(', ')}`);
    assert.ok(copied.some((c) => /^\w+:\/src\/dist$/.test(c)), 'the bundle (dist/) from the build stage');
  });

  it('installs git (clonerefs and tide clone with it) and an init, runs as a non-root user, and has prow as its entrypoint', () => {
    const installs = runs(runtime).filter((r) => r.includes('apt-get install')).join(' ');
    assert.match(installs, /\bgit\b/);
    assert.match(installs, /\btini\b/);
    const users = runtime.instructions.filter((i) => i.keyword === 'USER');
    assert.equal(users.length, 1);
    const [user] = users[0]!.args.split(':');
    assert.match(user!, /^\d+$/, 'a numeric user, which runAsNonRoot can check');
    assert.notEqual(Number(user), 0);
    const entrypoints = runtime.instructions.filter((i) => i.keyword === 'ENTRYPOINT');
    assert.equal(entrypoints.length, 1);
    assert.deepEqual(JSON.parse(entrypoints[0]!.args) as string[], ['/usr/bin/tini', '--', 'prow'], 'exec form: tini is PID 1 and forwards signals to prow');
    assert.ok(runs(runtime).some((r) => /ln -s \/app\/bin\/prow \/usr\/local\/bin\/prow/.test(r)), 'prow is on PATH');
  });

  it("the runtime stage's files are enough: prow runs from exactly what it copies, without src/", async (t) => {
    // The built bundle, as the build stage makes it (bin/prow rebuilds dist/ here when the sources changed).
    await run(process.execPath, [join(ROOT, 'bin', 'prow'), '--version']);
    const app = mkdtempSync(join(tmpdir(), 'image-app-'));
    t.after(() => rmSync(app, { recursive: true, force: true }));
    for (const c of copies(runtime)) {
      for (const s of c.sources) {
        if (c.from === undefined) cpSync(join(ROOT, s), join(app, c.dest, s.endsWith('/') ? '' : basename(s)), { recursive: true });
        else if (s === '/src/dist') cpSync(join(ROOT, 'dist'), join(app, 'dist'), { recursive: true });
        else if (/node_modules$/.test(s)) symlinkSync(join(ROOT, 'node_modules'), join(app, 'node_modules'));
        else assert.fail(`COPY --from=${c.from} ${s}: the test does not know how to stand in for it`);
      }
    }
    assert.ok(!existsSync(join(app, 'src')));
    const version = await run(process.execPath, [join(app, 'bin', 'prow'), '--version']);
    assert.equal(version.trim(), (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
    const ex = join(app, 'examples');
    const checked = await run(process.execPath, [join(app, 'bin', 'prow'), 'checkconfig', '--config-path', join(ex, 'config.yaml'), '--job-config-path', join(ex, 'jobs'), '--plugin-config', join(ex, 'plugins.yaml')]);
    assert.match(checked, /presubmits, \d+ postsubmits, \d+ periodics in \d+ repos/);
    // What `npm ci --omit=dev` leaves out must not be needed: every package the bundle imports is one the
    // lockfile does not mark dev-only (a dependency, or one of theirs).
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
    const bundle = readFileSync(join(app, 'dist', 'prow.js'), 'utf8');
    const imported = new Set<string>();
    for (const m of bundle.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["']([@a-z0-9][\w.@/-]*)["']/g)) {
      const spec = m[1]!;
      if (spec.startsWith('node:')) continue;
      imported.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
    }
    assert.ok(imported.size > 5, `${imported.size} packages imported`);
    for (const name of imported) {
      const entry = lock.packages[`node_modules/${name}`];
      assert.ok(entry !== undefined && entry.dev !== true, `dist/prow.js imports ${name}, which npm ci --omit=dev does not install`);
    }
  });

  it('every file copied from the build context exists and is not excluded by .dockerignore', () => {
    const patterns = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
    let checked = 0;
    for (const stage of stages) {
      for (const c of copies(stage)) {
        if (c.from !== undefined) continue;
        for (const s of c.sources) {
          assert.ok(existsSync(join(ROOT, s)), `COPY ${s}: not in the repository`);
          assert.equal(ignoredBy(patterns, s), undefined, `COPY ${s}: excluded by .dockerignore`);
          checked++;
        }
      }
    }
    assert.ok(checked >= 5, `${checked} sources checked`);
    assert.equal(ignoredBy(patterns, 'node_modules'), 'node_modules', 'the host\'s node_modules stays out of the context');
    assert.equal(ignoredBy(patterns, 'dist'), 'dist', 'the host\'s dist/ stays out of the context');
  });
});
