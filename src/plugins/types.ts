// The plugin contract (docs/plugins-core.md "Writing a plugin"). A plugin is plain data: a name, its help and
// one handler per event kind. Handlers take `(event, ctx)`: the event is a normalised, typed view of one
// webhook delivery (src/github/events.ts builds it), the context holds every capability the plugin may
// use. A plugin never opens a socket or a database, and its handlers are idempotent: after a crash the
// dispatcher may hand the same delivery twice.
import type { Logger } from '../observability/logger.js';
import type { ProwJobStore } from '../store/types.js';
import type { GitHubClient } from '../github/types.js';
import type { ConfigSnapshot, PluginsConfig } from '../config/types.js';
import type { GenericCommentEvent, IssueCommentEvent, IssueEvent, PullRequestEvent, PushEvent, ReviewCommentEvent, ReviewEvent, StatusEvent } from '../github/event-types.js';
import type { OwnersClient } from '../owners/types.js';
import type { GitClient, MergedTreeReader } from '../git/types.js';
import type { Clock } from '../api/clock.js';
import type { PluginConfigSection } from '../config/plugin-sections.js';

// ---------------------------------------------------------------------------------------------------
// Context: capabilities handed to a handler. Built fresh for each (delivery, plugin).

/** What plugins may do with ProwJobs: create them, and find and abort (update) running ones. */
export type JobCreator = Pick<ProwJobStore, 'createProwJob' | 'listProwJobs' | 'getProwJob' | 'updateProwJob'>;

/** A ConfigMap config-updater writes: upstream's ConfigMapID. */
export interface ConfigMapId {
  name: string;
  namespace: string;
  /** Build cluster alias (`default` is the cluster Prow runs in). */
  cluster: string;
}

/** One key of a ConfigMap: its new bytes, or `undefined` to delete the key. */
export interface ConfigMapKeyUpdate {
  key: string;
  value: Buffer | undefined;
}

/**
 * Where config-updater's ConfigMaps go (upstream updateconfig.Update). Embedded mode writes each one as a
 * directory of files (src/plugins/config-updater/files-target.ts); real ConfigMaps come with cluster mode.
 */
export interface ConfigMapTarget {
  /** Applies the updates to one ConfigMap and records `sha` under its VERSION key, as upstream does. */
  apply(id: ConfigMapId, updates: readonly ConfigMapKeyUpdate[], sha: string): Promise<void>;
  /** Where `id` lives, for the PR comment (e.g. a directory); undefined for a real ConfigMap. */
  describe(id: ConfigMapId): string | undefined;
}

/** Posting to Slack (upstream pkg/slack Client.WriteMessage): slackevents' only capability beyond GitHub. */
export interface SlackClient {
  writeMessage(text: string, channel: string): Promise<void>;
}

/** A Jira remote link (REST v2 `/issue/{id}/remotelink`), as upstream's go-jira RemoteLink. */
export interface JiraRemoteLink {
  id?: number;
  object: { url: string; title: string; icon?: { url16x16?: string; title?: string } };
}

/** The Jira calls the jira plugin makes (upstream pkg/jira Client); src/plugins/jira/jira-client.ts over REST v2. */
export interface JiraClient {
  /** The instance's base URL (links in comments go to `<url>/browse/<KEY-1>`). */
  readonly url: string;
  /** Project keys, as Jira spells them. */
  listProjects(): Promise<string[]>;
  /** The issue's key, or undefined when Jira answers 404. */
  getIssue(key: string): Promise<{ key: string } | undefined>;
  getRemoteLinks(key: string): Promise<JiraRemoteLink[]>;
  addRemoteLink(key: string, link: JiraRemoteLink): Promise<void>;
  updateRemoteLink(key: string, link: JiraRemoteLink & { id: number }): Promise<void>;
}

/** A Bugzilla bug as the REST API returns it (upstream pkg/bugzilla/types.go Bug), the fields the bugzilla plugin reads. */
export interface BugzillaBug {
  id: number;
  status: string;
  resolution?: string;
  is_open?: boolean;
  severity?: string;
  target_release?: string[];
  depends_on?: number[];
  groups?: string[];
  qa_contact_detail?: { email?: string; name?: string; real_name?: string } | null;
  summary?: string;
  blocks?: number[];
  /** The other fields Bugzilla sends (product, component, version, ...), copied when the bug is cloned. */
  [field: string]: unknown;
}

/** A change to a bug (upstream bugzilla.BugUpdate). */
export interface BugzillaBugUpdate {
  status?: string;
  resolution?: string;
  target_release?: string[];
  depends_on?: { add?: number[] };
  blocks?: { add?: number[] };
  whiteboard?: string;
}

/** A GitHub pull request linked from a bug through Bugzilla's external tracker (upstream bugzilla.ExternalBug). */
export interface BugzillaExternalPR {
  org: string;
  repo: string;
  num: number;
}

