// A REST label write sent as GraphQL, for when the REST points are spent and GraphQL's budget (a
// separate 2,000 points a minute) has room. GitHub's GraphQL cannot create a label, so the write looks
// up the node ids first (1 point; cached per owner/repo#number and per repo + label name), then sends
// addLabelsToLabelable or removeLabelsFromLabelable (5 points), and answers as the REST call does: the
// issue's labels after the change. When a label does not exist, the issue does not carry the label to
// remove (REST answers 404), the lookup fails or a cached id is gone, the caller takes the REST path.

/** `POST …/issues/{n}/labels` (add) or `DELETE …/issues/{n}/labels/{name}` (remove one). */
export interface LabelWrite {
  op: 'add' | 'remove';
  owner: string;
  repo: string;
  number: number;
  names: string[];
}

const ADD_ROUTE = '/repos/{owner}/{repo}/issues/{issue_number}/labels';
const REMOVE_ROUTE = '/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}';

/** The label write a REST request is, if it is one GraphQL can send; `params` are the request's parameters. */
export function labelWriteOf(method: string, template: string, params: Record<string, unknown>): LabelWrite | undefined {
  const { owner, repo } = params;
  const number = Number(params.issue_number);
  if (typeof owner !== 'string' || typeof repo !== 'string' || !Number.isInteger(number) || number <= 0) return undefined;
  if (method === 'POST' && template === ADD_ROUTE) {
    const names = params.labels;
    if (!Array.isArray(names) || names.length === 0 || !names.every((n): n is string => typeof n === 'string' && n !== '')) return undefined;
    return { op: 'add', owner, repo, number, names };
  }
  if (method === 'DELETE' && template === REMOVE_ROUTE && typeof params.name === 'string' && params.name !== '') {
    return { op: 'remove', owner, repo, number, names: [params.name] };
  }
  return undefined;
}

/** One GraphQL call; throws as the REST client does on an HTTP failure. */
export type GraphQLPost = (query: string, variables: Record<string, unknown>) => Promise<{ status: number; headers: Record<string, unknown>; data: unknown }>;

/** A REST label object (`GET …/labels`). GraphQL's Label has no database id, so `id` is absent. */
interface RestLabel {
  node_id: string;
  url: string;
  name: string;
  color: string;
  default: boolean;
  description: string | null;
}

export type LabelWriteOutcome =
  | { sent: true; labels: RestLabel[]; status: number; headers: Record<string, unknown> }
  | { sent: false; reason: string; status: number; headers: Record<string, unknown> | undefined };

interface GraphQLAnswer {
  data?: Record<string, unknown> | null;
  errors?: { type?: string; message?: string }[];
}

interface LabelNode {
  id: string;
  name: string;
  color?: string;
  description?: string | null;
  isDefault?: boolean;
}

class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, v: V): void {
    this.map.delete(key);
    this.map.set(key, v);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }
  delete(key: string): void {
    this.map.delete(key);
  }
}

const LABELS = 'labels(first: 100) { nodes { id name color description isDefault } }';

export class GraphQLLabelWriter {
  private readonly nodeIds: Lru<string>;
  private readonly labelIds: Lru<string>;

  constructor(cacheSize = 5000) {
    this.nodeIds = new Lru(cacheSize);
    this.labelIds = new Lru(cacheSize);
  }

  /**
   * Whether sending `w` takes a lookup first (its cost: 6 points, else 5). A removal always looks up:
   * REST answers 404 for a label the issue does not carry, which the mutation would not tell.
   */
  needsLookup(w: LabelWrite): boolean {
    if (w.op === 'remove' || this.nodeIds.get(issueKey(w)) === undefined) return true;
    return w.names.some((n) => this.labelIds.get(labelKey(w, n)) === undefined);
  }

