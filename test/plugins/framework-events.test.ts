// Event demultiplexing (upstream pkg/hook/events.go; docs/hook.md "Dispatching") over GitHub's own example payloads.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { demuxEvent, generalizeCommentAction } from '../../src/github/events.js';

interface ExampleSet {
  name: string;
  examples: Record<string, unknown>[];
}
const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as ExampleSet[];

function example(event: string, action: string | undefined, pick: (p: Record<string, any>) => boolean = () => true): Record<string, any> {
  const set = examples.find((e) => e.name === event);
  const found = set?.examples.find((p) => (action === undefined || p.action === action) && pick(p));
  assert.ok(found, `no ${event}/${action ?? '-'} example`);
  return structuredClone(found) as Record<string, any>;
}

describe('generic comment action mapping', () => {
  const cases: [string, string | undefined][] = [
    ['created', 'created'], ['opened', 'created'], ['submitted', 'created'], ['edited', 'edited'],
    ['deleted', 'deleted'], ['dismissed', 'deleted'], ['closed', undefined], ['labeled', undefined], ['', undefined],
  ];
  for (const [from, to] of cases) it(`${from || '(empty)'} → ${to ?? 'none'}`, () => assert.equal(generalizeCommentAction(from), to));
});

describe('demuxEvent', () => {
  it('issue_comment on an issue: typed + generic with the comment as body and its author as actor', () => {
    const p = example('issue_comment', 'created');
    p.comment.body = '/hold';
    const { typed, generic } = demuxEvent('issue_comment', 'g1', p);
    assert.equal(typed?.kind, 'issueComment');
    assert.equal(typed?.org, 'Codertocat');
    assert.equal(typed?.repo, 'Hello-World');
    assert.ok(generic);
    assert.deepEqual(
      {
        kind: generic.kind, deliveryId: generic.deliveryId, eventType: generic.eventType, action: generic.action, isPR: generic.isPR, body: generic.body,
        user: generic.user, commentId: generic.commentId, number: generic.number, issueAuthor: generic.issueAuthor, htmlURL: generic.htmlURL,
        issueState: generic.issueState, issueHTMLURL: generic.issueHTMLURL, headSHA: generic.headSHA,
      },
      {
        kind: 'genericComment', deliveryId: 'g1', eventType: 'issue_comment', action: 'created', isPR: false, body: '/hold',
        user: p.comment.user.login, commentId: p.comment.id, number: p.issue.number, issueAuthor: p.issue.user.login, htmlURL: p.comment.html_url,
        issueState: p.issue.state, issueHTMLURL: p.issue.html_url, headSHA: undefined,
      },
    );
  });

  it('issue_comment on a PR sets isPR from the pull_request key', () => {
    const p = example('issue_comment', 'created');
    p.issue.pull_request = { url: 'https://api.github.com/repos/Codertocat/Hello-World/pulls/1' };
    const { typed, generic } = demuxEvent('issue_comment', 'g', p);
    assert.equal(typed?.kind === 'issueComment' && typed.isPR, true);
    assert.equal(generic?.isPR, true);
  });

  it('issue_comment deleted and edited stay comment-like', () => {
    assert.equal(demuxEvent('issue_comment', 'g', example('issue_comment', 'deleted')).generic?.action, 'deleted');
    assert.equal(demuxEvent('issue_comment', 'g', example('issue_comment', 'edited')).generic?.action, 'edited');
  });

  it('issues opened: the issue body with its author as actor', () => {
    const p = example('issues', 'opened');
    p.issue.body = '/assign';
    const { typed, generic } = demuxEvent('issues', 'g', p);
    assert.equal(typed?.kind, 'issue');
    assert.equal(generic?.action, 'created');
    assert.equal(generic?.body, '/assign');
    assert.equal(generic?.user, p.issue.user.login);
    assert.equal(generic?.commentId, undefined);
  });

  it('issues labeled: typed only, label name normalised', () => {
    const p = example('issues', 'labeled');
    const { typed, generic } = demuxEvent('issues', 'g', p);
    assert.equal(typed?.kind === 'issue' && typed.label, p.label.name);
    assert.equal(generic, undefined);
  });

  it('issues deleted is a generic delete; closed is not (the text is still there)', () => {
    assert.equal(demuxEvent('issues', 'g', example('issues', 'deleted')).generic?.action, 'deleted');
    const closed = example('issues', 'opened');
    closed.action = 'closed';
    assert.equal(demuxEvent('issues', 'g', closed).generic, undefined);
  });

  it('pull_request opened: PR body, author, head SHA, repo from base.repo', () => {
    const p = example('pull_request', 'opened');
    p.pull_request.base.repo.owner.login = 'base-org';
    p.pull_request.base.repo.name = 'base-repo';
    const { typed, generic } = demuxEvent('pull_request', 'g', p);
    assert.equal(typed?.kind, 'pullRequest');
    assert.equal(typed?.org, 'base-org');
    assert.equal(typed?.repo, 'base-repo');
    assert.equal(typed?.kind === 'pullRequest' && typed.headSHA, p.pull_request.head.sha);
    assert.equal(generic?.isPR, true);
    assert.equal(generic?.user, p.pull_request.user.login);
    assert.equal(generic?.headSHA, p.pull_request.head.sha);
    assert.equal(generic?.number, p.number);
  });

  it('pull_request synchronize, labeled, closed: typed only', () => {
    for (const action of ['synchronize', 'labeled', 'closed']) {
      const { typed, generic } = demuxEvent('pull_request', 'g', example('pull_request', action));
      assert.equal(typed?.kind, 'pullRequest', action);
      assert.equal(generic, undefined, action);
    }
    const labeled = demuxEvent('pull_request', 'g', example('pull_request', 'labeled')).typed;
    assert.ok(labeled?.kind === 'pullRequest' && labeled.label !== undefined);
  });

  it('pull_request_review submitted → created with the reviewer as actor; dismissed → deleted', () => {
    const p = example('pull_request_review', 'submitted');
    p.review.body = '/lgtm';
    const { typed, generic } = demuxEvent('pull_request_review', 'g', p);
    assert.equal(typed?.kind === 'review' && typed.reviewState, String(p.review.state).toLowerCase());
    assert.equal(generic?.action, 'created');
    assert.equal(generic?.body, '/lgtm');
    assert.equal(generic?.user, p.review.user.login);
    assert.equal(generic?.htmlURL, p.review.html_url);
    assert.equal(demuxEvent('pull_request_review', 'g', example('pull_request_review', 'dismissed')).generic?.action, 'deleted');
  });

  it('a review with a null body gives an empty generic body', () => {
    const p = example('pull_request_review', 'submitted');
    p.review.body = null;
    assert.equal(demuxEvent('pull_request_review', 'g', p).generic?.body, '');
  });

  it('pull_request_review_comment created: comment id and PR number', () => {
    const p = example('pull_request_review_comment', 'created');
    const { typed, generic } = demuxEvent('pull_request_review_comment', 'g', p);
    assert.equal(typed?.kind, 'reviewComment');
    assert.equal(generic?.commentId, p.comment.id);
    assert.equal(generic?.number, p.pull_request.number);
  });

  it('push: org from repository.owner.name, branch and changed files', () => {
    const p = example('push', undefined);
    p.ref = 'refs/heads/release/v1.14';
    p.repository.owner.name = 'owner-name';
    p.repository.owner.login = 'owner-login';
    p.commits = [{ added: ['a.txt'], removed: [], modified: ['hack.sh'] }, { added: [], removed: ['b'], modified: ['hack.sh'] }];
    const { typed, generic } = demuxEvent('push', 'g', p);
    assert.ok(typed?.kind === 'push');
    assert.equal(typed.org, 'owner-name');
    assert.equal(typed.branch, 'release/v1.14');
    assert.deepEqual(typed.changedFiles, ['a.txt', 'hack.sh', 'b']);
    assert.equal(generic, undefined);
  });

  it('status: sha, state, context', () => {
    const p = example('status', undefined);
    const { typed } = demuxEvent('status', 'g', p);
    assert.ok(typed?.kind === 'status');
    assert.equal(typed.sha, p.sha);
    assert.equal(typed.state, p.state);
    assert.equal(typed.context, p.context);
  });

  it('unknown events produce nothing', () => {
    for (const name of ['ping', 'create', 'check_run', 'workflow_run']) {
      assert.deepEqual(demuxEvent(name, 'g', example(name, undefined)), {});
    }
  });

  it('a known event without its repository produces nothing rather than a crash', () => {
    assert.deepEqual(demuxEvent('issue_comment', 'g', { action: 'created', comment: { body: '/hold' } }), {});
    assert.deepEqual(demuxEvent('pull_request', 'g', { action: 'opened' }), {});
  });

  it('every example payload demultiplexes without throwing', () => {
    let typed = 0;
    for (const set of examples) {
      for (const p of set.examples) {
        const out = demuxEvent(set.name, 'g', structuredClone(p));
        if (out.typed) typed++;
        if (out.generic) assert.ok(['created', 'edited', 'deleted'].includes(out.generic.action));
      }
    }
    // issues 29 + issue_comment 9 + pull_request 29 + review 4 + review comment 5 + push 7 + status 4
    assert.equal(typed, 87);
  });
});

