// Regenerates test/github/fixtures/openapi-routes.json: the REST routes the fake GitHub serves,
// each checked against GitHub's OpenAPI description as shipped in @octokit/openapi-types (installed
// with @octokit/core, through @octokit/types; nothing extra). Refuses to write a route GitHub lacks.
// Run: node --import tsx test/github/generate-openapi-routes.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { fakeGitHubRoutes } from '../../src/github/fake/server.js';

export function loadOpenApiRoutes(): { version: string; routes: string[] } {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('@octokit/openapi-types/package.json');
  const version = (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  return { version, routes: openApiRoutes(readFileSync(join(dirname(pkg), 'types.d.ts'), 'utf8')) };
}

export function openApiRoutes(typesSource: string): string[] {
  const start = typesSource.indexOf('export interface paths {');
  if (start < 0) throw new Error('openapi-types: no `export interface paths` block');
  const routes: string[] = [];
  let path: string | undefined;
  for (const line of typesSource.slice(start).split('\n').slice(1)) {
    if (line === '}') break;
    const p = /^ {2}"(\/[^"]*)": \{/.exec(line);
    if (p) {
      path = p[1];
      continue;
    }
    const m = /^ {4}(get|put|post|delete|patch|head): operations\[/.exec(line);
    if (m && path) routes.push(`${m[1]?.toUpperCase()} ${path}`);
  }
  return routes;
}

function main(): void {
  const { version, routes } = loadOpenApiRoutes();
  const known = new Set(routes);
  const fake = fakeGitHubRoutes().filter((r) => r !== 'POST /graphql');
  const unknown = fake.filter((r) => !known.has(r));
  if (unknown.length > 0) throw new Error(`the fake serves routes GitHub's OpenAPI lacks:\n${unknown.join('\n')}`);
  const out = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'openapi-routes.json');
  writeFileSync(out, `${JSON.stringify({ source: `@octokit/openapi-types ${version}`, routes: fake }, null, 1)}\n`);
  process.stdout.write(`wrote ${fake.length} routes (all in OpenAPI, ${routes.length} there) to ${out}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
