// The logger of a `prow <component>` process: one root, named once for the component, in the format
// `--log-format` asks for, at LOG_LEVEL or else config.yaml's log_level (followed on reload, as
// upstream's config agent sets logrus's level: pkg/config/agent.go).
import { Option } from 'commander';
import { createLogger, LOG_FORMATS, resolveLogFormat, setLogLevel, type LogFormat, type Logger } from '../../observability/logger.js';

export interface LogFormatFlags {
  logFormat?: LogFormat;
}

/** `--log-format text|json`; without it, text on a terminal and JSON otherwise. */
export function logFormatOption(): Option {
  return new Option('--log-format <format>', 'log lines as coloured text or JSON (default: text on a terminal, else json)')
    .choices(LOG_FORMATS);
}

interface CommandLogger {
  /** The root: its level is the process's level. */
  root: Logger;
  /** The root, named for the component; what the component's parts receive. */
  log: Logger;
  /** The format the lines are written in (the flag's, else by whether stdout is a terminal). */
  format: LogFormat;
}

/** Throws a LogLevelError (naming LOG_LEVEL) when the environment asks for a level that does not exist. */
export function createCommandLogger(component: string | undefined, flags: LogFormatFlags): CommandLogger {
  const format = resolveLogFormat(flags.logFormat);
  const root = createLogger({ format });
  return { root, log: component ? root.child({ component }) : root, format };
}

/** What followConfigLogLevel needs of a ConfigAgent. */
interface LogLevelSource {
  current(): { config: { log_level: string } };
  onChange(cb: (next: { config: { log_level: string } }) => void): () => void;
}

/**
 * Applies config.yaml's log_level to `root` now and after every reload, unless LOG_LEVEL is set (the
 * operator's override). Returns the unsubscribe function.
 */
export function followConfigLogLevel(root: Logger, agent: LogLevelSource, env: NodeJS.ProcessEnv = process.env): () => void {
  if (env.LOG_LEVEL !== undefined && env.LOG_LEVEL !== '') return () => undefined;
  const apply = (level: string): void => {
    if (level === '') return;
    // The config loader already refused anything logrus would not parse.
    setLogLevel(root, level, 'config.yaml log_level');
  };
  apply(agent.current().config.log_level);
  return agent.onChange((next) => apply(next.config.log_level));
}
