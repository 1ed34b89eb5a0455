// project-manager (upstream pkg/plugins/projectmanager) calls GitHub's Projects (classic) REST API, which
// GitHub removed on 2025-04-01: plugins.yaml enabling it is refused with that reason (file:line), by
// checkconfig, hook and `prow up` alike (they share the loader). `project` loads (test/plugins/project).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IssueList, formatIssue } from '../../src/config/errors.js';
import { parsePluginsConfig } from '../../src/config/plugins.js';
import { builtinPluginNames, builtinPluginSections } from '../../src/plugins/registry.js';

describe('plugins GitHub no longer supports', () => {
  for (const name of ['project-manager']) {
    it(`${name} is refused with the reason`, () => {
      const issues = new IssueList(false);
      parsePluginsConfig('plugins.yaml', `plugins:\n  org:\n    plugins:\n    - hold\n    - ${name}\n`, issues, {
        checkUnknownPlugins: true, implementedPlugins: builtinPluginNames(), sections: builtinPluginSections(),
      });
      const text = issues.errors.map(formatIssue).join('\n');
      assert.match(text, new RegExp(`plugins\\.yaml:5: plugins\\["org"\\]\\.plugins\\[1\\]: plugin "${name}" is an upstream plugin this Prow does not implement yet: it uses GitHub's Projects \\(classic\\) REST API, which GitHub removed on 2025-04-01`));
    });
  }
});
