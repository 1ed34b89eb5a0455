// The utilities' own log lines, in the JSON shape logrus writes for upstream's pod utilities
// (pkg/logrusutil ComponentInit): component, level, msg, severity, time.
export function logrusLine(level: 'debug' | 'info' | 'warning' | 'error' | 'fatal', msg: string, fields: Record<string, unknown> = {}): string {
  return `${JSON.stringify({ component: process.env['PROW_COMPONENT'] ?? 'pod-utils', ...fields, level, msg, severity: level, time: new Date().toISOString() })}\n`;
}
