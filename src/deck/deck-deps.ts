// What deck is handed (src/cli builds it) and the per-request values its handlers share.
import type { Registry } from 'prom-client';
import type { BucketOpener } from '../artifacts/buckets.js';
import type { ArtifactStore, LogSource } from '../artifacts/types.js';
import type { TideDataSource } from '../api/tide-json.js';
import type { Deck, Periodic, Plank, Postsubmit, Presubmit, TideQuery } from '../config/types.js';
import type { Logger } from '../observability/logger.js';
import type { ProwJobStore } from '../store/types.js';
import type { MembershipChecker, Session } from './auth.js';
import type { OAuthConfig } from './oauth.js';
import type { HelpData } from './pages/help.js';

/** The part of the Prow config deck reads, fetched per request (config reloads apply at once). */
export interface DeckConfigView {
  deck?: Partial<Deck>;
  /** For /tide's query list. */
  tide?: { queries?: TideQuery[] };
  /** The buckets decoration configs name: what deck may open when `deck.skip_storage_path_validation` is false. */
  plank?: Pick<Plank, 'default_decoration_config_entries'>;
  presubmits?: Record<string, Presubmit[]>;
  postsubmits?: Record<string, Postsubmit[]>;
  periodics?: Periodic[];
  /** Where links to GitHub go (default https://github.com). */
  github?: { link_url?: string };
}

export interface DeckDeps {
  store: ProwJobStore;
  artifacts: ArtifactStore;
  /**
   * Opens the gs:// and s3:// buckets of /view/, /job-history/ and the job pages' bucket links (src/cli builds
   * it with createBucketOpener). Absent: only the local `artifacts` store is read.
   */
  openBucket?: BucketOpener;
  /**
   * Build logs: the executor's live log while a job runs, the uploaded one afterwards (src/cli combines
   * them with combineLogSources and uploadedBuildLogs). Absent: the uploaded build-log.txt only, from the
   * job's bucket when `openBucket` opens it, else from `artifacts`.
   */
  logs?: LogSource;
  config: () => DeckConfigView;
  log: Logger;
  /** Plugin help for /command-help (hook's /plugin-help JSON); absent: the page says it is unavailable. */
  pluginHelp?: () => Promise<HelpData>;
  /** Org and team lookups for rerun_auth_configs (the bot's GitHub client). */
  github?: MembershipChecker;
  /** HMAC key material for session cookies and CSRF tokens; random per start when absent. */
  cookieSecret?: Buffer;
  oauth?: OAuthConfig;
  /** Demo mode: these logins may sign in locally without GitHub. Never set this against real GitHub. */
  demoUsers?: string[];
  /** Mark cookies Secure (serve over HTTPS). */
  secureCookies?: boolean;
  /** How often a live log stream looks for new bytes (default 250 ms). */
  logPollMs?: number;
  /** Tide's pools and history for /tide and /tide-history (absent: those pages say tide is not configured). */
  tide?: TideDataSource;
  /** Where deck's metrics go (served at /metrics); a private registry when absent. */
  registry?: Registry;
}

/** Hono's per-request variables: every request has a session (set by the session middleware). */
export type DeckEnv = { Variables: { session: Session } };
