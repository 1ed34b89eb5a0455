// `prow plank`: the historical name of `prow controller`.
import type { Command } from 'commander';
import { createControllerCommand } from './controller.js';

export function createCommand(): Command {
  return createControllerCommand('plank');
}
