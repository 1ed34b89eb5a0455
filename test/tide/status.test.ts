// The `tide` status descriptions: upstream's TestExpectedStatus table (pkg/tide/status_test.go), ported.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TideQuery } from '../../src/config/types.js';
import { createContextChecker } from '../../src/tide/context-policy.js';
import { notMergeableReason } from '../../src/tide/merge.js';
import { expectedStatus, retestingStatus, statusTargetUrl, truncateDescription } from '../../src/tide/status.js';
import type { TideContext, TidePR } from '../../src/tide/types.js';
import { configFrom } from '../support/config.js';

const needed = ['need-1', 'need-2', 'need-a-very-super-duper-extra-not-short-at-all-label-name'];
const neededWithAlt = ['need-1', 'need-2', 'need-a-very-super-duper-extra-not-short-at-all-label-name,need-3'];
const forbidden = ['forbidden-1', 'forbidden-2'];

interface Case {
  name: string;
  baseref?: string;
  allow?: string[];
  deny?: string[];
  sameBranchReqs?: boolean;
  labels?: string[];
  author?: string;
  queryAuthor?: string;
  contexts?: TideContext[];
  inPool?: boolean;
  displayAll?: boolean;
  singleQuery?: boolean;
  extraQueries?: TideQuery[];
  unpassed?: string[];
  conflict?: boolean;
  approved?: boolean;
  blocked?: boolean;
  policy?: 'ignore' | 'permit' | 'block';
  state: string;
  desc: string;
}

