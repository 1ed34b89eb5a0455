// What every plugin test world shares (test/plugins/shared/fixtures.ts for the misc plugins,
// test/plugins/trigger/fixtures.ts for trigger, lgtm, approve and the scenarios; the world itself is
// test/support/world.ts): webhook payloads read from the fake's own REST JSON, demultiplexing, and
// running a delivery through a plugin twice.
import assert from 'node:assert/strict';
import type { FakeGitHub } from '../../../src/github/fake/server.js';
import { demuxEvent } from '../../../src/github/events.js';
import type { Handler, Plugin, PluginContext } from '../../../src/plugins/types.js';
import type { GenericCommentEvent, PluginEvent, TypedEvent } from '../../../src/github/event-types.js';

export const BOT = 'k8s-ci-robot';

export interface Delivery {
  type: string;
  id: string;
  payload: Record<string, any>;
}

/** GET `path` from the fake as JSON: webhook payloads are built from it so their shapes are GitHub's. */
export async function restJson(gh: FakeGitHub, path: string): Promise<Record<string, any>> {
  const res = await fetch(`${gh.url}${path}`, { headers: { authorization: 'token test-token', accept: 'application/vnd.github+json' } });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
  return (await res.json()) as Record<string, any>;
}

export function demux(d: Delivery): { typed?: TypedEvent; generic?: GenericCommentEvent } {
  return demuxEvent(d.type, d.id, d.payload);
}

export function typedOf<K extends TypedEvent['kind']>(d: Delivery, kind: K): Extract<TypedEvent, { kind: K }> {
  const { typed } = demux(d);
  if (!typed || typed.kind !== kind) throw new Error(`delivery ${d.id} is not a ${kind}`);
  return typed as Extract<TypedEvent, { kind: K }>;
}

export function genericOf(d: Delivery): GenericCommentEvent {
  const { generic } = demux(d);
  if (!generic) throw new Error(`delivery ${d.id} has no generic comment view`);
  return generic;
}

/** Writes as short strings (upstream fakegithub style): `POST .../labels`, `DELETE .../comments/{id}`. */
export function writes(gh: FakeGitHub): string[] {
  return gh.calls({ write: true }).map((c) => c.route);
}

/** Runs `plugin`'s handler for the delivery's typed event, then for its generic comment view, as hook does. */
export async function deliverTo(plugin: Plugin, d: Delivery, ctx: PluginContext): Promise<void> {
  const { typed, generic } = demux(d);
  for (const e of [typed, generic]) {
    if (e === undefined) continue;
    const handler = plugin.handlers[e.kind] as Handler<PluginEvent> | undefined;
    if (handler) await handler(e, ctx);
  }
}

/** Runs `deliver` twice, as a GitHub redelivery would: the second pass must write nothing. */
export async function deliverTwice(gh: FakeGitHub, deliver: () => Promise<void>): Promise<void> {
  await deliver();
  const n = writes(gh).length;
  await deliver();
  assert.equal(writes(gh).length, n, `redelivery wrote: ${writes(gh).slice(n).join(', ')}`);
}
