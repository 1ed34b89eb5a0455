// `prow clonerefs`: upstream's clonerefs pod utility (cmd/clonerefs, pkg/clonerefs/run.go). Clones every
// refs of $CLONEREFS_OPTIONS with git and writes the clone records to `log`. A failed clone is recorded,
// not fatal (initupload reads the records and fails the pod), unless `fail` is set.
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { cloneRefs, DEFAULT_GIT_USER_EMAIL, DEFAULT_GIT_USER_NAME, pathForRefs } from '../git/clonerefs.js';
import { marshalCloneRecords, type CloneRecord } from '../podutils/clone-record.js';
import { decodeCloneRefsOptions, OptionsError, type CloneRefsOptions } from '../podutils/options.js';
import { fatal, info, optionsFromEnv, warn } from './support/pod-utility.js';

interface CloneRefsFlags {
  srcRoot: string;
  log: string;
  gitUserName: string;
  gitUserEmail: string;
  cookiefile?: string;
  fail?: boolean;
}

export function createCommand(): Command {
  return new Command('clonerefs')
    .description('pod utility: clone the refs of a job with git and write the clone records ($CLONEREFS_OPTIONS; docs/pod-utilities.md)')
    .option('--src-root <dir>', 'where to root source checkouts', '')
    .option('--log <file>', 'where to write the clone records', '')
    .option('--git-user-name <name>', 'user name to set in git config', DEFAULT_GIT_USER_NAME)
    .option('--git-user-email <email>', 'email to set in git config', DEFAULT_GIT_USER_EMAIL)
    .option('--cookiefile <file>', 'path to a git http.cookiefile')
    .option('--fail', "exit non-zero if any of the refs can't be fetched")
    .action(async (flags: CloneRefsFlags) => {
      process.env['PROW_COMPONENT'] ??= 'clonerefs';
      let o: CloneRefsOptions;
      try {
        const fromEnv = optionsFromEnv('CLONEREFS_OPTIONS', decodeCloneRefsOptions);
        if (!fromEnv) throw new OptionsError('$CLONEREFS_OPTIONS is unset: prow clonerefs reads its refs from it (the --repo flag form is not supported)');
        o = fromEnv;
        // The decoration passes the cookie file as a flag beside the variable; upstream ignores flags then, we take it when the JSON has none.
        if (!o.cookie_path && flags.cookiefile) o.cookie_path = flags.cookiefile;
        if (flags.fail) o.fail = true;
      } catch (err) {
        fatal(`Could not resolve options: ${(err as Error).message}`);
      }
      checkPaths(o);
      const { env, preparation } = await authEnvironment(o);
      const token = preparation.failed ? {} : await oauthToken(o, preparation);
      const records: CloneRecord[] = preparation.failed
        ? [preparation]
        : await cloneRefs({
          srcRoot: o.src_root, refs: o.refs, gitUserName: o.git_user_name || DEFAULT_GIT_USER_NAME, gitUserEmail: o.git_user_email || DEFAULT_GIT_USER_EMAIL,
          env, ...(o.max_parallel_workers ? { maxParallel: o.max_parallel_workers } : {}), ...token,
        }, preparation);
      try {
        await writeFile(o.log, marshalCloneRecords(records), { mode: 0o755 });
      } catch (err) {
        fatal(`Failed to clone refs: write clone records: ${(err as Error).message}`);
      }
      const failed = records.filter((r) => r.failed).length;
      if (failed > 0) warn(`${failed} clone record(s) failed: see ${o.log}`);
      if (o.fail && failed > 0) fatal(`Failed to clone refs: ${failed} clone records failed`);
      info('Finished cloning refs');
    });
}

/** Validate's path check: two refs of one repository must not land in one directory. */
function checkPaths(o: CloneRefsOptions): void {
  const seen = new Map<string, number>();
  o.refs.forEach((ref, i) => {
    const path = pathForRefs(o.src_root, ref);
    const existing = seen.get(path);
    if (existing !== undefined) {
      const other = o.refs[existing]!;
      const message = `clone ref config ${i} (for ${ref.org}/${ref.repo}) will be extracted to ${path}, which clone ref ${existing} (for ${other.org}/${other.repo}) is also using`;
      if (other.org === ref.org && other.repo === ref.repo) fatal(`Invalid options: ${message}`);
      warn(`multiple refs clone to the same location: ${message}`);
    }
    seen.set(path, i);
  });
}

/**
 * Git's environment for the credentials: SSH keys (key_files, each a file or a directory of keys) and host
 * fingerprints through GIT_SSH_COMMAND, the cookie file as http.cookiefile. GitHub App authentication is
 * not supported: that is a failed record 0 saying so, and nothing is cloned.
 */
async function authEnvironment(o: CloneRefsOptions): Promise<{ env: Record<string, string>; preparation: CloneRecord }> {
  const preparation: CloneRecord = { refs: { org: '', repo: '' }, commands: [] };
  const env: Record<string, string> = {};
  if (o.github_app_id) {
    preparation.commands!.push({ command: 'github app authentication', error: 'prow clonerefs does not support GitHub App authentication (github_app_id); use oauth_token_secret' });
    preparation.failed = true;
    return { env, preparation };
  }
  const ssh: string[] = [];
  for (const key of o.key_files ?? []) {
    try {
      const files = (await stat(key)).isDirectory() ? (await readdir(key)).filter((f) => !f.startsWith('..')).map((f) => join(key, f)) : [key];
      for (const f of files) ssh.push('-i', shellQuote(f));
      preparation.commands!.push({ command: `add ssh keys from ${key}` });
    } catch (err) {
      preparation.commands!.push({ command: `add ssh keys from ${key}`, error: (err as Error).message });
      preparation.failed = true;
      return { env, preparation };
    }
  }
  if (o.host_fingerprints?.length) {
    const knownHosts = join(process.env['TMPDIR'] ?? '/tmp', `clonerefs-known_hosts-${process.pid}`);
    await writeFile(knownHosts, `${o.host_fingerprints.join('\n')}\n`);
    preparation.commands!.push({ command: `golang: append ${JSON.stringify(knownHosts)}` });
    ssh.push('-o', `UserKnownHostsFile=${shellQuote(knownHosts)}`, '-o', 'StrictHostKeyChecking=yes');
  }
  if (ssh.length > 0) env['GIT_SSH_COMMAND'] = `ssh -o IdentitiesOnly=yes ${ssh.join(' ')}`;
  if (o.cookie_path) {
    env['GIT_CONFIG_COUNT'] = '1';
    env['GIT_CONFIG_KEY_0'] = 'http.cookiefile';
    env['GIT_CONFIG_VALUE_0'] = o.cookie_path;
  }
  if (preparation.commands!.length === 0) delete preparation.commands;
  return { env, preparation };
}

async function oauthToken(o: CloneRefsOptions, preparation: CloneRecord): Promise<{ token?: string }> {
  if (!o.oauth_token_file) return {};
  try {
    const token = (await readFile(o.oauth_token_file, 'utf8')).trim();
    return token ? { token } : {};
  } catch (err) {
    warn(`Failed to read oauth key file: ${(err as Error).message}`);
    preparation.failed = true;
    (preparation.commands ??= []).push({ command: 'read oauth token file', error: (err as Error).message });
    return {};
  }
}

function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}