const cases: Case[] = [
  { name: 'in pool', inPool: true, state: 'success', desc: 'In merge pool.' },
  { name: 'check truncation of label list', author: 'batman', queryAuthor: 'batman', state: 'pending', desc: 'Not mergeable. Needs need-1, need-2 labels.' },
  { name: 'check truncation of label list is not excessive', labels: needed.slice(0, 2), author: 'batman', queryAuthor: 'batman', state: 'pending', desc: 'Not mergeable. Needs need-a-very-super-duper-extra-not-short-at-all-label-name or need-3 label.' },
  { name: 'multiple merge method labels conflict', labels: [...needed, 'tide/merge-method-merge', 'tide/merge-method-squash'], state: 'error', desc: 'Not mergeable. PR has conflicting merge method override labels' },
  { name: 'has forbidden labels', labels: [...needed, ...forbidden], author: 'batman', queryAuthor: 'batman', state: 'pending', desc: 'Not mergeable. Should not have forbidden-1, forbidden-2 labels.' },
  { name: 'has one forbidden label', labels: [...needed, 'forbidden-1'], author: 'batman', queryAuthor: 'batman', state: 'pending', desc: 'Not mergeable. Should not have forbidden-1 label.' },
  { name: 'only mention one requirement class', labels: [...needed.slice(1), 'forbidden-1'], author: 'batman', queryAuthor: 'batman', state: 'pending', desc: 'Not mergeable. Needs need-1 label.' },
  { name: 'mention all possible queries when opted in', labels: [...needed.slice(1), 'forbidden-1'], author: 'batman', queryAuthor: 'batman', displayAll: true, state: 'pending', desc: 'Not mergeable. Needs need-1 label OR Needs 1, 2, 3, 4, 5, 6, 7 labels.' },
  { name: 'displayAllTideQueries but only one query', labels: [...needed.slice(1), 'forbidden-1'], author: 'batman', queryAuthor: 'batman', displayAll: true, singleQuery: true, state: 'pending', desc: 'Not mergeable. Needs need-1 label.' },
  { name: 'displayAllTideQueries when there is no matching query', baseref: 'bad', deny: ['bad'], sameBranchReqs: true, labels: [...needed.slice(1), 'forbidden-1'], author: 'batman', queryAuthor: 'batman', displayAll: true, state: 'pending', desc: 'Not mergeable. No Tide query for branch bad found.' },
  { name: 'displayAllTideQueries shows only queries matching the branch', baseref: 'main', deny: ['main'], sameBranchReqs: true, extraQueries: [{ orgs: ['org'], labels: ['good-to-go'] }], labels: [...needed.slice(1), 'forbidden-1'], author: 'batman', queryAuthor: 'batman', displayAll: true, state: 'pending', desc: 'Not mergeable. Needs good-to-go label.' },
  { name: 'against excluded branch', baseref: 'bad', deny: ['bad'], sameBranchReqs: true, labels: needed, state: 'pending', desc: 'Not mergeable. Merging to branch bad is forbidden.' },
  { name: 'not against included branch', baseref: 'bad', allow: ['good'], sameBranchReqs: true, labels: needed, state: 'pending', desc: 'Not mergeable. Merging to branch bad is forbidden.' },
  { name: 'choose query for correct branch', baseref: 'bad', allow: ['good'], author: 'batman', queryAuthor: 'batman', labels: needed, state: 'pending', desc: 'Not mergeable. Needs 1, 2, 3, 4, 5, 6, 7 labels.' },
  { name: "tide's own context failed but is ignored", labels: needed, author: 'batman', queryAuthor: 'batman', contexts: [{ context: 'tide', state: 'ERROR', description: '' }], state: 'success', desc: 'In merge pool.' },
  { name: 'single bad context', labels: needed, author: 'batman', queryAuthor: 'batman', contexts: [{ context: 'job-name', state: 'ERROR', description: '' }], state: 'pending', desc: 'Not mergeable. Job job-name has not succeeded.' },
  { name: 'multiple bad contexts', labels: needed, author: 'batman', queryAuthor: 'batman', contexts: [{ context: 'job-name', state: 'ERROR', description: '' }, { context: 'other-job-name', state: 'FAILURE', description: '' }], state: 'pending', desc: 'Not mergeable. Jobs job-name, other-job-name have not succeeded.' },
  { name: 'wrong author', labels: needed, author: 'robin', queryAuthor: 'batman', state: 'pending', desc: 'Not mergeable. Must be by author batman.' },
  { name: 'not up to date: retesting', inPool: true, unpassed: ['bar', 'baz'], state: 'pending', desc: 'Not mergeable. Retesting: bar baz' },
  { name: 'long retest list is shortened', inPool: true, unpassed: ['very-long-context'.repeat(8), 'also-long-content'.repeat(8)], state: 'pending', desc: 'Not mergeable. Retesting 2 jobs.' },
  { name: 'merge conflict', inPool: true, conflict: true, state: 'error', desc: 'Not mergeable. PR has a merge conflict.' },
  { name: 'missing approving review', extraQueries: [{ orgs: ['org'], reviewApprovedRequired: true }], state: 'pending', desc: 'Not mergeable. PullRequest is missing sufficient approving GitHub review(s)' },
  { name: 'GitHub BLOCKED under policy block', inPool: true, blocked: true, policy: 'block', state: 'error', desc: 'Not mergeable. PR is blocked from merging by GitHub (check branch protection, required reviews, or rulesets)' },
  { name: 'GitHub BLOCKED under policy permit', inPool: true, blocked: true, policy: 'permit', state: 'success', desc: 'In merge pool (despite BLOCKED).' },
  { name: 'GitHub BLOCKED under policy ignore', inPool: true, blocked: true, policy: 'ignore', state: 'success', desc: 'In merge pool.' },
  { name: 'required approving review is present', extraQueries: [{ orgs: ['org'], reviewApprovedRequired: true }], approved: true, state: 'success', desc: 'In merge pool.' },
];

const config = configFrom('tide:\n  squash_label: tide/merge-method-squash\n  merge_label: tide/merge-method-merge\n');

