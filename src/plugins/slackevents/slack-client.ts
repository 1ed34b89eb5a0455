// The Slack client slackevents writes through (upstream pkg/slack/client.go): chat.postMessage with a bot
// token (form fields token, username `prow`, icon `:prow:`, channel, text; Slack answers 200 with
// `ok: false` and an `error` code on failure), or an incoming-webhook URL (JSON `{channel, text}`).
// src/cli builds it from --slack-token-file / --slack-api-url / --slack-webhook-url.
import { readFileSync } from 'node:fs';
import type { Logger } from '../../observability/logger.js';
import type { SlackClient } from '../types.js';

export const DEFAULT_SLACK_API_URL = 'https://slack.com/api';

export class SlackError extends Error {
  override readonly name = 'SlackError';
}

export interface SlackClientOptions {
  /** A file holding the bot token (read on every message, so a rotated secret applies). */
  tokenFile?: string;
  /** Slack's Web API base (default https://slack.com/api); a fake in tests. */
  apiUrl?: string;
  /** An incoming-webhook URL, used instead of the Web API when given. */
  webhookUrl?: string;
  log: Logger;
  fetch?: typeof fetch;
}

/** undefined when neither a token file nor a webhook URL is given. */
export function createSlackClient(o: SlackClientOptions): SlackClient | undefined {
  const doFetch = o.fetch ?? fetch;
  if (o.webhookUrl !== undefined && o.webhookUrl !== '') {
    const url = o.webhookUrl;
    return {
      async writeMessage(text, channel) {
        const res = await doFetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ channel, text }), signal: AbortSignal.timeout(30_000) });
        if (!res.ok) throw new SlackError(`failed to post message to ${channel}: the webhook answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
        o.log.debug({ channel }, 'slack message posted');
      },
    };
  }
  if (o.tokenFile === undefined || o.tokenFile === '') return undefined;
  const tokenFile = o.tokenFile;
  readFileSync(tokenFile); // a missing token file fails at start-up, not at the first message
  const endpoint = `${(o.apiUrl ?? DEFAULT_SLACK_API_URL).replace(/\/+$/, '')}/chat.postMessage`;
  return {
    async writeMessage(text, channel) {
      const form = new URLSearchParams({ username: 'prow', icon_emoji: ':prow:', token: readFileSync(tokenFile, 'utf8').trim(), channel, text });
      const res = await doFetch(endpoint, { method: 'POST', body: form, signal: AbortSignal.timeout(30_000) });
      const body = (await res.json().catch(() => ({}))) as { ok?: boolean; error?: string };
      if (!res.ok || body.ok !== true) {
        throw new SlackError(`failed to post message to ${channel}: ${body.error ?? `HTTP ${res.status}`}`);
      }
      o.log.debug({ channel }, 'slack message posted');
    },
  };
}
