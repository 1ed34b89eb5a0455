// config-updater (upstream pkg/plugins/updateconfig/updateconfig.go): when a PR that changes a mapped file
// merges into the default branch, the ConfigMaps those files feed are updated with the merged contents,
// and the PR gets a comment naming what was updated. Where a ConfigMap goes is the ConfigMapTarget seam
// (ctx.configMaps): embedded mode writes files; real ConfigMaps need cluster mode.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { PullRequestEvent } from '../../github/event-types.js';
import type { GitHubClient, PullRequestFile } from '../../github/types.js';
import type { Logger } from '../../observability/logger.js';
import { commentOnce } from '../shared/comments.js';
import { formatResponseRaw } from '../shared/respond.js';
import type { ConfigMapId, ConfigMapKeyUpdate, ConfigMapTarget, Plugin } from '../types.js';
import { configUpdaterConfigSection, type ConfigMapSpec, type ConfigUpdaterConfig } from './config-updater-config.js';
import { zglobMatch } from './zglob.js';

export type ConfigUpdaterGitHub = Pick<GitHubClient, 'listPullRequestFiles' | 'getFile' | 'botUser' | 'listComments' | 'createComment'>;

/** One key to write (from `filename` at the merge commit) or to delete (no filename). */
export interface KeyUpdate {
  key: string;
  filename?: string;
  gzip?: boolean;
}

export const configUpdaterPlugin: Plugin = {
  name: 'config-updater',
  help: {
    description:
      "The config-updater plugin redeploys configuration files when a pull request that changes them merges: each file matching a `config_updater.maps` glob is written to its ConfigMap (in embedded mode, the ConfigMap's directory of files, so Prow's own config.yaml and plugins.yaml reload), and the PR gets a comment listing what was updated.",
  },
  config: configUpdaterConfigSection,
  configHelp: (pc, enabledRepos): Record<string, string> => {
    if (enabledRepos.length !== 1) return {};
    const cfg = (pc as unknown as { config_updater?: ConfigUpdaterConfig }).config_updater;
    let msg = '';
    for (const [glob, spec] of Object.entries(cfg?.maps ?? {})) {
      msg += `Files matching ${enabledRepos[0]}/${glob} are used to populate the ${spec.name ?? (spec.partitioned_names ?? []).join(',')} ConfigMap in `;
    }
    return { '': msg };
  },
  handlers: {
    pullRequest: (e, ctx) => handleConfigUpdater(ctx.github, ctx.configMaps, ctx.log, e, {
      config: (ctx.snapshot.plugins as unknown as { config_updater?: ConfigUpdaterConfig }).config_updater ?? configUpdaterConfigSection.defaults(undefined),
      defaultNamespace: ctx.snapshot.config.prowjob_namespace,
      redelivery: ctx.redelivery,
    }),
  },
};

function isAllowed(spec: ConfigMapSpec, fullName: string): boolean {
  const org = fullName.split('/')[0]!;
  if ((spec.denied_repos ?? []).some((d) => d === fullName || d === org)) return false;
  if ((spec.allowed_repos ?? []).length === 0) return true;
  return (spec.allowed_repos ?? []).some((a) => a === fullName || a === org);
}

const idKey = (id: ConfigMapId): string => JSON.stringify([id.cluster, id.namespace, id.name]);

/**
 * Which ConfigMaps the changes touch and how (upstream FilterChanges, not in bootstrap mode): the first
 * glob, in sorted order, that matches a file decides its ConfigMap (upstream takes the first in Go's
 * random map order); renames delete the old key, removals delete the key. An empty namespace is
 * `defaultNamespace`.
 */
