// Errors that say where: every configuration problem names the file, the line and the field path.

export type ConfigSeverity = 'error' | 'warning';

/** One problem found while loading configuration. `line` is 1-based; 0 when the whole file is meant. */
export interface ConfigIssue {
  file: string;
  line: number;
  field: string;
  message: string;
  severity: ConfigSeverity;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly field: string,
    readonly detail: string,
    options?: ErrorOptions,
  ) {
    super(formatLocation(file, line, field, detail), options);
  }
}

/** Thrown when loading finds at least one error: it carries every error (and the warnings) at once. */
export class ConfigAggregateError extends Error {
  override readonly name = 'ConfigAggregateError';
  constructor(
    readonly errors: ConfigIssue[],
    readonly warnings: ConfigIssue[] = [],
  ) {
    super(
      `${errors.length} configuration error${errors.length === 1 ? '' : 's'}:\n` +
        errors.map((e) => `  ${formatIssue(e)}`).join('\n'),
    );
  }

  /** The errors as ConfigError instances (file, line, field). */
  get configErrors(): ConfigError[] {
    return this.errors.map(issueToError);
  }
}

export function formatLocation(file: string, line: number, field: string, message: string): string {
  const where = line > 0 ? `${file}:${line}` : file;
  return field ? `${where}: ${field}: ${message}` : `${where}: ${message}`;
}

/** `file:line: field: message`, the one-line form checkconfig prints. */
export function formatIssue(issue: ConfigIssue): string {
  return formatLocation(issue.file, issue.line, issue.field, issue.message);
}

export function issueToError(issue: ConfigIssue): ConfigError {
  return new ConfigError(issue.file, issue.line, issue.field, issue.message);
}

/** Collects issues during one load. */
export class IssueList {
  readonly errors: ConfigIssue[] = [];
  readonly warnings: ConfigIssue[] = [];
  constructor(readonly strict = false) {}

  error(file: string, line: number, field: string, message: string): void {
    this.errors.push({ file, line, field, message, severity: 'error' });
  }

  warn(file: string, line: number, field: string, message: string): void {
    this.warnings.push({ file, line, field, message, severity: 'warning' });
  }

  /** An unknown field: a warning, or an error under --strict (upstream LoadStrict). */
  unknown(file: string, line: number, field: string, message: string): void {
    if (this.strict) this.error(file, line, field, message);
    else this.warn(file, line, field, message);
  }

  throwIfErrors(): void {
    if (this.errors.length > 0) throw new ConfigAggregateError(this.errors, this.warnings);
  }
}
