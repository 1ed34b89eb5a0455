// Flags for the issue trackers outside GitHub that hook's plugins talk to (upstream pkg/flagutil/jira.go):
// --jira-endpoint with --jira-bearer-token-file or --jira-username/--jira-password-file. No endpoint, no
// client: a plugin that needs one fails its events saying which flag is missing.
import type { Command } from 'commander';
import type { PluginsConfig } from '../../config/types.js';
import type { Logger } from '../../observability/logger.js';
import { createJiraClient } from '../../plugins/jira/jira-client.js';
import type { JiraClient } from '../../plugins/types.js';

export interface TrackerFlags {
  jiraEndpoint?: string;
  jiraBearerTokenFile?: string;
  jiraUsername?: string;
  jiraPasswordFile?: string;
}

export function addTrackerFlags(command: Command): Command {
  return command
    .option('--jira-endpoint <url>', 'The Jira endpoint to use (the jira plugin)')
    .option('--jira-bearer-token-file <file>', 'Location to a file containing the Jira bearer authorization token')
    .option('--jira-username <name>', 'The username to use for Jira basic auth')
    .option('--jira-password-file <file>', 'Location to a file containing the Jira basic auth password');
}

/** The clients the flags ask for; throws (at start-up) on bad flags or unreadable secret files. */
export function trackerClients(f: TrackerFlags & { dryRun?: boolean }, log: Logger): { jira?: JiraClient } {
  const out: { jira?: JiraClient } = {};
  if (f.jiraEndpoint !== undefined && f.jiraEndpoint !== '') {
    out.jira = createJiraClient({
      endpoint: f.jiraEndpoint, bearerTokenFile: f.jiraBearerTokenFile, username: f.jiraUsername, passwordFile: f.jiraPasswordFile,
      dryRun: f.dryRun, log: log.child({ client: 'jira' }),
    });
  }
  return out;
}

/** Says at start-up (and on each call) when plugins.yaml enables jira but hook has no Jira client. */
export function warnMissingTrackers(pc: PluginsConfig, clients: { jira?: JiraClient }, log: Logger): void {
  const enabled = Object.entries(pc.plugins).filter(([, op]) => op.plugins.includes('jira')).map(([key]) => key);
  if (enabled.length > 0 && clients.jira === undefined) {
    log.warn({ plugin: 'jira', enabled_for: enabled }, 'the jira plugin is enabled but there is no --jira-endpoint: its events will fail');
  }
}
