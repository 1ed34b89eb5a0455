import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { githubStatusState, isUnreportableStatusError } from '../../../src/crier/github/status.js';
import type { ProwJobState } from '../../../src/api/prowjob.js';
import { CommitNotFoundError, GitHubError, StatusLimitError, ValidationFailedError } from '../../../src/github/errors.js';

describe('status fields', () => {
  it('maps states like upstream (aborted is failure)', () => {
    assert.deepEqual(
      (['triggered', 'pending', 'success', 'failure', 'aborted', 'error'] as ProwJobState[]).map(githubStatusState),
      ['pending', 'pending', 'success', 'failure', 'failure', 'error'],
    );
    assert.throws(() => githubStatusState('scheduling'), /unknown prowjob state/);
  });
  it('unreportable status errors: 404 and the two typed 422s, nothing else', () => {
    assert.equal(isUnreportableStatusError(new GitHubError(404, 'POST', '/x', 'Not Found')), true);
    assert.equal(isUnreportableStatusError(new StatusLimitError(422, 'POST', '/x', 'This SHA and context has reached the maximum number of statuses.')), true);
    assert.equal(isUnreportableStatusError(new CommitNotFoundError(422, 'POST', '/x', 'Validation Failed', { errors: [{ message: 'No commit found for SHA: abc' }] })), true);
    assert.equal(isUnreportableStatusError(new ValidationFailedError(422, 'POST', '/x', 'Validation Failed')), false);
    assert.equal(isUnreportableStatusError(new GitHubError(502, 'POST', '/x', 'Bad Gateway')), false);
  });
});

