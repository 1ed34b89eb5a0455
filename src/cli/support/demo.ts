// Demo mode: what `prow up` seeds into the built-in fake GitHub when no GitHub credentials are given.
// A newcomer gets an org with members, a repository backed by a real git repository, and an open
// pull request whose presubmit runs a real test script on the merged code.
import type { FakeGitHub } from '../../github/fake/server.js';
import type { FakeSeed } from '../../github/fake/state.js';

export const DEMO_ORG = 'demo';
export const DEMO_REPO = 'hello';
export const DEMO_BOT = 'prow-bot';
export const DEMO_TOKEN = 'demo-token';
export const DEMO_MAINTAINER = 'alice';
export const DEMO_CONTRIBUTOR = 'bob';
export const DEMO_PULL = 1;

const TEST_SCRIPT = `#!/bin/sh
# The demo presubmit runs this on the pull request merged into main.
set -e
echo "testing $(cat VERSION 2>/dev/null || echo unknown)"
# About 15 seconds of output, so deck's live log has something to follow.
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
  echo "step $i of 15: checking the greeting ($(date -u +%H:%M:%S))"
  sleep 1
done
for f in greeting.txt VERSION; do
  test -s "$f" || { echo "missing $f"; exit 1; }
done
if grep -q FAIL greeting.txt; then
  echo "greeting.txt asks the test to fail"
  exit 1
fi
echo "all checks passed"
`;

export function demoSeed(): FakeSeed {
  return {
    bot: DEMO_BOT,
    users: [
      { login: DEMO_BOT, name: 'Prow Bot', type: 'Bot' },
      { login: DEMO_MAINTAINER, name: 'Alice Maintainer', email: 'alice@example.com' },
      { login: DEMO_CONTRIBUTOR, name: 'Bob Contributor', email: 'bob@example.com' },
    ],
    orgs: { [DEMO_ORG]: { members: [DEMO_MAINTAINER, DEMO_BOT], admins: [DEMO_MAINTAINER] } },
    repos: [
      {
        org: DEMO_ORG,
        name: DEMO_REPO,
        defaultBranch: 'main',
        files: {
          'README.md': '# hello\n\nThe demo repository of `prow up`.\n',
          'VERSION': '1.0.0\n',
          'greeting.txt': 'hello, world\n',
          'test.sh': TEST_SCRIPT,
          'OWNERS': `approvers:\n- ${DEMO_MAINTAINER}\nreviewers:\n- ${DEMO_MAINTAINER}\n`,
        },
        collaborators: { [DEMO_MAINTAINER]: 'admin', [DEMO_BOT]: 'write' },
        labels: ['lgtm', 'approved', 'do-not-merge/hold', 'needs-ok-to-test', 'ok-to-test', 'kind/bug', 'kind/feature', 'size/XS', 'size/S'],
      },
    ],
    pulls: [
      {
        repo: `${DEMO_ORG}/${DEMO_REPO}`,
        number: DEMO_PULL,
        // The PR examples/payloads/ talk about: bob's, which alice (the maintainer) tests and approves.
        // bob is not an org member: alice has already said /ok-to-test, so new pushes are tested.
        author: DEMO_CONTRIBUTOR,
        labels: ['ok-to-test'],
        title: 'Greet the world in French',
        body: 'Adds a French greeting.\n\n```release-note\nNONE\n```\n',
        head: 'french',
        files: { 'greeting.txt': 'bonjour, le monde\n', 'VERSION': '1.0.1\n' },
      },
    ],
  };
}

/** Seeds the demo world and waits for its git repositories. */
export async function seedDemo(fake: FakeGitHub): Promise<void> {
  await fake.reset(demoSeed());
  await fake.ready();
}