  /** Sends `w` as GraphQL. `restBase` is the REST base URL, for the labels' `url`. */
  async send(w: LabelWrite, post: GraphQLPost, restBase: string): Promise<LabelWriteOutcome> {
    let labelableId = this.nodeIds.get(issueKey(w));
    let labelIds = w.names.map((n) => this.labelIds.get(labelKey(w, n)));
    let last: { status: number; headers: Record<string, unknown> } | undefined;
    if (this.needsLookup(w)) {
      const aliases = w.names.map((_, i) => `l${i}`);
      const query = `query($owner: String!, $repo: String!, $number: Int!${aliases.map((a) => `, $${a}: String!`).join('')}) {
  repository(owner: $owner, name: $repo) {
    issueOrPullRequest(number: $number) { __typename ... on Issue { id ${LABELS} } ... on PullRequest { id ${LABELS} } }
    ${aliases.map((a) => `${a}: label(name: $${a}) { id name }`).join('\n    ')}
  }
}`;
      const variables: Record<string, unknown> = { owner: w.owner, repo: w.repo, number: w.number };
      w.names.forEach((n, i) => (variables[`l${i}`] = n));
      const res = await post(query, variables);
      last = res;
      const answer = res.data as GraphQLAnswer;
      const repository = answer.data?.repository as Record<string, unknown> | null | undefined;
      const issue = repository?.issueOrPullRequest as { id?: string; labels?: { nodes?: LabelNode[] } } | null | undefined;
      if (answer.errors?.length || !repository || typeof issue?.id !== 'string') return { sent: false, reason: 'lookup failed', ...res };
      labelableId = issue.id;
      this.nodeIds.set(issueKey(w), issue.id);
      labelIds = aliases.map((a) => (repository[a] as LabelNode | null | undefined)?.id);
      w.names.forEach((n, i) => {
        const id = labelIds[i];
        if (id !== undefined) this.labelIds.set(labelKey(w, n), id);
      });
      if (labelIds.some((id) => id === undefined)) return { sent: false, reason: 'label missing', ...res };
      const on = new Set((issue.labels?.nodes ?? []).map((l) => l.name.toLowerCase()));
      if (w.op === 'remove' && !w.names.every((n) => on.has(n.toLowerCase()))) return { sent: false, reason: 'label not on the issue', ...res };
    }
    const field = w.op === 'add' ? 'addLabelsToLabelable' : 'removeLabelsFromLabelable';
    const input = w.op === 'add' ? 'AddLabelsToLabelableInput' : 'RemoveLabelsFromLabelableInput';
    const mutation = `mutation($input: ${input}!) { ${field}(input: $input) { labelable { ... on Issue { ${LABELS} } ... on PullRequest { ${LABELS} } } } }`;
    const res = await post(mutation, { input: { labelableId, labelIds } });
    const answer = res.data as GraphQLAnswer;
    const labels = ((answer.data?.[field] as { labelable?: { labels?: { nodes?: LabelNode[] } } } | null | undefined)?.labelable?.labels?.nodes);
    if (answer.errors?.length || !Array.isArray(labels)) {
      // A stale cached id (the label was deleted and made again, the issue moved): forget them.
      this.nodeIds.delete(issueKey(w));
      for (const n of w.names) this.labelIds.delete(labelKey(w, n));
      return { sent: false, reason: 'mutation failed', status: res.status, headers: res.headers ?? last?.headers };
    }
    const base = `${restBase}/repos/${w.owner}/${w.repo}/labels/`;
    return {
      sent: true, status: res.status, headers: res.headers,
      labels: labels.map((l) => ({ node_id: l.id, url: base + encodeURIComponent(l.name), name: l.name, color: l.color ?? '', default: l.isDefault ?? false, description: l.description ?? null })),
    };
  }
}

function issueKey(w: LabelWrite): string {
  return `${w.owner}/${w.repo}#${w.number}`.toLowerCase();
}

function labelKey(w: LabelWrite, name: string): string {
  return `${w.owner}/${w.repo}\n${name}`.toLowerCase();
}

/** GraphQL's URL for a REST base URL (GitHub Enterprise Server: `/api/v3` → `/api/graphql`). */
export function graphqlUrl(restBase: string): string {
  return restBase.endsWith('/api/v3') ? `${restBase.slice(0, -'/v3'.length)}/graphql` : `${restBase}/graphql`;
}
