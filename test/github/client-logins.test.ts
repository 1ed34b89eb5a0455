import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGitHubClient, type OctokitGitHubClient } from '../../src/github/client.js';

// GitHub ignores a trailing slash (`/orgs/o/members/` is the member LIST, 200) and fetch resolves
// `members/..` to `/orgs/o/`: a membership check for an empty or dot login must not read either as
// "is a member". This server answers like GitHub: 200 for lists and the org, 404 for unknown members.
describe('membership checks with logins that are not GitHub logins', () => {
  let server: Server;
  let client: OctokitGitHubClient;
  const paths: string[] = [];
  before(async () => {
    server = createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0]!.replace(/\/+$/, '');
      paths.push(req.url ?? '');
      res.setHeader('content-type', 'application/json');
      if (/^\/(orgs\/o\/members|repos\/o\/r\/collaborators)\/alice$/.test(path)) {
        res.writeHead(204).end();
      } else if (/^\/(orgs\/o\/members|repos\/o\/r\/collaborators|orgs\/o|repos\/o\/r)$/.test(path)) {
        res.writeHead(200).end(path.endsWith('members') || path.endsWith('collaborators') ? '[]' : '{"login":"o"}');
      } else {
        res.writeHead(404).end('{"message":"Not Found"}');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    client = createGitHubClient({ baseUrl: `http://127.0.0.1:${port}`, token: 't', throttle: false, retry: { enabled: false } });
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('a real member is a member, an unknown login is not', async () => {
    assert.equal(await client.isMember('o', 'alice'), true);
    assert.equal(await client.isMember('o', 'mallory'), false);
    assert.equal(await client.isCollaborator('o', 'r', 'alice'), true);
  });

  for (const login of ['', '.', '..', ' ']) {
    it(`login ${JSON.stringify(login)} is neither member nor collaborator`, async () => {
      assert.equal(await client.isMember('o', login), false);
      assert.equal(await client.isCollaborator('o', 'r', login), false);
    });
  }
});