describe('plugin test fixtures', () => {
  it('commentEvent() has exactly the fields the demultiplexer produces', async () => {
    const { commentEvent } = await import('../hook/support/plugin-fixtures.js');
    const { issueCommentPayload } = await import('../hook/support/helpers.js');
    const real = demuxEvent('issue_comment', 'd', issueCommentPayload({ isPR: true })).generic;
    assert.ok(real);
    assert.deepEqual(Object.keys(commentEvent({ body: '/hold' })).sort(), Object.keys(real).sort());
  });
});

describe('demuxEvent refuses pull requests without the fields plugins rely on', () => {
  const cases: [string, string, (p: Record<string, any>) => void][] = [
    ['pull_request', 'pull_request.base.ref', (p) => delete p.pull_request.base],
    ['pull_request', 'pull_request.base.repo.owner.login', (p) => delete p.pull_request.base.repo.owner],
    ['pull_request', 'pull_request.head.sha', (p) => (p.pull_request.head = null)],
    ['pull_request_review', 'pull_request.base.ref', (p) => delete p.pull_request.base.ref],
    ['pull_request_review_comment', 'pull_request.base.repo.name', (p) => delete p.pull_request.base.repo.name],
  ];
  for (const [event, field, damage] of cases) {
    it(`${event} without ${field}: no event, a warning naming the field`, () => {
      const p = example(event, undefined, (x) => typeof x.pull_request === 'object');
      damage(p);
      const warnings: unknown[][] = [];
      const log = { warn: (...a: unknown[]) => warnings.push(a), debug: () => undefined } as unknown as Parameters<typeof demuxEvent>[3];
      const d = demuxEvent(event, 'delivery-1', p, log);
      assert.equal(d.typed, undefined);
      assert.equal(d.generic, undefined);
      assert.equal(warnings.length, 1);
      assert.match(String(warnings[0]![1]), new RegExp(`lacks ${field.replaceAll('.', '\\.')}`));
    });
  }
});
