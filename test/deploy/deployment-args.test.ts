// Each Deployment's command line, as the image's entrypoint (`prow`) receives it, parsed by the real
// commander program of src/cli with every action replaced: flags, choices and value parsers run, no server
// starts. An unknown flag, a misspelt subcommand or a bad value fails here instead of in a crash-looping pod.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Command, CommanderError } from 'commander';
import { buildProgram } from '../../src/cli/main.js';
import { deploymentsOf, kustomize, objectName, type Deployment } from './support/manifests.js';

interface Parsed {
  subcommand: string;
  options: Record<string, unknown>;
}

/** Parses `argv` (what follows `prow`) with the real program; resolves the chosen subcommand's options, rejects with commander's error. */
async function parseOnly(argv: readonly string[]): Promise<Parsed> {
  const program = await buildProgram();
  let parsed: Parsed | undefined;
  const errors: string[] = [];
  const quiet = (cmd: Command): void => {
    cmd.configureOutput({ writeOut: () => undefined, writeErr: (s) => errors.push(s) });
  };
  quiet(program);
  for (const sub of program.commands) {
    quiet(sub);
    sub.action(function (this: Command) {
      parsed = { subcommand: this.name(), options: this.opts() };
    });
  }
  try {
    await program.parseAsync(['node', 'prow', ...argv]);
  } catch (err) {
    if (err instanceof CommanderError) throw new Error(`${err.code}: ${err.message}${errors.length > 0 ? ` (${errors.join('').trim()})` : ''}`, { cause: err });
    throw err;
  }
  if (!parsed) throw new Error(`prow ${argv.join(' ')}: no subcommand ran`);
  return parsed;
}

describe("deploy/ Deployments' command lines", () => {
  let deployments: Deployment[];
  before(async () => {
    deployments = deploymentsOf(await kustomize());
  });

  it('every Deployment passes a subcommand and flags that `prow` accepts', async () => {
    assert.ok(deployments.length >= 7);
    for (const d of deployments) {
      const args = d.spec.template.spec.containers[0]!.args ?? [];
      const parsed = await parseOnly(args).catch((err: Error) => assert.fail(`${objectName(d)}: prow ${args.join(' ')}: ${err.message}`));
      assert.equal(parsed.subcommand, args[0], objectName(d));
      assert.equal(parsed.options.store, 'kubernetes', `${objectName(d)} --store`);
    }
  });

  it('the flags mean what the manifests intend: writes on, upstream\'s ports, the mounted files', async () => {
    const byName = new Map(deployments.map((d) => [d.metadata.name, d.spec.template.spec.containers[0]!.args ?? []]));
    const hook = await parseOnly(byName.get('hook')!);
    assert.equal(hook.options.dryRun, false, 'hook --dry-run=false (upstream defaults to true)');
    assert.equal(hook.options.port, '8888');
    assert.equal(hook.options.hmacSecretFile, '/etc/webhook/hmac');
    assert.equal(hook.options.githubTokenPath, '/etc/github/oauth');
    const controller = await parseOnly(byName.get('prow-controller-manager')!);
    assert.equal(controller.subcommand, 'controller');
    assert.equal(controller.options.healthPort, 8081);
    assert.equal(controller.options.metricsPort, 9090);
    assert.equal(controller.options.dryRun, false);
    const tide = await parseOnly(byName.get('tide')!);
    assert.equal(tide.options.dryRun, false, 'tide --dry-run=false (upstream defaults to true)');
    assert.equal(tide.options.port, 8888);
  });

  it('refuses what a pod would crash on: an unknown flag, an unknown subcommand, a bad --store', async () => {
    const hookArgs = deployments.find((d) => d.metadata.name === 'hook')!.spec.template.spec.containers[0]!.args!;
    await assert.rejects(parseOnly([...hookArgs, '--hmac-secret=/etc/webhook/hmac']), /unknownOption: error: unknown option '--hmac-secret=\/etc\/webhook\/hmac'/);
    await assert.rejects(parseOnly(['plank-controller', '--config-path=/etc/config/config.yaml']), /unknownCommand/);
    await assert.rejects(parseOnly(['sinker', '--config-path=/etc/config/config.yaml', '--store=etcd']), /invalidArgument: .*--store <kind>' argument 'etcd' is invalid/);
  });
});
