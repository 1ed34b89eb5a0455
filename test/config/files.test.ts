import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { listJobConfigFiles } from '../../src/config/files.js';

const root = mkdtempSync(join(tmpdir(), 'prow-files-test-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

function list(files: Record<string, string>): string[] {
  const dir = join(root, `t${n++}`);
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), c);
  }
  return listJobConfigFiles(dir).map((f) => relative(dir, f));
}

describe('job config walk', () => {
  it('is recursive and lexical, reads only .yaml/.yml, skips ..-prefixed entries', () => {
    assert.deepEqual(list({
      'b.yaml': '', 'a/z.yml': '', 'a/b/c.yaml': '', 'c.json': '', 'README.md': '', '..data/x.yaml': '', '..hidden.yaml': '', 'A.yaml': '',
    }), ['A.yaml', 'a/b/c.yaml', 'a/z.yml', 'b.yaml']);
  });

  it('honours .prowignore like .gitignore, scoped to its directory', () => {
    assert.deepEqual(list({
      'keep.yaml': '',
      'gen/.prowignore': '# generated inputs\n*-input.yaml\n/top-only.yaml\ndeep/**/skip.yaml\nbuild/\n!keep-input.yaml\n',
      'gen/a-input.yaml': '',
      'gen/keep-input.yaml': '',
      'gen/sub/b-input.yaml': '',
      'gen/top-only.yaml': '',
      'gen/sub/top-only.yaml': '',
      'gen/deep/x/y/skip.yaml': '',
      'gen/deep/x/y/ok.yaml': '',
      'gen/build/j.yaml': '',
      'other/a-input.yaml': '',
    }), ['gen/deep/x/y/ok.yaml', 'gen/keep-input.yaml', 'gen/sub/top-only.yaml', 'keep.yaml', 'other/a-input.yaml']);
  });

  it('accepts a single file', () => {
    const dir = join(root, 'single');
    mkdirSync(dir);
    writeFileSync(join(dir, 'jobs.txt'), '');
    assert.deepEqual(listJobConfigFiles(join(dir, 'jobs.txt')), [join(dir, 'jobs.txt')]);
  });
});
