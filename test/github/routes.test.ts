// Every REST route the fake serves exists in GitHub's OpenAPI description, and every route the
// client calls is one the fake serves.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fakeGitHubRoutes } from '../../src/github/fake/server.js';
import { loadOpenApiRoutes } from './generate-openapi-routes.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/openapi-routes.json', import.meta.url), 'utf8')) as { source: string; routes: string[] };

describe('fake GitHub routes', () => {
  const fake = fakeGitHubRoutes().filter((r) => r !== 'POST /graphql');

  it('are all in the checked fixture (regenerate it with test/github/generate-openapi-routes.ts)', () => {
    const inFixture = new Set(fixture.routes);
    assert.deepEqual(fake.filter((r) => !inFixture.has(r)), []);
    assert.ok(fake.length >= 50, `expected the fake to serve at least 50 routes, got ${fake.length}`);
  });

  it("exist in GitHub's OpenAPI description, parameter names included", () => {
    const openapi = new Set(loadOpenApiRoutes().routes);
    assert.deepEqual(fake.filter((r) => !openapi.has(r)), []);
    assert.deepEqual(fixture.routes.filter((r) => !openapi.has(r)), []);
    // The check can fail: a legacy route GitHub documents no more is refused.
    assert.equal(openapi.has('GET /repos/{owner}/{repo}/statuses/{ref}'), false);
  });

  it('cover every route the client calls', () => {
    const dir = new URL('../../src/github/methods/', import.meta.url);
    const files = [...readdirSync(dir).map((f) => new URL(f, dir)), new URL('../../src/github/connection.ts', import.meta.url)];
    const source = files.map((f) => readFileSync(f, 'utf8')).join('\n');
    const called = [...source.matchAll(/'((?:GET|POST|PUT|PATCH|DELETE) \/[^']*)'/g)].map((m) => m[1] ?? '');
    assert.ok(called.length >= 40, `found only ${called.length} routes in src/github/methods/`);
    const served = new Set(fakeGitHubRoutes());
    assert.deepEqual([...new Set(called)].filter((r) => !served.has(r)), []);
  });
});
