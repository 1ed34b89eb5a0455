// `prow hook --local` (2017's cmd/hook --local): no secrets, no GitHub. 2017 handed plugins a fake client
// that never touched the network and answered every membership check "yes"; here the reads go to the
// built-in fake GitHub, in process, which learns each repository, user and issue or pull request from the
// deliveries as they arrive, and the writes are logged as one line each (the client's dry-run mode).
import { dirname } from 'node:path';
import { startFakeGitHub, type FakeGitHub } from '../../github/fake/server.js';
import type { FakeSeed } from '../../github/fake/state.js';
import type { Logger } from '../../observability/logger.js';
import type { Delivery, DeliveryQueue } from '../../store/types.js';

/** The HMAC secret 2017's `hook --local` printed and used, and `phony`'s default. */
export const LOCAL_HMAC_SECRET = 'abcde12345';
export const LOCAL_BOT = 'prow-local-bot';
export const LOCAL_TOKEN = 'local-token';

interface PayloadUser { login?: string; type?: string }
interface PayloadIssue {
  number?: number;
  title?: string;
  body?: string | null;
  state?: string;
  user?: PayloadUser;
  labels?: Array<{ name?: string }>;
  pull_request?: unknown;
  base?: { ref?: string };
  head?: { ref?: string };
}
interface Payload {
  repository?: { full_name?: string; default_branch?: string; master_branch?: string; owner?: PayloadUser };
  sender?: PayloadUser;
  comment?: { user?: PayloadUser };
  review?: { user?: PayloadUser };
  issue?: PayloadIssue;
  pull_request?: PayloadIssue;
  number?: number;
}

/** What a delivery tells about the world: its repo, its people (org members, as 2017's fake said), its issue or PR. */
export function seedFromPayload(payload: Payload, known: Set<string>): FakeSeed | undefined {
  const full = payload.repository?.full_name;
  if (!full || !full.includes('/')) return undefined;
  const org = full.split('/')[0]!;
  const users = [payload.sender, payload.comment?.user, payload.review?.user, payload.issue?.user, payload.pull_request?.user]
    .map((u) => u?.login)
    .filter((l): l is string => !!l);
  const seed: FakeSeed = {
    users: [...new Set(users)],
    orgs: { [org]: { members: [...new Set(users)] } },
  };
  // Collaborators too: 2017's fake client let everyone do everything.
  seed.repos = [{
    repo: full,
    defaultBranch: payload.repository?.default_branch ?? payload.repository?.master_branch ?? 'master',
    collaborators: [...new Set(users)],
  }];
  const pr = payload.pull_request;
  const issue = payload.issue;
  const item = pr ?? issue;
  const number = item?.number ?? payload.number;
  if (item && number !== undefined && !known.has(`${full}#${number}`)) {
    known.add(`${full}#${number}`);
    const common = {
      repo: full,
      number,
      title: item.title ?? `#${number}`,
      body: item.body ?? '',
      author: item.user?.login ?? users[0] ?? LOCAL_BOT,
      labels: (item.labels ?? []).map((l) => l.name).filter((n): n is string => !!n),
      state: item.state === 'closed' ? ('closed' as const) : ('open' as const),
    };
    if (pr || issue?.pull_request !== undefined) {
      seed.pulls = [{ ...common, ...(pr?.head?.ref ? { head: pr.head.ref } : {}) }];
    } else seed.issues = [common];
  }
  return seed;
}

/** Starts the in-process fake GitHub and returns it with the directory its repositories live under (for git clones). */
export async function startLocalGitHub(): Promise<{ fake: FakeGitHub; reposRoot: string }> {
  const fake = await startFakeGitHub({ host: '127.0.0.1', seed: { bot: LOCAL_BOT, repos: [{ repo: `${LOCAL_BOT}/scratch` }] } });
  const reposRoot = dirname(dirname(await fake.repoDir(`${LOCAL_BOT}/scratch`)));
  return { fake, reposRoot };
}

/** The delivery queue, teaching the fake GitHub what each delivery mentions before plugins read it. */
export function learningDeliveryQueue(queue: DeliveryQueue, fake: FakeGitHub, log: Logger): DeliveryQueue {
  const known = new Set<string>();
  return {
    async enqueueDelivery(delivery: Delivery): Promise<boolean> {
      try {
        const seed = seedFromPayload(JSON.parse(delivery.payload) as Payload, known);
        if (seed) await fake.seed(seed);
      } catch (err) {
        log.warn({ err, delivery: delivery.id }, 'local mode: could not learn from the payload; plugins may not find what it names');
      }
      return queue.enqueueDelivery(delivery);
    },
    claimDeliveries: (limit) => queue.claimDeliveries(limit),
    completeDelivery: (id) => queue.completeDelivery(id),
    retryDelivery: (id, error, notBefore) => queue.retryDelivery(id, error, notBefore),
    requeueClaimedDeliveries: () => queue.requeueClaimedDeliveries(),
    getDelivery: (id) => queue.getDelivery(id),
  };
}
