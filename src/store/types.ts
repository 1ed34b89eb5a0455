// The Store seams (docs/architecture.md, docs/store.md): ProwJobs (ProwJobStore) and webhook deliveries (DeliveryQueue).
// Components meet here and never import each other. Implementations: sqlite (embedded default) and, for
// ProwJobs, kubernetes (upstream's ProwJob CRD, store/kubernetes/).
import type { ProwJob } from '../api/prowjob.js';

/** Kubernetes-style equality selector: every key must be present with exactly this value. */
export type LabelSelector = Record<string, string>;

export interface ListOptions {
  labels?: LabelSelector;
}

/** A list is a snapshot: its resourceVersion is where a watch picks up so that nothing falls in between. */
export interface ProwJobList {
  /** Sorted by name, as a Kubernetes list is. */
  items: ProwJob[];
  resourceVersion: string;
}

export interface WatchOptions {
  /**
   * Deliver every change after this one (a list's or an event's resourceVersion). Absent: changes after the
   * watch starts. Too old for the store's change history: the watch emits `expired` and ends.
   */
  resourceVersion?: string;
  labels?: LabelSelector;
  /** Also send `bookmark` events (Kubernetes' allowWatchBookmarks). */
  allowBookmarks?: boolean;
}

/**
 * `deleted` carries the last object, with the deletion's resourceVersion (as Kubernetes). `bookmark` only
 * moves the consumer's resourceVersion on (e.g. past changes the label selector left out). `expired` is
 * Kubernetes' 410 Gone: the requested resourceVersion is older than the store keeps; the watch has ended and
 * the consumer lists again.
 */
export type WatchEvent =
  | { type: 'added' | 'modified' | 'deleted'; prowjob: ProwJob }
  | { type: 'bookmark'; resourceVersion: string }
  | { type: 'expired' };

/** An event that carries a ProwJob. */
export type ObjectWatchEvent = Extract<WatchEvent, { prowjob: ProwJob }>;

export interface Watch {
  close(): void;
}

export class ConflictError extends Error {
  override readonly name = 'ConflictError';
  constructor(
    readonly kind: string,
    readonly objectName: string,
    readonly resourceVersion: string | undefined,
    options?: ErrorOptions,
  ) {
    super(`${kind} ${objectName}: resourceVersion ${resourceVersion ?? '(none)'} is stale`, options);
  }
}

export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  constructor(readonly kind: string, readonly objectName: string) {
    super(`${kind} ${objectName} not found`);
  }
}

export class AlreadyExistsError extends Error {
  override readonly name = 'AlreadyExistsError';
  constructor(readonly kind: string, readonly objectName: string) {
    super(`${kind} ${objectName} already exists`);
  }
}

/**
 * A `cursor` that no page handed out (`before` of queryProwJobs). deck answers it with a 400.
 */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
  constructor(readonly cursor: string, options?: ErrorOptions) {
    super(`queryProwJobs: invalid "before" cursor ${JSON.stringify(cursor)}`, options);
  }
}

/**
 * ProwJobs, Kubernetes-shaped: resourceVersions are opaque strings that callers compare only for equality
 * (never order them or parse them). Implementations: sqlite (embedded default); kubernetes (the ProwJob CRD).
 */
export interface ProwJobStore {
  /**
   * Reads the store itself, never a cache: after `updateProwJob`/`createProwJob` has resolved, a get in any
   * process sees that write or a later one (SQLite: one file, committed before the promise resolves).
   * plank relies on this (it re-reads a job before each sync). An informer over this store may lag it.
   */
  getProwJob(name: string): Promise<ProwJob | undefined>;
  /** A consistent snapshot and the resourceVersion it was taken at (pass it to watchProwJobs). */
  listProwJobs(options?: ListOptions): Promise<ProwJobList>;
  /** Assigns metadata.resourceVersion and creationTimestamp; throws AlreadyExistsError on a taken name. */
  createProwJob(pj: ProwJob): Promise<ProwJob>;
  /**
   * Optimistic concurrency: a set pj.metadata.resourceVersion must be current, else ConflictError; an absent
   * one makes the update unconditional (as a Kubernetes PUT). NotFoundError when the job does not exist.
   * Resolves once the write is committed: a getProwJob or listProwJobs after it sees it (read-your-writes);
   * watches and informers see it a little later.
   */
  updateProwJob(pj: ProwJob): Promise<ProwJob>;
  /** NotFoundError when the job does not exist (a racing deleter catches it). */
  deleteProwJob(name: string): Promise<void>;
  /**
   * Calls back for every change after `options.resourceVersion` (or after the watch starts), also changes made
   * by other processes on the same store, in commit order. List, then watch from the list's resourceVersion:
   * nothing is missed and nothing is seen twice. After `expired` no more events come (close it anyway).
   */
  watchProwJobs(options: WatchOptions, onEvent: (event: WatchEvent) => void): Watch;
  /**
   * Newest first, paged, for deck's lists over many jobs. InvalidCursorError for a `before` no page handed
   * out. A store without indexes answers from an informer (store/informer-query.ts).
   */
  queryProwJobs(query?: ProwJobQuery): Promise<ProwJobPage>;
  /**
   * The same page as queryProwJobs, each job as the JSON text the store keeps (never parsed), with what deck
   * filters on beside it, in batches read as they are consumed (deck streams them to the client). The page's
   * `next` cursor comes with the last batch; InvalidCursorError from the first. Optional: a store that keeps
   * no documents leaves it out and deck serialises.
   */
  streamProwJobDocuments?(query?: ProwJobQuery): AsyncIterable<ProwJobDocumentBatch>;
}

