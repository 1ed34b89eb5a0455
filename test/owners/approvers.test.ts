// Approval computation and the notification text (docs/plugins-core.md), with
// upstream approve_test.go's OWNERS layout and expected comments.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { approvalMessage, PullApprovers, PullOwners } from '../../src/owners/approvers.js';
import { buildRepoOwners } from '../../src/owners/repo-owners.js';

const repo = buildRepoOwners(new Map(Object.entries({
  'a/OWNERS': 'approvers: [alice]\n',
  'a/b/OWNERS': 'approvers: [bob]\n',
  'c/OWNERS': 'approvers: [cblecker, cjwagner]\n',
  'd/OWNERS': 'approvers: [dan]\noptions:\n  auto_approve_unowned_subfolders: true\n',
  'e/OWNERS': 'approvers: [spxtr]\n',
  'n/OWNERS': 'approvers: [nina]\n',
  'n/m/OWNERS': 'approvers: [mo]\noptions:\n  no_parent_owners: true\n',
})));

const PROCESS = 'https://git.k8s.io/community/contributors/guide/owners.md#the-code-review-process';
const opts = {
  linkURL: 'https://github.com', commandHelpLink: 'https://go.k8s.io/bot-commands', prProcessLink: PROCESS,
  org: 'org', repo: 'repo', branch: 'master', ownersFilename: 'OWNERS',
};
const FOOTER = 'Approvers can indicate their approval by writing `/approve` in a comment\nApprovers can cancel approval by writing `/approve cancel` in a comment\n</details>';

function approvers(files: string[], seed = 101): PullApprovers {
  return new PullApprovers(new PullOwners(files, repo, seed));
}

