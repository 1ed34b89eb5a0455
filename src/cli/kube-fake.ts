import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { parseImageCommand } from '../kube/kubelet/images.js';
import { parsePort } from './support/flags.js';
import { createCommandLogger, logFormatOption, type LogFormatFlags } from './support/logging.js';
import { checkPortsFree } from './support/preflight.js';
import { closeOnSignal } from './support/shutdown.js';

interface KubeFakeFlags extends LogFormatFlags {
  port: number;
  hostname: string;
  kubeconfigOut?: string;
  context: string;
  namespace?: string;
  kubelet: boolean;
  rootDir?: string;
  token?: string;
  imageCommand: [string, string[]][];
}

function collectImageCommand(value: string, previous: [string, string[]][]): [string, string[]][] {
  try {
    return [...previous, parseImageCommand(value)];
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

export function createCommand(): Command {
  return new Command('kube-fake')
    .description('a Kubernetes API server fake with a kubelet that runs pods as local processes (docs/kube-fake.md)')
    .option('--port <port>', 'port to listen on (0 picks a free one)', parsePort, 6443)
    .option('--hostname <host>', 'address to bind', '127.0.0.1')
    .option('--kubeconfig-out <file>', 'write a kubeconfig for kubectl and @kubernetes/client-node here')
    .option('--context <name>', 'context, cluster and user name in the kubeconfig', 'kube-fake')
    .option('--namespace <ns>', "the kubeconfig context's default namespace")
    .option('--no-kubelet', 'store pods without scheduling or running them')
    .option('--root-dir <dir>', 'where the kubelet keeps pod directories (default: a temp dir removed on exit)')
    .option('--token <token>', 'require this bearer token (default: any token is accepted)')
    .option('--image-command <image=command>', "the default command of an image for containers without a command (repeatable; the pod utilities' images and ours run this prow)", collectImageCommand, [])
    .addOption(logFormatOption())
    .action(async (flags: KubeFakeFlags) => {
      const { log } = createCommandLogger('kube-fake', flags);
      await checkPortsFree([{ flag: '--port', port: flags.port, host: flags.hostname }]);
      // Loaded here, not at the top: bin/prow imports every subcommand module to list them, and the
      // fake's validators (@kubernetes/client-node, kubernetes-models) would slow every `prow` start.
      const { startKubeApiFake } = await import('../kube/fake/server.js');
      const fake = await startKubeApiFake({
        port: flags.port,
        hostname: flags.hostname,
        log,
        kubelet: flags.kubelet ? {
          ...(flags.rootDir === undefined ? {} : { rootDir: resolve(flags.rootDir) }),
          // This same prow runs the pod utilities of decorated pods (docs/kube-fake.md "Images").
          imageCommands: { prow: [process.execPath, process.argv[1]!], overrides: Object.fromEntries(flags.imageCommand) },
        } : false,
        ...(flags.token === undefined ? {} : { token: flags.token }),
      });
      const kubeconfigOpts = { context: flags.context, ...(flags.namespace === undefined ? {} : { namespace: flags.namespace }) };
      if (flags.kubeconfigOut !== undefined) {
        fake.writeKubeconfig(flags.kubeconfigOut, kubeconfigOpts);
        log.info({ file: flags.kubeconfigOut }, 'kubeconfig written');
      }
      process.stdout.write(`${fake.url}\n`);
      closeOnSignal([() => fake.close()], { log });
    });
}
