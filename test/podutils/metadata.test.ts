// started.json and finished.json byte for byte as upstream's pod utilities write them (Go json.Marshal of
// testgrid's metadata.Started/Finished: keys in struct order, omitempty, maps sorted, <>& escaped).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Refs } from '../../src/api/prowjob.js';
import type { CloneRecord } from '../../src/podutils/clone-record.js';
import { cloneFailedFinished, marshalFinished, marshalStarted, newFinished, newStarted } from '../../src/podutils/metadata.js';

const at = new Date('2023-11-14T22:13:20.900Z'); // 1700000000.9 s: truncated to whole seconds
const pr: Refs = { org: 'o', repo: 'r', base_ref: 'main', base_sha: 'base1', pulls: [{ number: 5, author: 'a', sha: 'head1' }] };

describe('started.json', () => {
  const cases: { name: string; refs?: Refs; extra?: Refs[]; records?: CloneRecord[]; want: string }[] = [
    {
      name: 'presubmit without clone records: the pull SHA is the version',
      refs: pr,
      want: '{"timestamp":1700000000,"pull":"5","repos":{"o/r":"main:base1,5:head1"},"repo-commit":"head1","repo-version":"head1"}',
    },
    {
      name: 'the clone record of the main refs gives the merged SHA',
      refs: pr,
      records: [{ refs: { org: '', repo: '' } }, { refs: { ...pr }, final_sha: 'merged1' }],
      want: '{"timestamp":1700000000,"pull":"5","repos":{"o/r":"main:base1,5:head1"},"repo-commit":"merged1","repo-version":"merged1"}',
    },
    {
      name: 'a record for other refs of the same repo does not count (upstream compares the whole refs)',
      refs: pr,
      records: [{ refs: { org: 'o', repo: 'r', base_ref: 'main' }, final_sha: 'other' }],
      want: '{"timestamp":1700000000,"pull":"5","repos":{"o/r":"main:base1,5:head1"},"repo-commit":"head1","repo-version":"head1"}',
    },
    {
      name: 'a periodic without refs has only a timestamp',
      want: '{"timestamp":1700000000}',
    },
    {
      name: 'extra refs: repos sorted by key, the first non-auxiliary extra refs is the main one',
      extra: [{ org: 'z', repo: 'tools', base_ref: 'dev', auxiliary: true }, { org: 'a', repo: 'b', base_ref: 'main', base_sha: 'sha2' }],
      want: '{"timestamp":1700000000,"repos":{"a/b":"main:sha2","z/tools":"dev"},"repo-commit":"sha2","repo-version":"sha2"}',
    },
    {
      name: 'a batch names its first pull, and strings escape <, > and & as Go does',
      refs: { org: 'o', repo: 'r', base_ref: 'a<b>&c', pulls: [{ number: 7, author: 'x', sha: 's7' }, { number: 8, author: 'y', sha: 's8' }] },
      want: '{"timestamp":1700000000,"pull":"7","repos":{"o/r":"a\\u003cb\\u003e\\u0026c,7:s7,8:s8"},"repo-commit":"s7","repo-version":"s7"}',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(marshalStarted(newStarted(c.refs, c.extra, c.records, at)), c.want);
    });
  }

  it('writes node and metadata in struct order when set', () => {
    const s = { timestamp: 1, node: 'n1', metadata: { z: 1, a: { y: 2, b: 3 } }, 'repo-commit': 'c' };
    assert.equal(marshalStarted(s), '{"timestamp":1,"node":"n1","repo-commit":"c","metadata":{"a":{"b":3,"y":2},"z":1}}');
  });
});

describe('finished.json', () => {
  const cases: { name: string; got: () => string; want: string }[] = [
    {
      name: 'passed, with the revision',
      got: () => marshalFinished(newFinished({ passed: true, aborted: false, revision: 'head1', at })),
      want: '{"timestamp":1700000000,"passed":true,"result":"SUCCESS","revision":"head1"}',
    },
    {
      name: 'failed, metadata between passed and result, keys sorted at every depth',
      got: () => marshalFinished(newFinished({ passed: false, aborted: false, metadata: { version: 'v1', links: { z: 'u', a: 'v' } }, revision: 'r', at })),
      want: '{"timestamp":1700000000,"passed":false,"metadata":{"links":{"a":"v","z":"u"},"version":"v1"},"result":"FAILURE","revision":"r"}',
    },
    {
      name: 'aborted; no revision without refs',
      got: () => marshalFinished(newFinished({ passed: false, aborted: true, at })),
      want: '{"timestamp":1700000000,"passed":false,"result":"ABORTED"}',
    },
    {
      name: "initupload's clone failure",
      got: () => marshalFinished(cloneFailedFinished(at)),
      want: '{"timestamp":1700000000,"passed":false,"result":"FAILURE"}',
    },
    {
      name: 'an empty metadata map is omitted, passed=false is kept (a pointer without omitempty)',
      got: () => marshalFinished({ passed: false, metadata: {} }),
      want: '{"passed":false}',
    },
  ];
  for (const c of cases) it(c.name, () => assert.equal(c.got(), c.want));
});
