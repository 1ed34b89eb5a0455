// The fake GitHub's label GraphQL answers as GitHub does: the repository lookup (issue or PR node id, its
// labels, label ids by name; a label the repository lacks is null), addLabelsToLabelable and
// removeLabelsFromLabelable against the real state (events recorded as for REST), and NOT_FOUND for an
// unknown node id. The separate REST and GraphQL point budgets are in scheduler/graphql-overflow.test.ts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GraphQLError } from '../../src/github/errors.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/github/fake/server.js';
import { testGitHubClient } from '../support/world.js';

const LOOKUP = `query($owner: String!, $repo: String!, $number: Int!, $l0: String!, $l1: String!) {
  repository(owner: $owner, name: $repo) {
    issueOrPullRequest(number: $number) { __typename ... on Issue { id labels(first: 100) { nodes { name } } } ... on PullRequest { id labels(first: 100) { nodes { name } } } }
    l0: label(name: $l0) { id name }
    l1: label(name: $l1) { id name }
  }
}`;
const LABELS = 'labels(first: 100) { nodes { id name color description isDefault } }';
const ADD = `mutation($input: AddLabelsToLabelableInput!) { addLabelsToLabelable(input: $input) { labelable { ... on Issue { ${LABELS} } ... on PullRequest { ${LABELS} } } } }`;
const REMOVE = `mutation($input: RemoveLabelsFromLabelableInput!) { removeLabelsFromLabelable(input: $input) { labelable { ... on Issue { ${LABELS} } ... on PullRequest { ${LABELS} } } } }`;

interface Lookup {
  repository: { issueOrPullRequest: { __typename: string; id: string; labels: { nodes: { name: string }[] } }; l0: { id: string; name: string } | null; l1: { id: string; name: string } | null };
}
type Labelable = { labelable: { labels: { nodes: { id: string; name: string; color: string; isDefault: boolean }[] } } };

describe('fake GitHub label GraphQL', () => {
  let gh: FakeGitHub;
  before(async () => {
    gh = await startFakeGitHub();
  });
  after(() => gh.close());

  async function seed(): Promise<void> {
    await gh.reset({
      repos: [{ repo: 'org/repo', labels: ['lgtm', 'do-not-merge/hold'] }, { repo: 'org/other', labels: ['lgtm'] }],
      issues: [{ repo: 'org/repo', number: 1, labels: ['lgtm'] }, { repo: 'org/repo', number: 2, isPR: true }],
    });
  }

  it('looks up the node id, its labels and label ids by name; a missing label is null', async () => {
    await seed();
    const c = testGitHubClient(gh);
    const pr = await c.graphql<Lookup>(LOOKUP, { owner: 'org', repo: 'repo', number: 2, l0: 'DO-NOT-MERGE/HOLD', l1: 'nope' });
    assert.equal(pr.repository.issueOrPullRequest.__typename, 'PullRequest');
    const rest = (await (await fetch(`${gh.url}/repos/org/repo/pulls/2`, { headers: { authorization: 'token t' } })).json()) as { node_id: string };
    assert.equal(pr.repository.issueOrPullRequest.id, rest.node_id);
    assert.equal(pr.repository.l0?.name, 'do-not-merge/hold');
    assert.equal(pr.repository.l1, null);
    const issue = await c.graphql<Lookup>(LOOKUP, { owner: 'org', repo: 'repo', number: 1, l0: 'lgtm', l1: 'lgtm' });
    assert.equal(issue.repository.issueOrPullRequest.id, (await c.getIssue('org', 'repo', 1)).nodeId);
    assert.deepEqual(issue.repository.issueOrPullRequest.labels.nodes.map((l) => l.name), ['lgtm']);
    await assert.rejects(c.graphql(LOOKUP, { owner: 'org', repo: 'repo', number: 9, l0: 'lgtm', l1: 'lgtm' }), GraphQLError);
    await assert.rejects(c.graphql(LOOKUP, { owner: 'org', repo: 'gone', number: 1, l0: 'lgtm', l1: 'lgtm' }), GraphQLError);
  });

  it('adds and removes labels, answering with the labels after and recording events', async () => {
    await seed();
    const c = testGitHubClient(gh);
    const { repository: r } = await c.graphql<Lookup>(LOOKUP, { owner: 'org', repo: 'repo', number: 2, l0: 'do-not-merge/hold', l1: 'lgtm' });
    const input = { labelableId: r.issueOrPullRequest.id, labelIds: [r.l0!.id, r.l1!.id] };
    const added = await c.graphql<{ addLabelsToLabelable: Labelable }>(ADD, { input });
    assert.deepEqual(added.addLabelsToLabelable.labelable.labels.nodes.map((l) => l.name), ['do-not-merge/hold', 'lgtm']);
    assert.equal(added.addLabelsToLabelable.labelable.labels.nodes[0]?.id, r.l0!.id);
    assert.deepEqual(gh.labels('org/repo', 2), ['do-not-merge/hold', 'lgtm']);
    await c.graphql(ADD, { input }); // again: nothing changes
    assert.deepEqual(gh.labels('org/repo', 2), ['do-not-merge/hold', 'lgtm']);
    const removed = await c.graphql<{ removeLabelsFromLabelable: Labelable }>(REMOVE, { input: { labelableId: r.issueOrPullRequest.id, labelIds: [r.l1!.id] } });
    assert.deepEqual(removed.removeLabelsFromLabelable.labelable.labels.nodes.map((l) => l.name), ['do-not-merge/hold']);
    assert.deepEqual(gh.issue('org/repo', 2)?.events.map((e) => `${e.event}:${e.label}`), ['labeled:do-not-merge/hold', 'labeled:lgtm', 'unlabeled:lgtm']);
  });

  it('refuses an unknown label id, a label of another repository and an unknown labelable (NOT_FOUND)', async () => {
    await seed();
    const c = testGitHubClient(gh);
    const { repository: r } = await c.graphql<Lookup>(LOOKUP, { owner: 'org', repo: 'repo', number: 1, l0: 'lgtm', l1: 'lgtm' });
    const other = await c.graphql<{ repository: { l0: { id: string } } }>('query { repository(owner: "org", name: "other") { l0: label(name: "lgtm") { id } } }');
    assert.notEqual(other.repository.l0.id, r.l0!.id);
    for (const input of [
      { labelableId: r.issueOrPullRequest.id, labelIds: ['LA_999999'] },
      { labelableId: r.issueOrPullRequest.id, labelIds: [other.repository.l0.id] },
      { labelableId: 'I_999_1', labelIds: [r.l0!.id] },
    ]) {
      await assert.rejects(c.graphql(ADD, { input }), (err: unknown) => err instanceof GraphQLError && /Could not resolve to a node/.test(err.message));
    }
    assert.deepEqual(gh.labels('org/repo', 1), ['lgtm'], 'nothing changed');
  });
});
