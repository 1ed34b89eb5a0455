import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { globMatches } from '../../src/store/informer-query.js';
import { makeWorld, type World } from './support/world.js';

describe('deck job-name wildcards', () => {
  const cases: [string, string, boolean][] = [
    ['pull-a', 'pull-a', true],
    ['pull-a', 'pull-ab', false],
    ['pull-*', 'pull-a', true],
    ['*-b', 'pull-b', true],
    ['p*-d', 'pull-d', true],
    ['p*-d', 'pull-e', false],
    ['*a*b*', 'xaxbx', true],
    ['*a*b*', 'xbxax', false],
    ['ab*ba', 'aba', false],
    ['*', '', true],
  ];
  for (const [glob, text, want] of cases) {
    it(`${glob} ~ ${text || '(empty)'} is ${want}`, () => assert.equal(globMatches(glob, text), want));
  }

  it('a pathological pattern answers without backtracking', () => {
    // A backtracking regex takes seconds on this; the linear matcher answers at once (asserted by result only).
    assert.equal(globMatches('*a*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(5000)), false);
  });
});

describe('deck artifact paths', () => {
  let w: World;
  before(() => {
    w = makeWorld({});
  });
  after(() => w.close());

  it('answers 400, not 500, for a malformed percent-escape', async () => {
    const res = await w.app.request('/artifacts/logs/%E0%A4%A');
    assert.equal(res.status, 400);
    assert.match(await res.text(), /percent-encoding/);
  });

  it('does not list the whole artifact store for an empty view directory', async () => {
    await w.artifacts.put('logs/secret-job/1/build-log.txt', 'x');
    const res = await w.app.request('/view/local/prow-artifacts/');
    assert.equal(res.status, 404);
    assert.doesNotMatch(await res.text(), /secret-job/);
  });
});