/** The Bugzilla calls the bugzilla plugin makes (upstream pkg/bugzilla Client); src/plugins/bugzilla/bugzilla-client.ts over REST and JSON-RPC. */
export interface BugzillaClient {
  /** The instance's base URL (links in comments go to `<endpoint>/show_bug.cgi?id=N`). */
  readonly endpoint: string;
  /** The bug, or undefined when Bugzilla answers 404 (upstream IsNotFound). */
  getBug(id: number): Promise<BugzillaBug | undefined>;
  updateBug(id: number, update: BugzillaBugUpdate): Promise<void>;
  /** Bugs this bug blocks that have its summary (upstream GetClones). */
  getClones(bug: BugzillaBug): Promise<BugzillaBug[]>;
  /** A copy of the bug (fields, sub-components, comments as its description) that depends on it; the new id (upstream CloneBug). */
  cloneBug(bug: BugzillaBug): Promise<number>;
  /** GitHub pull requests in the bug's external trackers. */
  getExternalBugPRsOnBug(id: number): Promise<BugzillaExternalPR[]>;
  /** True when the link was added, false when it was there already. */
  addPullRequestAsExternalBug(id: number, org: string, repo: string, num: number): Promise<boolean>;
  /** True when the link was removed, false when there was none. */
  removePullRequestAsExternalBug(id: number, org: string, repo: string, num: number): Promise<boolean>;
  createComment(id: number, comment: string, isPrivate: boolean): Promise<void>;
}

export interface PluginContext {
  /** GitHub client scoped to this plugin (logs carry `plugin`); writes are logged instead in --dry-run. */
  github: GitHubClient;
  /**
   * config.yaml + job config + plugins.yaml, one snapshot taken when the delivery's handling started (the
   * dispatcher reads it once per delivery). Never cache its fields.
   */
  snapshot: ConfigSnapshot;
  jobs: JobCreator;
  owners?: OwnersClient;
  git?: GitClient;
  /** Reads `.prow.yaml` / `.prow/` at the merge of a PR's refs (in-repo config); absent: in-repo config cannot be read. */
  mergedTrees?: MergedTreeReader;
  /** Where config-updater writes ConfigMaps; absent when the process has no target. */
  configMaps?: ConfigMapTarget;
  /**
   * HTTP to services outside GitHub (the image APIs of dog, pony, cat, goose): the process's fetch, a
   * fake's in tests. Absent means the process offers none, and such plugins say so.
   */
  http?: typeof fetch;
  /** Slack, when the process was given a token or webhook (`--slack-token-file`, `--slack-webhook-url`). */
  slack?: SlackClient;
  /** Jira, when the process was given `--jira-endpoint`. */
  jira?: JiraClient;
  /** Bugzilla, when the process was given `--bugzilla-endpoint`. */
  bugzilla?: BugzillaClient;
  /** Child logger with component, plugin, delivery, event, org, repo, pr. */
  log: Logger;
  deliveryId: string;
  /**
   * True when this delivery was claimed before (its claim count is above 1): an earlier handling may have
   * written already, after a crash or a transient failure. Reads that exist only to keep a redelivery from
   * replying or writing twice (e.g. listing comments before a reply) are made only when this is true: a
   * delivery handled for the first time cannot have an earlier reply.
   */
  redelivery: boolean;
  clock: Clock;
}

// ---------------------------------------------------------------------------------------------------
// Help: upstream's pluginhelp.PluginHelp, camelCased here; /plugin-help serves upstream's keys.

export interface PluginCommand {
  /** e.g. "/hold [cancel]" */
  usage: string;
  /** Shown prominently in the command help page. */
  featured?: boolean;
  description: string;
  /** e.g. "Anyone", "Collaborators on the repository" */
  whoCanUse: string;
  examples: string[];
}

export interface PluginHelp {
  description: string;
  /** Per repo ("" or "org/repo") text describing the plugin's configuration. */
  config?: Record<string, string>;
  /** An example plugins.yaml snippet. */
  snippet?: string;
  commands?: PluginCommand[];
}

export type Handler<E> = (event: E, ctx: PluginContext) => Promise<void>;

export interface PluginHandlers {
  genericComment?: Handler<GenericCommentEvent>;
  issue?: Handler<IssueEvent>;
  issueComment?: Handler<IssueCommentEvent>;
  pullRequest?: Handler<PullRequestEvent>;
  review?: Handler<ReviewEvent>;
  reviewComment?: Handler<ReviewCommentEvent>;
  push?: Handler<PushEvent>;
  status?: Handler<StatusEvent>;
}

export interface Plugin {
  /** The registered name used in plugins.yaml (`release-note`, `config-updater`, ...). */
  name: string;
  help: PluginHelp;
  /**
   * The plugins.yaml section this plugin owns (`lgtm`, `approve`, `triggers`, ...): its schema, upstream's
   * defaults and its validation. The loader and checkconfig iterate the registry's sections.
   */
  config?: PluginConfigSection;
  /**
   * Optional: configuration text for /plugin-help, computed from plugins.yaml for the repos the plugin is
   * enabled in (upstream HelpProvider). Keys are "" or "org/repo".
   */
  configHelp?: (pluginConfig: PluginsConfig, enabledRepos: string[]) => Record<string, string>;
  handlers: PluginHandlers;
}
