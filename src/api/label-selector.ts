// Kubernetes label selector strings (k8s.io/apimachinery/pkg/labels.Parse), as `jenkins_operators[].label_selector`
// and `--label-selector` take them, and as the Kubernetes API fake parses `?labelSelector=`: `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, joined by commas.

export class LabelSelectorError extends Error {
  override readonly name = 'LabelSelectorError';
}

type Requirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | '!exists' };

export interface ParsedLabelSelector {
  /** The selector as written (empty matches everything). */
  readonly source: string;
  matches(labels: Readonly<Record<string, string>> | undefined): boolean;
}

// A DNS-subdomain prefix and a name of at most 63 characters; values of at most 63.
const KEY_RE = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const VALUE_RE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** Splits on commas outside parentheses. */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

function checkKey(key: string, src: string): string {
  if (!KEY_RE.test(key)) throw new LabelSelectorError(`invalid label key ${JSON.stringify(key)} in selector ${JSON.stringify(src)}`);
  return key;
}

function checkValue(v: string, src: string): string {
  if (!VALUE_RE.test(v)) throw new LabelSelectorError(`invalid label value ${JSON.stringify(v)} in selector ${JSON.stringify(src)}`);
  return v;
}

function parseRequirement(raw: string, src: string): Requirement {
  const term = raw.trim();
  if (term === '') throw new LabelSelectorError(`empty requirement in selector ${JSON.stringify(src)}`);
  const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(term);
  if (set) {
    const values = set[3]!.split(',').map((v) => checkValue(v.trim(), src));
    return { key: checkKey(set[1]!, src), op: set[2] as 'in' | 'notin', values };
  }
  const eq = /^([^!=\s]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
  if (eq) {
    const value = checkValue(eq[3]!.trim(), src);
    return { key: checkKey(eq[1]!, src), op: eq[2] === '!=' ? 'notin' : 'in', values: [value] };
  }
  if (term.startsWith('!')) return { key: checkKey(term.slice(1).trim(), src), op: '!exists' };
  return { key: checkKey(term, src), op: 'exists' };
}

export function parseLabelSelector(source: string): ParsedLabelSelector {
  const reqs = source.trim() === '' ? [] : splitTop(source).map((t) => parseRequirement(t, source));
  return {
    source,
    matches(labels) {
      const l = labels ?? {};
      return reqs.every((r) => {
        const has = Object.prototype.hasOwnProperty.call(l, r.key);
        switch (r.op) {
          case 'exists':
            return has;
          case '!exists':
            return !has;
          case 'in':
            return has && r.values.includes(l[r.key]!);
          case 'notin':
            return !has || !r.values.includes(l[r.key]!);
        }
      });
    },
  };
}
