// Malformed signed payloads produce no event: each handled event kind's fields that plugins read are
// checked for their JSON type before a plugin sees the event (src/github/event-validation.ts).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { validateEventPayload } from '../../src/github/event-validation.js';
import { demuxEvent } from '../../src/github/events.js';

interface ExampleSet {
  name: string;
  examples: Record<string, any>[];
}
const sets = createRequire(import.meta.url)('@octokit/webhooks-examples') as ExampleSet[];

function example(event: string, action?: string): Record<string, any> {
  const found = sets.find((s) => s.name === event)?.examples.find((p) => action === undefined || p.action === action);
  assert.ok(found, `no ${event}/${action ?? '-'} example`);
  return structuredClone(found);
}

describe('event payload validation', () => {
  it('accepts every one of GitHub\'s 329 example payloads', () => {
    let n = 0;
    for (const set of sets) {
      for (const p of set.examples) {
        n++;
        assert.equal(validateEventPayload(set.name, p), undefined, `${set.name}/${p.action ?? '-'}`);
      }
    }
    assert.equal(n, 329);
  });

  const cases: { name: string; event: string; action?: string; damage: (p: Record<string, any>) => void; field: string; message: RegExp }[] = [
    { name: 'a push whose repository.name is a number', event: 'push', damage: (p) => (p.repository.name = 42), field: 'repository.name', message: /field repository\.name is number, not string/ },
    { name: 'a pull_request_review without review', event: 'pull_request_review', action: 'submitted', damage: (p) => delete p.review, field: 'review.state', message: /lacks review\.state/ },
    { name: 'a review whose state is null', event: 'pull_request_review', action: 'submitted', damage: (p) => (p.review.state = null), field: 'review.state', message: /lacks review\.state/ },
    { name: 'a push whose commits[0].added holds a number', event: 'push', damage: (p) => (p.commits[0] = { ...p.commits[0], added: [7] }), field: 'commits[0].added[0]', message: /commits\[0\]\.added\[0\] is number/ },
    { name: 'an issue comment whose body is an object', event: 'issue_comment', action: 'created', damage: (p) => (p.comment.body = {}), field: 'comment.body', message: /comment\.body is object, not string or null/ },
    { name: 'an issue whose number is a string', event: 'issues', action: 'opened', damage: (p) => (p.issue.number = '1'), field: 'issue.number', message: /issue\.number is string, not number/ },
    { name: 'a pull request whose user.login is a number', event: 'pull_request', action: 'opened', damage: (p) => (p.pull_request.user.login = 1), field: 'pull_request.user.login', message: /user\.login is number/ },
    { name: 'a pull request whose assignees is an object', event: 'pull_request', action: 'opened', damage: (p) => (p.pull_request.assignees = {}), field: 'pull_request.assignees', message: /assignees is object, not array or null/ },
    { name: 'a pull request whose labels[0].name is true', event: 'pull_request', action: 'opened', damage: (p) => (p.pull_request.labels = [{ name: true }]), field: 'pull_request.labels[0].name', message: /labels\[0\]\.name is boolean/ },
    { name: 'a status whose sha is missing', event: 'status', damage: (p) => delete p.sha, field: 'sha', message: /lacks sha/ },
    { name: 'a labeled issue whose label is a string', event: 'issues', action: 'labeled', damage: (p) => (p.label = 'bug'), field: 'label', message: /field label is string, not object or null/ },
  ];
  for (const c of cases) {
    it(`${c.name}: no event, one warning naming ${c.field}`, () => {
      const p = example(c.event, c.action);
      c.damage(p);
      const warnings: [Record<string, unknown>, string][] = [];
      const log = { warn: (o: Record<string, unknown>, m: string) => warnings.push([o, m]), debug: () => undefined, info: () => undefined };
      const d = demuxEvent(c.event, 'd-1', p, log as unknown as Parameters<typeof demuxEvent>[3]);
      assert.equal(d.typed, undefined);
      assert.equal(d.generic, undefined);
      assert.equal(warnings.length, 1);
      assert.equal(warnings[0]![0].field, c.field);
      assert.match(warnings[0]![1], c.message);
      assert.match(warnings[0]![1], /no plugin handles it$/);
    });
  }

  it('leaves optional fields alone when absent or null, and ignores event types hook does not handle', () => {
    const p = example('pull_request', 'opened');
    p.pull_request.user = null;
    delete p.pull_request.draft;
    p.pull_request.body = null;
    assert.equal(validateEventPayload('pull_request', p), undefined);
    assert.equal(validateEventPayload('star', { repository: 5 }), undefined);
  });
});
