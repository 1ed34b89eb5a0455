// Reply formatting shared by every plugin that answers a command (docs/plugins-misc.md "Replies",
// upstream pkg/plugins/respond.go): "@login: reply", a blank line, then a <details> block quoting the
// command and pointing at the bot's documentation.
import type { GenericCommentEvent } from '../../github/event-types.js';

/** The fixed text at the bottom of every reply's <details> block. */
export const ABOUT_THIS_BOT =
  'Instructions for interacting with me using PR comments are available [here](https://git.k8s.io/community/contributors/guide/pull-requests.md).  ' +
  'If you have questions or suggestions related to my behavior, please file an issue against the ' +
  '[kubernetes-sigs/prow](https://github.com/kubernetes-sigs/prow/issues/new?title=Prow%20issue:) repository.';

/** `@to: message` followed by a <details> block holding `reason` and the footer. */
export function formatResponse(to: string, message: string, reason: string): string {
  return `@${to}: ${message}\n\n<details>\n\n${reason}\n\n${ABOUT_THIS_BOT}\n</details>`;
}

/** `message` followed by a <details> block holding only the footer. */
export function formatSimpleResponse(message: string): string {
  return `${message}\n\n<details>\n\n${ABOUT_THIS_BOT}\n</details>`;
}

/** Quotes `body` line by line (">" + line) under "In response to [this](url):". */
export function formatResponseRaw(body: string, bodyURL: string, login: string, reply: string): string {
  const quoted = body
    .split('\n')
    .map((line) => `>${line}`)
    .join('\n');
  return formatResponse(login, reply, `In response to [this](${bodyURL}):\n\n${quoted}\n`);
}

/** formatResponseRaw for the body, URL and actor of a generic comment event. */
export function formatEventResponse(e: Pick<GenericCommentEvent, 'body' | 'htmlURL' | 'user'>, reply: string): string {
  return formatResponseRaw(e.body, e.htmlURL, e.user, reply);
}
