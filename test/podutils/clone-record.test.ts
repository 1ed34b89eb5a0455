// clone-records.json as clonerefs writes it (Go json.Marshal of []clone.Record) and clone-log.txt.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cloneFailed, formatCloneRecords, marshalCloneRecords, type CloneRecord } from '../../src/podutils/clone-record.js';

const records: CloneRecord[] = [
  { refs: { org: '', repo: '' } },
  {
    refs: { repo: 'r', org: 'o', base_ref: 'main', base_sha: 'b1', pulls: [{ sha: 's1', number: 1, author: 'a' }], path_alias: 'k8s.io/r' },
    commands: [{ command: 'git init', output: 'ok\n', duration: 1_500_000 }, { command: 'git fetch', output: '', error: 'boom', duration: 0 }],
    final_sha: 'f1',
    duration: 2_000_000_000,
  },
  { refs: { org: 'o', repo: 'x', base_ref: 'main' }, failed: true },
];

describe('clone records', () => {
  it('marshals records with refs in Go key order and empty fields omitted', () => {
    assert.equal(
      marshalCloneRecords(records),
      '[{"refs":{"org":"","repo":""}},'
        + '{"refs":{"org":"o","repo":"r","base_ref":"main","base_sha":"b1","pulls":[{"number":1,"author":"a","sha":"s1"}],"path_alias":"k8s.io/r"},'
        + '"commands":[{"command":"git init","output":"ok\\n","duration":1500000},{"command":"git fetch","error":"boom"}],"final_sha":"f1","duration":2000000000},'
        + '{"refs":{"org":"o","repo":"x","base_ref":"main"},"failed":true}]',
    );
  });

  it('a failed record fails the clone', () => {
    assert.equal(cloneFailed(records), true);
    assert.equal(cloneFailed(records.slice(0, 2)), false);
  });

  it('formats the clone log as upstream FormatRecord', () => {
    assert.equal(
      formatCloneRecords(records),
      'Environment setup\n# Final SHA: \n# Total runtime: 0s\n'
        + '# Cloning o/r at main(b1)\n# Checking out pulls:\n#\t1(s1)\n$ git init (runtime: 1.500ms)\nok\n$ git fetch\n# Error: boom\n# Final SHA: f1\n# Total runtime: 2.000000s\n'
        + '# FAILED\n# Cloning o/x at main\n# Final SHA: \n# Total runtime: 0s\n',
    );
  });
});