function pr(c: Case): TidePR {
  return {
    org: 'org', repo: 'repo', number: 1, title: '', body: '', author: c.author ?? '', baseRef: c.baseref ?? '', baseRefPrefix: 'refs/heads/',
    headRef: 'topic', headSha: 'head', mergeable: c.conflict ? 'CONFLICTING' : 'MERGEABLE', mergeStateStatus: c.blocked ? 'BLOCKED' : 'CLEAN', canBeRebased: true, isDraft: false,
    labels: c.labels ?? [], milestone: c.queryAuthor ? 'v1.0' : undefined, reviewDecision: c.approved ? 'APPROVED' : undefined, updatedAt: '', contexts: c.contexts ?? [],
  };
}

describe('tide status', () => {
  for (const c of cases) {
    it(c.name, () => {
      const second: TideQuery = { orgs: ['org'], labels: ['1', '2', '3', '4', '5', '6', '7'], milestone: 'v1.0', ...(c.queryAuthor ? { author: c.queryAuthor } : {}) };
      if (c.sameBranchReqs) Object.assign(second, { ...(c.deny ? { excludedBranches: c.deny } : {}), ...(c.allow ? { includedBranches: c.allow } : {}) });
      const first: TideQuery = {
        orgs: ['org'], labels: neededWithAlt, missingLabels: forbidden, milestone: 'v1.0',
        ...(c.deny ? { excludedBranches: c.deny } : {}), ...(c.allow ? { includedBranches: c.allow } : {}), ...(c.queryAuthor ? { author: c.queryAuthor } : {}),
      };
      const queries = [...(c.singleQuery ? [first] : [first, second]), ...(c.extraQueries ?? [])];
      const tide = { ...config.tide, queries, display_all_tide_queries_in_status: c.displayAll === true };
      const p = pr(c);
      const got = expectedStatus({
        pr: p, tide, queries, cc: createContextChecker(config, 'org', 'repo', p.baseRef), blocksPolicy: c.policy ?? 'permit', inPool: c.inPool === true,
        blockers: [], unpassedRequired: () => c.unpassed ?? [], notMergeable: notMergeableReason(tide, p, c.policy ?? 'permit'),
      });
      assert.deepEqual({ state: got.state, desc: got.description }, { state: c.state, desc: c.desc });
    });
  }

  it('names blocking issues when the PR is not in the pool', () => {
    const p = pr({ name: '', labels: needed, state: '', desc: '' });
    const got = expectedStatus({
      pr: p, tide: config.tide, queries: [{ orgs: ['org'] }], cc: createContextChecker(config, 'org', 'repo', ''), blocksPolicy: 'permit', inPool: false,
      blockers: [{ Number: 12, Title: '', URL: '', branches: [], org: 'org', repo: 'repo' }, { Number: 34, Title: '', URL: '', branches: [], org: 'org', repo: 'repo' }],
      unpassedRequired: () => [], notMergeable: '',
    });
    assert.deepEqual(got, { state: 'error', description: 'Not mergeable. Merging is blocked by issues 12, 34.', code: 'blocked-by-issue' });
  });

  it('cuts descriptions to 140 characters', () => {
    assert.equal(truncateDescription('x'.repeat(200)), `${'x'.repeat(137)}...`);
    assert.equal(truncateDescription('short'), 'short');
    assert.equal(retestingStatus(['b', 'a']), 'Not mergeable. Retesting: a b');
    assert.equal(retestingStatus(['x'.repeat(140)]), 'Not mergeable. Retesting 1 job.');
  });

  it('points the target URL at target_urls, else the PR dashboard query', () => {
    const p = pr({ name: '', author: 'bob', state: '', desc: '' });
    assert.equal(statusTargetUrl({ ...config.tide, target_urls: { org: 'https://tide.example/' } }, p), 'https://tide.example/');
    assert.equal(statusTargetUrl({ ...config.tide, pr_status_base_urls: { '*': 'https://prow.example/pr' } }, p), 'https://prow.example/pr?query=is%3Apr+repo%3Aorg%2Frepo+author%3Abob+head%3Atopic');
    assert.equal(statusTargetUrl(config.tide, p), '');
  });
});
