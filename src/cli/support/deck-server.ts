// `prow up`'s deck: a thin adapter from the embedded wiring to src/deck. Job URLs (plank.job_url_template,
// by default <deck URL>/view/local/prow-artifacts/<artifact path>/) land on deck's job page.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { createBucketOpener, type BucketOpener } from '../../artifacts/buckets.js';
import { combineLogSources } from '../../artifacts/log-source.js';
import type { TideDataSource } from '../../api/tide-json.js';
import type { ArtifactStore, LogSource } from '../../artifacts/types.js';
import type { Config, PluginsConfig } from '../../config/types.js';
import type { MembershipChecker } from '../../deck/auth.js';
import type { OAuthConfig } from '../../deck/oauth.js';
import type { HelpData } from '../../deck/pages/help.js';
import type { Registry } from 'prom-client';
import { uploadedBuildLogs } from '../../deck/bucket-logs.js';
import { startDeckServer as startDeck, type DeckServer } from '../../deck/server.js';
import type { GitHubClient } from '../../github/types.js';
import { generatePluginHelp } from '../../hook/plugin-help.js';
import { builtinPlugins } from '../../plugins/registry.js';
import type { ProwJobStore } from '../../store/types.js';

export interface DeckServerDeps {
  port: number;
  hostname?: string;
  store: ProwJobStore;
  artifacts: ArtifactStore;
  /** The executor's live build logs (see deckLogSource). */
  liveLogs?: LogSource;
  log: Logger;
  /** The current config and plugins.yaml (rerun_auth_configs, hidden repos, command help). */
  snapshot?: () => { config: Config; plugins?: PluginsConfig };
  /** The bot's client: org and team lookups for rerun authorisation. */
  github?: Pick<GitHubClient, 'isMember' | 'getTeamMembership'>;
  /** Demo mode: logins that may sign in locally. */
  demoUsers?: string[];
  cookieSecret?: Buffer;
  /** Where every component's metrics go; deck's /metrics serves it. */
  registry?: Registry;
  oauth?: OAuthConfig;
  /** Mark cookies Secure (deck is served over https). */
  secureCookies?: boolean;
  /** Keep the session key in `<dataDir>/deck-cookie-secret` (created once) so sign-ins survive a restart. */
  dataDir?: string;
  /** Tide's pools and history, for /tide and /tide-history. */
  tide?: TideDataSource;
  /** Deck's GitHub links go here instead of config.yaml github.link_url (demo mode: the fake GitHub's pages). */
  githubLinkUrl?: string;
}

/** The session key file in the data directory, created with 32 random bytes the first time. */
export function ensureCookieSecret(dataDir: string): Buffer {
  const file = join(dataDir, 'deck-cookie-secret');
  if (!existsSync(file)) writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  return readFileSync(file);
}

export type { DeckServer };

export function membershipChecker(gh: Pick<GitHubClient, 'isMember' | 'getTeamMembership'>): MembershipChecker {
  return {
    isMember: (org, login) => gh.isMember(org, login),
    isTeamMember: async (org, slug, login) => (await gh.getTeamMembership(org, slug, login))?.state === 'active',
  };
}

export function pluginHelpSource(plugins: () => PluginsConfig | undefined): () => Promise<HelpData> {
  return () => generatePluginHelp(builtinPlugins, plugins());
}

/**
 * The buckets `prow up`'s deck reads for /view/…, /job-history/…: file:// buckets only (embedded jobs upload
 * to the local artifact directory), so gs:// and s3:// views answer 501 naming the missing access.
 * `prow deck` opens gs:// and s3:// too, from its credentials flags (support/buckets.ts).
 */
export function deckBucketOpener(): BucketOpener {
  return createBucketOpener();
}

/**
 * What deck shows as a job's build log: the executor's live log while it runs, the uploaded one afterwards
 * (from the job's bucket when `openBucket` opens it, else from the local artifact store).
 */
export function deckLogSource(live: LogSource, artifacts: ArtifactStore, openBucket?: BucketOpener): LogSource {
  return combineLogSources({ live, uploaded: uploadedBuildLogs(artifacts, openBucket) });
}

export async function startDeckServer(deps: DeckServerDeps): Promise<DeckServer> {
  const snapshot = deps.snapshot;
  const openBucket = deckBucketOpener();
  return startDeck({
    port: deps.port,
    ...(deps.hostname ? { hostname: deps.hostname } : {}),
    store: deps.store,
    artifacts: deps.artifacts,
    openBucket,
    ...(deps.liveLogs ? { logs: deckLogSource(deps.liveLogs, deps.artifacts, openBucket) } : {}),
    log: deps.log,
    config: () => {
      const config = snapshot ? snapshot().config : {};
      return deps.githubLinkUrl ? { ...config, github: { link_url: deps.githubLinkUrl } } : config;
    },
    ...(snapshot ? { pluginHelp: pluginHelpSource(() => snapshot().plugins) } : {}),
    ...(deps.github ? { github: membershipChecker(deps.github) } : {}),
    ...(deps.demoUsers ? { demoUsers: deps.demoUsers } : {}),
    ...(deps.tide ? { tide: deps.tide } : {}),
    ...(deps.registry ? { registry: deps.registry } : {}),
    ...(deps.oauth ? { oauth: deps.oauth, secureCookies: deps.secureCookies ?? false } : {}),
    ...(deps.cookieSecret ? { cookieSecret: deps.cookieSecret } : deps.dataDir ? { cookieSecret: ensureCookieSecret(deps.dataDir) } : {}),
  });
}
