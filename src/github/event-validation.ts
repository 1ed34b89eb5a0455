// The fields each handled event kind's plugins read from the raw payload, with their JSON types. A signed
// payload whose fields do not have them (GitHub never sends such a thing; a forged-but-signed or broken
// proxy might) produces no event: one warning naming the field, never a TypeError inside a plugin.
//
// A spec is a list of `path: type` rules. `?` after the type makes the field optional (absent or null
// is fine; present means it has that type). `[]` in a path applies the rest of the rule to every element.

type JsonType = 'string' | 'number' | 'boolean' | 'object' | 'array';
interface Rule {
  path: string[];
  type: JsonType;
  optional: boolean;
}

function rules(spec: string): Rule[] {
  const all = spec
    .trim()
    .split(/\s+/)
    .map((r) => {
      const [path = '', t = ''] = r.split(':');
      const optional = t.endsWith('?');
      return { path: path.split('.'), type: (optional ? t.slice(0, -1) : t) as JsonType, optional };
    });
  // Required containers last: a missing `pull_request.head` is reported as the field a plugin reads
  // from it (`pull_request.head.sha`).
  const container = (r: Rule) => !r.optional && (r.type === 'object' || r.type === 'array');
  return [...all.filter((r) => !container(r)), ...all.filter(container)];
}

const USER = (at: string, optional = true) => `${at}:object${optional ? '?' : ''} ${at}.login:string? ${at}.type:string? ${at}.html_url:string?`;
const REPOSITORY = `repository:object repository.name:string repository.full_name:string? repository.owner:object
  repository.owner.login:string? repository.owner.name:string? repository.html_url:string? repository.default_branch:string?`;
const PULL = (at: string) => `${at}:object ${at}.number:number ${at}.id:number? ${at}.node_id:string?
  ${at}.base:object ${at}.base.ref:string ${at}.base.sha:string? ${at}.base.repo:object ${at}.base.repo.name:string
  ${at}.base.repo.owner:object ${at}.base.repo.owner.login:string ${at}.base.repo.html_url:string? ${at}.base.repo.full_name:string?
  ${at}.head:object ${at}.head.sha:string ${at}.head.ref:string?
  ${USER(`${at}.user`)} ${at}.title:string? ${at}.body:string? ${at}.html_url:string? ${at}.state:string?
  ${at}.draft:boolean? ${at}.merged:boolean? ${at}.mergeable:boolean?
  ${at}.assignees:array? ${at}.assignees.[]:object? ${at}.assignees.[].login:string?
  ${at}.labels:array? ${at}.labels.[]:object? ${at}.labels.[].name:string?`;
const ISSUE = `issue:object issue.number:number issue.id:number? issue.node_id:string? ${USER('issue.user')}
  issue.title:string? issue.body:string? issue.html_url:string? issue.state:string? issue.pull_request:object?
  issue.assignees:array? issue.assignees.[]:object? issue.assignees.[].login:string?
  issue.labels:array? issue.labels.[]:object? issue.labels.[].name:string?`;
const COMMENT = `comment:object comment.id:number comment.node_id:string? comment.body:string? comment.html_url:string? ${USER('comment.user')}`;
const COMMON = `${REPOSITORY} ${USER('sender')} action:string`;
const LABEL = 'label:object? label.name:string? assignee:object? assignee.login:string?';

const SPECS: Record<string, Rule[]> = {
  issues: rules(`${COMMON} ${ISSUE} ${LABEL}`),
  issue_comment: rules(`${COMMON} ${ISSUE} ${COMMENT}`),
  pull_request: rules(`${COMMON} number:number? ${PULL('pull_request')} ${LABEL} changes:object? changes.base:object?
    changes.base.ref:object? changes.base.ref.from:string? changes.base.sha:object? changes.base.sha.from:string?`),
  pull_request_review: rules(`${COMMON} ${PULL('pull_request')} review:object review.id:number? review.node_id:string?
    review.state:string review.body:string? review.html_url:string? ${USER('review.user')}`),
  pull_request_review_comment: rules(`${COMMON} ${PULL('pull_request')} ${COMMENT}`),
  push: rules(`${REPOSITORY} ${USER('sender')} ref:string before:string after:string compare:string? created:boolean? deleted:boolean?
    commits:array? commits.[]:object commits.[].added:array? commits.[].added.[]:string commits.[].removed:array?
    commits.[].removed.[]:string commits.[].modified:array? commits.[].modified.[]:string`),
  status: rules(`${REPOSITORY} ${USER('sender')} sha:string state:string context:string description:string? target_url:string?`),
};

function typeOf(v: unknown): JsonType | 'null' | 'undefined' {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v as JsonType;
}

/** The first value at `path` (expanding `[]`) that breaks the rule, as `[where, got]`. */
function check(value: unknown, rule: Rule, i: number, where: string): [string, string] | undefined {
  if (i === rule.path.length) {
    const got = typeOf(value);
    if (got === rule.type) return undefined;
    if ((got === 'undefined' || got === 'null') && rule.optional) return undefined;
    return [where, got];
  }
  const key = rule.path[i]!;
  if (key === '[]') {
    if (!Array.isArray(value)) return undefined; // the array's own rule speaks for it
    for (const [j, el] of value.entries()) {
      const bad = check(el, rule, i + 1, `${where}[${j}]`);
      if (bad) return bad;
    }
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    // A required field under a missing parent is missing; under an optional one, the parent's rule decides.
    return rule.optional ? undefined : [[...(where === '' ? [] : [where]), ...rule.path.slice(i)].join('.'), 'undefined'];
  }
  return check((value as Record<string, unknown>)[key], rule, i + 1, where === '' ? key : `${where}.${key}`);
}

export interface PayloadProblem {
  /** The offending field, e.g. `repository.name` or `commits[2].added[0]`. */
  field: string;
  want: string;
  got: string;
}

/**
 * The first field of a handled event's payload that does not have the type its plugins rely on, or
 * undefined when the payload is usable (and for event types hook does not handle).
 */
export function validateEventPayload(eventType: string, payload: Record<string, unknown>): PayloadProblem | undefined {
  const spec = SPECS[eventType];
  if (!spec) return undefined;
  for (const rule of spec) {
    const bad = check(payload, rule, 0, '');
    if (bad) return { field: bad[0], want: rule.optional ? `${rule.type} or null` : rule.type, got: bad[1] };
  }
  return undefined;
}
