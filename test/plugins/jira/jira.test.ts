// jira (upstream pkg/plugins/jira/jira_test.go's tables): the handler cases against a fake Jira (a real HTTP
// server speaking REST v2) and the fake GitHub, each delivery handled twice (the second as a redelivery),
// upstream's extraction and link-insertion tables, and one comment end to end through the real hook.
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSilentLogger } from '../../../src/observability/logger.js';
import { createJiraClient, validateJiraOptions } from '../../../src/plugins/jira/jira-client.js';
import { extractCandidatesFromText, insertLinksIntoComment, jiraPlugin } from '../../../src/plugins/jira/jira.js';
import type { JiraClient } from '../../../src/plugins/types.js';
import { snapshotFrom } from '../../support/config.js';
import { startFakeJira, type FakeJira } from '../../support/fake-jira.js';
import { pluginContextFor } from '../../support/plugin-context.js';
import { deliverTo, writes, type Delivery } from '../support/fixtures.js';
import { startHookRig, type HookRig } from '../support/through-hook.js';
import { REPO, commentDelivery, seed, startWorld, type World } from '../shared/fixtures.js';

const log = createSilentLogger();

describe('jira', () => {
  let w: World;
  let jira: FakeJira;
  let dir: string;
  let tokenFile: string;
  let rig: HookRig;
  before(async () => {
    w = await startWorld();
    jira = await startFakeJira();
    dir = mkdtempSync(join(tmpdir(), 'prow-jira-'));
    tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, `${jira.token}\n`);
  });
  after(async () => {
    await rig?.close();
    await w.close();
    await jira.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const client = (): JiraClient => createJiraClient({ endpoint: jira.url, bearerTokenFile: tokenFile, log });
  const jiraWrites = (): string[] => jira.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`);
  const browse = (key: string): string => `[${key}](${jira.url}/browse/${key})`;

  interface Case {
    name: string;
    body: string;
    title?: string;
    /** The delivery is the issue's own (issues opened) instead of a comment. */
    onIssue?: boolean;
    projects?: string[];
    issues?: string[];
    disabled?: string[];
    existing?: { title: string };
    wantLinkTitle?: string;
    wantJiraWrite?: 'POST' | 'PUT';
    wantBody?: (url: string) => string;
    noIssueRequests?: boolean;
  }
  const cases: Case[] = [
    { name: 'no issue referenced: nothing to do', body: 'Some text' },
    { name: 'a link is created from the body and the key linked', body: 'Some text and also ABC-123', wantLinkTitle: 'org/repo#1: Some issue', wantJiraWrite: 'POST', wantBody: () => `Some text and also ${browse('ABC-123')}` },
    { name: 'a pasted link: a remote link, the text stays', body: 'PASTED', wantLinkTitle: 'org/repo#1: Some issue', wantJiraWrite: 'POST' },
    { name: 'a link from the title', body: 'Some text', title: 'ABC-123: Some issue', wantLinkTitle: 'org/repo#1: ABC-123: Some issue', wantJiraWrite: 'POST' },
    {
      name: 'several references: one link', body: 'Some text and also ABC-123 and again ABC-123', wantLinkTitle: 'org/repo#1: Some issue', wantJiraWrite: 'POST',
      wantBody: () => `Some text and also ${browse('ABC-123')} and again ${browse('ABC-123')}`,
    },
    { name: 'the referenced issue does not exist: nothing', body: 'Some text and also ABC-123', issues: [] },
    { name: 'the link exists already: nothing', body: 'Some text and also [ABC-123](JIRA/browse/ABC-123)', existing: { title: 'org/repo#1: Some issue' } },
    { name: 'the link exists with another title: replaced', body: 'Some text and also [ABC-123:](JIRA/browse/ABC-123)', title: 'Some issue NEW', existing: { title: 'org/repo#1: Some issue' }, wantLinkTitle: 'org/repo#1: Some issue NEW', wantJiraWrite: 'PUT' },
    { name: 'a disabled project, matched case-insensitively: nothing', body: 'Some text and also ENTERPRISE-4', projects: ['ENTERPRISE'], issues: ['ENTERPRISE-4'], disabled: ['enterprise'] },
    { name: 'a project Jira does not have: not even asked', body: 'XYZ-123', noIssueRequests: true },
    { name: 'an issue body is edited in place', body: 'Fixes ABC-123', onIssue: true, wantLinkTitle: 'org/repo#1: Some issue', wantJiraWrite: 'POST', wantBody: () => `Fixes ${browse('ABC-123')}` },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const body = c.body.replace('PASTED', `Some text and also ${jira.url}/browse/ABC-123`).replace('JIRA', jira.url);
      jira.reset({ projects: c.projects ?? ['ABC'], issues: c.issues ?? ['ABC-123'] });
      await w.gh.reset(seed({ title: c.title ?? 'Some issue', body: c.onIssue ? body : 'issue body' }));
      const issueUrl = `https://github.com/${REPO}/issues/1`;
      if (c.existing) jira.links.set('ABC-123', [{ id: 5, self: `${jira.url}/x`, object: { url: issueUrl, title: c.existing.title } }]);
      let d: Delivery;
      if (c.onIssue) {
        const issue = await (await fetch(`${w.gh.url}/repos/${REPO}/issues/1`, { headers: { authorization: 'token t' } })).json() as Record<string, any>;
        d = { type: 'issues', id: `jira-${c.name}`, payload: { action: 'opened', issue, repository: { name: 'repo', full_name: REPO, owner: { login: 'org' } }, sender: { login: 'author' } } };
      } else {
        d = await commentDelivery(w.gh, 'author', body, { post: true });
      }
      w.gh.clearCalls();
      const jc = client();
      const snapshot = snapshotFrom({ plugins: c.disabled ? `jira:\n  disabled_jira_projects: [${c.disabled.join(', ')}]\n` : '{}' });
      for (const redelivery of [false, true]) {
        await deliverTo(jiraPlugin, d, { ...pluginContextFor(w, { plugin: 'jira', snapshot, redelivery, withOwners: false }), jira: jc });
      }
      const links = jira.links.get('ABC-123') ?? [];
      if (c.wantLinkTitle) {
        assert.equal(links.length, 1);
        assert.deepEqual(links[0]!.object, { url: issueUrl, title: c.wantLinkTitle, icon: { url16x16: 'https://github.com/favicon.ico', title: 'GitHub' } });
      }
      assert.deepEqual(jiraWrites().map((x) => x.split(' ')[0]), c.wantJiraWrite ? [c.wantJiraWrite] : [], 'one Jira write at most, none on the redelivery');
      if (c.noIssueRequests) assert.deepEqual(jira.requests.map((r) => r.path), ['/rest/api/2/project']);
      const text = c.onIssue ? w.gh.issue(REPO, 1)!.body : w.gh.comments(REPO, 1)[0]!.body;
      assert.equal(text, c.wantBody ? c.wantBody(jira.url) : body);
      assert.equal(writes(w.gh).length, c.wantBody ? 1 : 0, 'GitHub written once at most');
    });
  }

  it('a Jira error (not a 404) fails the handling with Jira\'s message', async () => {
    jira.reset({ projects: ['ABC'], issues: ['ABC-123'] });
    await w.gh.reset(seed({ title: 'Some issue' }));
    const d = await commentDelivery(w.gh, 'author', 'ABC-123', { post: true });
    const bad = join(dir, 'bad');
    writeFileSync(bad, 'wrong');
    const jc = createJiraClient({ endpoint: jira.url, bearerTokenFile: bad, log });
    await assert.rejects(deliverTo(jiraPlugin, d, { ...pluginContextFor(w, { plugin: 'jira', withOwners: false }), jira: jc }), /jira: GET \/rest\/api\/2\/project: 401/);
  });

  it('without a Jira client the plugin says so', async () => {
    await w.gh.reset(seed({ title: 'Some issue' }));
    const d = await commentDelivery(w.gh, 'author', 'ABC-123', { post: true });
    await assert.rejects(deliverTo(jiraPlugin, d, pluginContextFor(w, { plugin: 'jira', withOwners: false })), /start hook with --jira-endpoint/);
  });

  it('through the hook: a comment mentioning an issue gets the link and the remote link', async () => {
    rig = await startHookRig(w, { jira: client() });
    jira.reset({ projects: ['ABC'], issues: ['ABC-123'] });
    await w.gh.reset(seed({ title: 'Some issue' }));
    rig.configure(['jira']);
    const d = await commentDelivery(w.gh, 'author', 'see ABC-123', { post: true });
    await rig.send(d);
    assert.equal(w.gh.comments(REPO, 1)[0]!.body, `see ${browse('ABC-123')}`);
    assert.equal(jira.links.get('ABC-123')?.length, 1);
  });

  it('flags are checked as upstream', () => {
    assert.deepEqual(validateJiraOptions({ endpoint: 'not a url' }), ['--jira-endpoint "not a url" is invalid']);
    assert.deepEqual(validateJiraOptions({ endpoint: 'https://j', username: 'u' }), ['--jira-username and --jira-password-file must be specified together']);
    assert.deepEqual(validateJiraOptions({ endpoint: 'https://j', bearerTokenFile: 't', username: 'u', passwordFile: 'p' }), [
      '--jira-bearer-token-file and --jira-username are mutually exclusive', '--jira-bearer-token-file and --jira-password-file are mutually exclusive',
    ]);
  });

  describe('extracting keys (upstream TestExtractCandidatesFromText)', () => {
    const cases: [string, string, string[]][] = [
      ['Simple', 'issue-123', ['issue-123']],
      ['Simple with leading space', ' issue-123', ['issue-123']],
      ['Simple with trailing space', 'issue-123 ', ['issue-123']],
      ['Simple with leading newline', '\nissue-123', ['issue-123']],
      ['Simple with trailing newline', 'issue-123\n', ['issue-123']],
      ['Simple with trailing colon', 'issue-123:', ['issue-123']],
      ['Multiple matches', 'issue-123\nissue-456', ['issue-123', 'issue-456']],
      ['Trailing character, no match', 'issue-123a', []],
      ['Issue from url', 'https://my-jira.com/browse/ABC-123', ['ABC-123']],
      ['Trailing special characters, no match', 'rehearse-15676-pull', []],
      ['Included in markdown link', '[Jira Bug ABC-123](https://my-jira.com/browse/ABC-123)', ['ABC-123', 'ABC-123']],
    ];
    for (const [name, input, want] of cases) it(name, () => assert.deepEqual(extractCandidatesFromText(input), want));
  });

  describe('inserting links (upstream TestInsertLinksIntoComment)', () => {
    const J = 'https://my-jira.com';
    const L = `[ABC-123](${J}/browse/ABC-123)`;
    const cases: [string, string, string, string[]?][] = [
      ['Multiline body starting with issue name', 'ABC-123: Fix problems:\n* First problem\n* Second problem', `${L}: Fix problems:\n* First problem\n* Second problem`],
      ['Multiline body starting with already replaced issue name', `${L}: Fix problems:\n* First problem`, `${L}: Fix problems:\n* First problem`],
      ['Multiple occurrences, some already replaced', `This change:\n* Does stuff related to ${L}\n* And even more stuff related to ABC-123`, `This change:\n* Does stuff related to ${L}\n* And even more stuff related to ${L}`],
      ['Issue name at the end', 'This change:\nis very important\nbecause of ABC-123', `This change:\nis very important\nbecause of ${L}`],
      ['Pasted links are not replaced', `${J}/browse/ABC-123`, `${J}/browse/ABC-123`],
      ['code section is not replaced', 'This change:\n```bash\nABC-123\n```\nABC-123\n', `This change:\n\`\`\`bash\nABC-123\n\`\`\`\n${L}\n`],
      ['inline code is not replaced', '``ABC-123`` and `ABC-123` stay. ABC-123 should be replaced.\n', `\`\`ABC-123\`\` and \`ABC-123\` stay. ${L} should be replaced.\n`],
      ['four leading spaces are a code block', 'I meant:\r\n\r\n    pod "unique-id-header-ABC-123" waits\r\n', 'I meant:\r\n\r\n    pod "unique-id-header-ABC-123" waits\r\n'],
      ['parts of words after a dash are not replaced', 'whatever-ABC-123 and `whatever-ABC-123`', 'whatever-ABC-123 and `whatever-ABC-123`'],
      [
        'a shorter key inside a longer one is not linked twice', 'references ABC-123 here\nBC-1: first issue\nBC-2: second',
        `references ${L} here\n[BC-1](${J}/browse/BC-1): first issue\n[BC-2](${J}/browse/BC-2): second`, ['ABC-123', 'BC-1', 'BC-2'],
      ],
    ];
    for (const [name, body, want, issues] of cases) it(name, () => assert.equal(insertLinksIntoComment(body, issues ?? ['ABC-123'], J), want));
  });
});
