// cherrypicker as a running service: the webhook server handing issue_comment and pull_request events to the
// cherrypicker (upstream cmd/external-plugins/cherrypicker/main.go). Used by `prow cherrypicker` and by `prow up`
// when plugins.yaml points cherrypicker at a local endpoint.
import { readFileSync } from 'node:fs';
import type { GitHubClient } from '../../github/types.js';
import { startExternalPluginServer } from '../../hook/external-plugin-server.js';
import type { SecretSource } from '../../hook/secrets.js';
import type { Logger } from '../../observability/logger.js';
import { Cherrypicker, cherrypickHelp, CHERRYPICK_PLUGIN, type CherrypickOptions } from '../../plugins/cherrypicker/cherrypicker.js';
import { cloneForCherrypick } from '../../plugins/cherrypicker/git.js';
import type { RunningExternalPlugin } from './needs-rebase-runner.js';

export interface CherrypickerRunOptions extends CherrypickOptions {
  port: number;
  hostname?: string;
  healthPort?: number;
  metricsPort?: number;
  github: GitHubClient;
  secrets: SecretSource;
  log: Logger;
  /** `--github-token-path`: read at each push to an https remote (a rotated token is picked up). */
  githubTokenPath?: string;
}

export async function runCherrypicker(o: CherrypickerRunOptions): Promise<RunningExternalPlugin & { idle(): Promise<void> }> {
  const { log } = o;
  const tokenPath = o.githubTokenPath;
  const picker = new Cherrypicker({
    gh: o.github.forPlugin(CHERRYPICK_PLUGIN),
    clone: cloneForCherrypick,
    auth: { token: tokenPath ? () => readFileSync(tokenPath, 'utf8').trim() : undefined },
    options: o,
  });
  const server = await startExternalPluginServer({
    name: CHERRYPICK_PLUGIN,
    port: o.port,
    ...(o.hostname !== undefined ? { hostname: o.hostname } : {}),
    ...(o.healthPort !== undefined ? { healthPort: o.healthPort } : {}),
    ...(o.metricsPort !== undefined ? { metricsPort: o.metricsPort } : {}),
    secrets: o.secrets,
    log,
    help: () => ({ Description: cherrypickHelp.description, Config: null, Events: null, Commands: [cherrypickHelp.command] }),
    handle: async (d) => {
      const l = log.child({ 'event-type': d.event, event_GUID: d.id });
      const payload = d.body as Record<string, unknown>;
      try {
        if (d.event === 'issue_comment') await picker.handleIssueComment(l, payload);
        else if (d.event === 'pull_request') await picker.handlePullRequest(l, payload);
        else l.debug(`skipping event of type ${JSON.stringify(d.event)}`);
      } catch (err) {
        l.info({ err }, 'Cherry-pick failed.');
      }
    },
  });
  return { url: server.url, idle: () => server.idle(), close: () => server.close() };
}
