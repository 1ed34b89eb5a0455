// Flags for the issue trackers outside GitHub that hook's plugins talk to (upstream pkg/flagutil/jira.go and
// pkg/flagutil/bugzilla.go): --jira-endpoint with --jira-bearer-token-file or --jira-username/--jira-password-file;
// --bugzilla-endpoint with --bugzilla-api-key-path (and --bugzilla-auth-method, --bugzilla-github-external-tracker-id).
// No endpoint, no client: a plugin that needs one fails its events saying which flag is missing.
import type { Command } from 'commander';
import type { PluginsConfig } from '../../config/types.js';
import type { Logger } from '../../observability/logger.js';
import { createBugzillaClient } from '../../plugins/bugzilla/bugzilla-client.js';
import { createJiraClient } from '../../plugins/jira/jira-client.js';
import type { BugzillaClient, JiraClient } from '../../plugins/types.js';

export interface TrackerFlags {
  jiraEndpoint?: string;
  jiraBearerTokenFile?: string;
  jiraUsername?: string;
  jiraPasswordFile?: string;
  bugzillaEndpoint?: string;
  bugzillaApiKeyPath?: string;
  bugzillaAuthMethod?: string;
  bugzillaGithubExternalTrackerId?: string;
}

interface TrackerClients {
  jira?: JiraClient;
  bugzilla?: BugzillaClient;
}

export function addTrackerFlags(command: Command): Command {
  return command
    .option('--jira-endpoint <url>', 'The Jira endpoint to use (the jira plugin)')
    .option('--jira-bearer-token-file <file>', 'Location to a file containing the Jira bearer authorization token')
    .option('--jira-username <name>', 'The username to use for Jira basic auth')
    .option('--jira-password-file <file>', 'Location to a file containing the Jira basic auth password')
    .option('--bugzilla-endpoint <url>', "Bugzilla's API endpoint (the bugzilla plugin)")
    .option('--bugzilla-api-key-path <file>', 'Path to the file containing the Bugzilla API key')
    .option('--bugzilla-auth-method <method>', 'Which authorization method will be used. Values can be bearer, query or x-bugzilla-api-key')
    .option('--bugzilla-github-external-tracker-id <id>', 'The ext_type_id for GitHub external bugs, optional');
}

/** The clients the flags ask for; throws (at start-up) on bad flags or unreadable secret files. */
export function trackerClients(f: TrackerFlags & { dryRun?: boolean }, log: Logger): TrackerClients {
  const out: TrackerClients = {};
  if (f.jiraEndpoint !== undefined && f.jiraEndpoint !== '') {
    out.jira = createJiraClient({
      endpoint: f.jiraEndpoint, bearerTokenFile: f.jiraBearerTokenFile, username: f.jiraUsername, passwordFile: f.jiraPasswordFile,
      dryRun: f.dryRun, log: log.child({ client: 'jira' }),
    });
  }
  if (f.bugzillaEndpoint !== undefined && f.bugzillaEndpoint !== '') {
    const trackerId = f.bugzillaGithubExternalTrackerId === undefined ? 0 : Number(f.bugzillaGithubExternalTrackerId);
    if (!Number.isInteger(trackerId) || trackerId < 0) throw new Error(`--bugzilla-github-external-tracker-id ${JSON.stringify(f.bugzillaGithubExternalTrackerId)} is not a non-negative integer`);
    if ((f.bugzillaApiKeyPath ?? '') === '') log.info('empty --bugzilla-api-key-path, will use anonymous Bugzilla client');
    out.bugzilla = createBugzillaClient({
      endpoint: f.bugzillaEndpoint, apiKeyPath: f.bugzillaApiKeyPath, authMethod: f.bugzillaAuthMethod, githubExternalTrackerId: trackerId,
      dryRun: f.dryRun, log: log.child({ client: 'bugzilla' }),
    });
  }
  return out;
}

/** Says at start-up when plugins.yaml enables jira or bugzilla but hook has no client for it. */
export function warnMissingTrackers(pc: PluginsConfig, clients: TrackerClients, log: Logger): void {
  const missing: [string, unknown, string][] = [['jira', clients.jira, '--jira-endpoint'], ['bugzilla', clients.bugzilla, '--bugzilla-endpoint']];
  for (const [plugin, client, flag] of missing) {
    const enabled = Object.entries(pc.plugins).filter(([, op]) => op.plugins.includes(plugin)).map(([key]) => key);
    if (enabled.length > 0 && client === undefined) {
      log.warn({ plugin, enabled_for: enabled }, `the ${plugin} plugin is enabled but there is no ${flag}: its events will fail`);
    }
  }
}