describe('approval units', () => {
  const cases = [
    { name: 'a parent unit covers its subdirectory', files: ['a/a.go', 'a/b/b.go'], units: ['a'] },
    { name: 'no_parent_owners keeps the child unit', files: ['n/x.go', 'n/m/y.go'], units: ['n', 'n/m'] },
    { name: 'auto_approve_unowned_subfolders drops files below the unit', files: ['d/new-folder/new_file.go'], units: [] },
    { name: 'a file directly in the auto-approve unit still needs it', files: ['d/d.go'], units: ['d'] },
    { name: 'a file without OWNERS falls to the root unit', files: ['x/y.go'], units: [''] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual([...new PullOwners(c.files, repo, 1).ownersSet()].sort(), c.units));

  it('an approver of an ancestor approves the child unit; a PR with no files is never approved', () => {
    const ap = approvers(['a/b/b.go']);
    assert.equal(ap.areFilesApproved(), false);
    ap.addApprover('Alice', '', false);
    assert.equal(ap.areFilesApproved(), true, 'case-insensitive, ancestors included');
    assert.equal(approvers([]).areFilesApproved(), false);
  });

  it('a later plain approval does not replace a no-issue one; issue_required is met by it', () => {
    const ap = approvers(['a/a.go']);
    ap.requireIssue = true;
    ap.addApprover('alice', 'u1', true);
    ap.addApprover('alice', 'u2', false);
    assert.equal(ap.listApprovals()[0]!.reference, 'u1');
    assert.equal(ap.requirementsMet(), true);
    ap.removeApprover('ALICE');
    assert.equal(ap.requirementsMet(), false);
  });

});

// upstream approvers/owners_test.go TestGetShuffledApprovers: Go's math/rand seeded with the PR number.
describe('shuffled approvers (Go math/rand order)', () => {
  const shuffleRepo = buildRepoOwners(new Map(Object.entries({
    OWNERS: 'approvers: [Alice, Bob]\n',
    'a/OWNERS': 'approvers: [Art, Anne]\n',
    'b/OWNERS': 'approvers: [Bill, Ben, Barbara]\n',
    'c/OWNERS': 'approvers: [Chris, Carol]\n',
    'a/d/OWNERS': 'approvers: [David, Dan, Debbie]\n',
    'a/combo/OWNERS': 'approvers: [Eve, Erin, David, Dan, Debbie, Chris, Carol]\n',
  })));
  const cases = [
    { name: 'Empty PR', files: [], seed: 0, want: [] },
    { name: 'Single Root File PR Approved', files: ['kubernetes.go'], seed: 0, want: ['bob', 'alice'] },
    { name: 'Combo And B PR', files: ['a/combo/test.go', 'b/test.go'], seed: 0, want: ['erin', 'bill', 'carol', 'barbara', 'dan', 'debbie', 'ben', 'david', 'eve', 'chris'] },
    { name: 'Combo and D, Seed 0', files: ['a/combo/test.go', 'a/d/test.go'], seed: 0, want: ['erin', 'dan', 'dan', 'carol', 'david', 'debbie', 'chris', 'debbie', 'eve', 'david'] },
    { name: 'Combo and D, Seed 2', files: ['a/combo/test.go', 'a/d/test.go'], seed: 2, want: ['dan', 'carol', 'debbie', 'dan', 'erin', 'chris', 'eve', 'david', 'debbie', 'david'] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(new PullOwners(c.files, shuffleRepo, c.seed).shuffledApprovers(), c.want));
});

describe('notification text (upstream approve_test.go)', () => {
  it('initial notification (approved): self-approval by the author', () => {
    const ap = approvers(['c/c.go']);
    ap.addAuthorSelfApprover('cjwagner', '#', false);
    assert.equal(approvalMessage(ap, opts), `[APPROVALNOTIFIER] This PR is **APPROVED**

This pull-request has been approved by: *<a href="#" title="Author self-approved">cjwagner</a>*

The full list of commands accepted by this bot can be found [here](https://go.k8s.io/bot-commands?repo=org%2Frepo).

The pull request process is described [here](${PROCESS})

<details >
Needs approval from an approver in each of these files:

- ~~[c/OWNERS](https://github.com/org/repo/blob/master/c/OWNERS)~~ [cjwagner]

${FOOTER}
<!-- META={"approvers":[]} -->`);
  });

  it('initial notification (unapproved): exactly one leaf approver of c/ is suggested', () => {
    const text = approvalMessage(approvers(['c/c.go']), opts);
    const m = /please assign \[(\w+)\]\(https:\/\/github\.com\/\1\) for approval\./.exec(text);
    assert.ok(m && ['cblecker', 'cjwagner'].includes(m[1]!), text);
    assert.equal(text, `[APPROVALNOTIFIER] This PR is **NOT APPROVED**

This pull-request has been approved by:
**Once this PR has been reviewed and has the lgtm label**, please assign [${m[1]}](https://github.com/${m[1]}) for approval. For more information see [the Code Review Process](${PROCESS}).

The full list of commands accepted by this bot can be found [here](https://go.k8s.io/bot-commands?repo=org%2Frepo).

<details open>
Needs approval from an approver in each of these files:

- **[c/OWNERS](https://github.com/org/repo/blob/master/c/OWNERS)**

${FOOTER}
<!-- META={"approvers":["${m[1]}"]} -->`);
  });

  it('S27 remove approval with /approve cancel: issue required and no issue', () => {
    const ap = approvers(['a/a.go']);
    ap.requireIssue = true;
    ap.addAuthorSelfApprover('cjwagner', '#', false);
    ap.addApprover('Alice', 'x', true);
    ap.removeApprover('Alice');
    assert.equal(approvalMessage(ap, opts), `[APPROVALNOTIFIER] This PR is **NOT APPROVED**

This pull-request has been approved by: *<a href="#" title="Author self-approved">cjwagner</a>*
**Once this PR has been reviewed and has the lgtm label**, please assign [alice](https://github.com/alice) for approval. For more information see [the Code Review Process](${PROCESS}).

*No associated issue*. Update pull-request body to add a reference to an issue, or get approval with \`/approve no-issue\`

The full list of commands accepted by this bot can be found [here](https://go.k8s.io/bot-commands?repo=org%2Frepo).

<details open>
Needs approval from an approver in each of these files:

- **[a/OWNERS](https://github.com/org/repo/blob/master/a/OWNERS)**

${FOOTER}
<!-- META={"approvers":["alice"]} -->`);
  });

  it('S28 human added approve: bypassed, listed as approved', () => {
    const ap = approvers(['a/a.go']);
    ap.manuallyApproved = () => true;
    assert.equal(ap.isApproved(), true);
    assert.equal(approvalMessage(ap, opts), `[APPROVALNOTIFIER] This PR is **APPROVED**

Approval requirements bypassed by manually added approval.

This pull-request has been approved by:

The full list of commands accepted by this bot can be found [here](https://go.k8s.io/bot-commands?repo=org%2Frepo).

The pull request process is described [here](${PROCESS})

<details >
Needs approval from an approver in each of these files:

- **[a/OWNERS](https://github.com/org/repo/blob/master/a/OWNERS)**

${FOOTER}
<!-- META={"approvers":["alice"]} -->`);
  });

  it('assigned approvers are asked, others assigned; a partial unit says so; an associated issue is named', () => {
    const ap = approvers(['a/a.go', 'c/c.go', 'e/e.go']);
    ap.requireIssue = true;
    ap.associatedIssue = 42;
    ap.addAssignees('spxtr');
    ap.addApprover('alice', 'https://x/1', false);
    const text = approvalMessage(ap, opts);
    assert.match(text, /please ask for approval from \[spxtr\]\(https:\/\/github\.com\/spxtr\) and additionally assign \[(cblecker|cjwagner)\]/);
    assert.match(text, /\nAssociated issue: \*#42\*\n\n/);
    assert.match(text, /- ~~\[a\/OWNERS\]\(https:\/\/github\.com\/org\/repo\/blob\/master\/a\/OWNERS\)~~ \[alice\]\n- \*\*\[c\/OWNERS\]/);
    assert.match(text, /"approvers":\["(cblecker|cjwagner)","spxtr"\]/);
  });
});