/** Part of a page of stored ProwJob documents (ProwJobStore.streamProwJobDocuments); `next` on the last. */
export interface ProwJobDocumentBatch {
  documents: { json: string; org: string | null; repo: string | null; hidden: boolean }[];
  next?: string;
}

export interface Delivery {
  /** X-GitHub-Delivery */
  id: string;
  /** X-GitHub-Event */
  event: string;
  /** The raw body exactly as received (the signature covers it). */
  payload: string;
  receivedAt: string;
  /** Serialisation key: deliveries with the same key are handled in order (e.g. "org/repo#12"). */
  orderKey?: string;
}

export type DeliveryStatus = 'queued' | 'claimed' | 'done' | 'failed';

export interface StoredDelivery extends Delivery {
  status: DeliveryStatus;
  attempts: number;
  lastError?: string;
  /** When a retried delivery may be claimed again (RFC 3339). */
  notBefore?: string;
}

/**
 * The webhook queue hook writes before it answers GitHub and its dispatcher drains: its own seam, apart from
 * ProwJobStore (a ProwJob CRD store is no webhook queue; deliveries stay in SQLite on the hook's volume).
 */
export interface DeliveryQueue {
  /** Returns false when this delivery id was already accepted (a redelivery): it is not queued again. */
  enqueueDelivery(delivery: Delivery): Promise<boolean>;
  /** Claims up to `limit` queued deliveries whose order key is not already claimed, oldest first. */
  claimDeliveries(limit: number): Promise<StoredDelivery[]>;
  completeDelivery(id: string): Promise<void>;
  /** Puts a claimed delivery back for a later attempt, or marks it failed once attempts run out. */
  retryDelivery(id: string, error: string, notBefore: string | undefined): Promise<void>;
  /** Start-up: deliveries claimed by a process that died go back to queued. */
  requeueClaimedDeliveries(): Promise<number>;
  getDelivery(id: string): Promise<StoredDelivery | undefined>;
}

/** Filters for deck-style paging over many jobs; every field narrows the result. */
export interface ProwJobQuery {
  job?: string;
  type?: string;
  state?: string;
  org?: string;
  repo?: string;
  pull?: number;
  cluster?: string;
  /** The author of the first pull (spec.refs.pulls[0].author), through an expression index. */
  author?: string;
  /** Job name with `*` wildcards (SQLite GLOB; other GLOB characters are matched literally). */
  jobPattern?: string;
  complete?: boolean;
  labels?: LabelSelector;
  /** Page size (default 500, at most 10000). */
  limit?: number;
  /** The `next` cursor of a previous page. */
  before?: string;
}

export interface ProwJobPage {
  /** Newest first: by status.startTime, then name. */
  prowjobs: ProwJob[];
  /** Pass as `before` to get the following (older) page; absent on the last page. */
  next?: string;
}

/** The embedded store: ProwJobs and the webhook queue in one SQLite file. Hook code takes a DeliveryQueue, job code a ProwJobStore. */
export interface Store extends ProwJobStore, DeliveryQueue {
  close(): Promise<void>;
}

/** Build numbers vended by tot: one increasing counter per job name, persisted. */
export interface BuildNumberStore {
  /** Increments the job's counter and returns the new value (1 for a job never seen). */
  nextBuildNumber(job: string): Promise<number>;
  /** The last vended value, 0 for a job never seen. */
  currentBuildNumber(job: string): Promise<number>;
  /** Sets the counter (the next vend returns value + 1). */
  setBuildNumber(job: string, value: number): Promise<void>;
}