export function filterChanges(
  cfg: ConfigUpdaterConfig,
  changes: readonly PullRequestFile[],
  defaultNamespace: string,
  fullName: string,
): Map<string, { id: ConfigMapId; updates: KeyUpdate[] }> {
  const out = new Map<string, { id: ConfigMapId; updates: KeyUpdate[] }>();
  const add = (id: ConfigMapId, u: KeyUpdate): void => {
    const full = { ...id, namespace: id.namespace || defaultNamespace };
    const k = idKey(full);
    const entry = out.get(k) ?? { id: full, updates: [] };
    entry.updates.push(u);
    out.set(k, entry);
  };
  const globs = Object.keys(cfg.maps).sort();
  for (const change of changes) {
    const glob = globs.find((g) => zglobMatch(g, change.filename));
    if (glob === undefined) continue;
    const spec = cfg.maps[glob]!;
    if (!isAllowed(spec, fullName)) continue;
    const keyOf = (filename: string): string => (spec.use_full_path_as_key ? filename.replaceAll('/', '-') : filename.split('/').pop()!);
    const partitions = spec.partitioned_names ?? [];
    const nameFor = (key: string): string =>
      partitions.length > 0 ? partitions[createHash('sha256').update(key).digest()[0]! % partitions.length]! : spec.name ?? '';
    for (const [cluster, namespaces] of Object.entries(spec.clusters ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      for (const namespace of namespaces) {
        let key = spec.key ?? '';
        if (key === '') {
          key = keyOf(change.filename);
          if (change.status === 'renamed' && change.previousFilename !== undefined) {
            const oldKey = keyOf(change.previousFilename);
            add({ name: nameFor(oldKey), namespace, cluster }, { key: oldKey });
          }
        }
        const id = { name: nameFor(key), namespace, cluster };
        if (change.status === 'removed') add(id, { key });
        else add(id, { key, filename: change.filename, gzip: spec.gzip ?? cfg.gzip ?? false });
      }
    }
  }
  return out;
}

function describeUpdate(id: ConfigMapId, updates: readonly KeyUpdate[], indent: string, where: string | undefined): string {
  let identifier = `\`${id.name}\` configmap`;
  if (id.namespace !== '') identifier += ` in namespace \`${id.namespace}\``;
  if (id.cluster !== '') identifier += ` at cluster \`${id.cluster}\``;
  if (where !== undefined) identifier += ` (written to \`${where}\`)`;
  let msg = `${identifier} using the following files:`;
  for (const u of updates) msg += `\n${indent}- key \`${u.key}\` using file \`${u.filename ?? ''}\``;
  return msg;
}

export interface ConfigUpdaterOptions {
  config: ConfigUpdaterConfig;
  /** config.yaml prowjob_namespace: where maps with an empty namespace go. */
  defaultNamespace: string;
  redelivery?: boolean;
}

export async function handleConfigUpdater(
  gh: ConfigUpdaterGitHub,
  target: ConfigMapTarget | undefined,
  log: Logger,
  e: PullRequestEvent,
  o: ConfigUpdaterOptions,
): Promise<void> {
  if (e.action !== 'closed' || Object.keys(o.config.maps).length === 0) return;
  const pr = e.pullRequest as { merged?: boolean | null; merge_commit_sha?: string | null; body?: string | null; html_url: string; user: { login: string } | null; base: { ref: string; repo: { default_branch?: string } } };
  const sha = pr.merge_commit_sha ?? '';
  if (pr.merged !== true || sha === '' || pr.base.repo.default_branch !== pr.base.ref) return;

  const changes = await gh.listPullRequestFiles(e.org, e.repo, e.number);
  const toUpdate = [...filterChanges(o.config, changes, o.defaultNamespace, `${e.org}/${e.repo}`).values()]
    .sort((a, b) => (idKey(a.id) < idKey(b.id) ? -1 : 1));
  if (toUpdate.length === 0) return;
  if (target === undefined) {
    throw new Error('config-updater: this process has no ConfigMap target (prow hook and prow up write files; ConfigMaps need cluster mode)');
  }
  log.debug({ configmaps_to_update: toUpdate.length, changes: changes.length }, 'identified configmaps to update');

  const contents = new Map<string, string>();
  const read = async (filename: string): Promise<string> => {
    let text = contents.get(filename);
    if (text === undefined) {
      text = await gh.getFile(e.org, e.repo, filename, sha);
      if (text === undefined) throw new Error(`config-updater: ${filename} is not in ${e.org}/${e.repo} at ${sha}`);
      contents.set(filename, text);
    }
    return text;
  };

  const indent = toUpdate.length > 1 ? '   ' : ' ';
  const updated: string[] = [];
  const errors: unknown[] = [];
  for (const { id, updates } of toUpdate) {
    try {
      const keyUpdates: ConfigMapKeyUpdate[] = [];
      for (const u of updates) {
        if (u.filename === undefined) {
          keyUpdates.push({ key: u.key, value: undefined });
          continue;
        }
        const raw = Buffer.from(await read(u.filename), 'utf8');
        keyUpdates.push({ key: u.key, value: u.gzip ? gzipSync(raw) : raw });
      }
      await target.apply(id, keyUpdates, sha);
      updated.push(describeUpdate(id, updates, indent, target.describe(id)));
    } catch (err) {
      log.error({ err, configmap: id.name, namespace: id.namespace, cluster: id.cluster }, 'configmap update failed');
      errors.push(err);
    }
  }
  if (updated.length > 0) {
    const msg = updated.length === 1
      ? `Updated the ${updated[0]!}`
      : `Updated the following ${updated.length} configmaps:\n${updated.map((u) => ` * ${u}\n`).join('')}`;
    await commentOnce(gh, e.org, e.repo, e.number, formatResponseRaw(pr.body ?? '', pr.html_url, pr.user?.login ?? '', msg), o.redelivery ?? true);
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, `config-updater: ${errors.length} configmaps failed`);
}
