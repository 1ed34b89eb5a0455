// A GenericCommentEvent with sensible defaults for plugin tests, of the shape the dispatcher hands to
// handlers (src/github/events.ts). A PluginContext comes from test/support/plugin-context.ts.
import type { GenericCommentEvent } from '../../../src/github/event-types.js';

export interface CommentEventOptions extends Partial<Omit<GenericCommentEvent, 'kind' | 'org' | 'repo'>> {
  /** "org/repo" */
  repo?: string;
}

export function commentEvent(opts: CommentEventOptions = {}): GenericCommentEvent {
  const { repo: full = 'org/repo', ...rest } = opts;
  const [org, repo] = full.split('/') as [string, string];
  const number = rest.number ?? 1;
  const isPR = rest.isPR ?? true;
  const kindPath = isPR ? 'pull' : 'issues';
  return {
    kind: 'genericComment',
    deliveryId: 'test-delivery',
    eventType: 'issue_comment',
    sender: rest.user ?? 'commenter',
    org,
    repo,
    action: 'created',
    isPR,
    body: '',
    htmlURL: `https://github.com/${full}/${kindPath}/${number}#issuecomment-1`,
    user: 'commenter',
    commentId: 1,
    id: 1,
    nodeId: 'IC_1',
    number,
    issueAuthor: 'author',
    assignees: [],
    issueState: 'open',
    issueTitle: 'A title',
    issueBody: '',
    issueHTMLURL: `https://github.com/${full}/${kindPath}/${number}`,
    defaultBranch: 'master',
    ...rest,
  };
}
