// An empty config.yaml or plugins.yaml is a mistake (a truncated write, a ConfigMap key gone missing),
// never an intent: loaded as-is it would turn every job or every plugin off without a word. Both files
// must hold a document; `{}` is how to say "nothing here" on purpose.
import type { IssueList } from './errors.js';

/** True for text with no YAML content: blank, comments, document markers, or a lone null. */
export function isBlankYaml(src: string): boolean {
  const content = src
    .split(/\r?\n/)
    .map((l) => l.replace(/(^|\s)#.*$/, '').trim())
    .filter((l) => l !== '' && l !== '---' && l !== '...');
  return content.length === 0 || (content.length === 1 && ['~', 'null', 'Null', 'NULL'].includes(content[0]!));
}

export function requireContent(path: string, src: string, what: 'config.yaml' | 'plugins.yaml', issues: IssueList): void {
  if (!isBlankYaml(src)) return;
  const off = what === 'config.yaml' ? 'every job and setting' : 'every plugin';
  issues.error(path, 1, '', `the file is empty: an empty ${what} is not a valid config (it would turn ${off} off); write {} to mean "no settings" on purpose`);
}
