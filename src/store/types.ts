// The Store seam (DESIGN.md): ProwJobs and webhook deliveries. Components meet here and never import
// each other. Implementations: sqlite (embedded default), kubernetes (ProwJob CRD) later.
import type { ProwJob } from '../api/prowjob.js';

/** Kubernetes-style equality selector: every key must be present with exactly this value. */
export type LabelSelector = Record<string, string>;

export interface ListOptions {
  labels?: LabelSelector;
}

export type WatchEventType = 'added' | 'modified' | 'deleted';

export interface WatchEvent {
  type: WatchEventType;
  prowjob: ProwJob;
}

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

export interface ProwJobStore {
  getProwJob(name: string): Promise<ProwJob | undefined>;
  listProwJobs(options?: ListOptions): Promise<ProwJob[]>;
  /** Assigns metadata.resourceVersion and creationTimestamp; throws AlreadyExistsError on a taken name. */
  createProwJob(pj: ProwJob): Promise<ProwJob>;
  /**
   * Optimistic concurrency: a set pj.metadata.resourceVersion must be current, else ConflictError; an absent
   * one makes the update unconditional (as a Kubernetes PUT). NotFoundError when the job does not exist.
   */
  updateProwJob(pj: ProwJob): Promise<ProwJob>;
  /** NotFoundError when the job does not exist (a racing deleter catches it). */
  deleteProwJob(name: string): Promise<void>;
  /**
   * Calls back for every change after the watch starts (also changes made by other processes on the same store),
   * in commit order; a deleted event carries the last object. Start the watch before listing: a change made in
   * between then shows up in both (handle it idempotently) instead of in neither.
   */
  watchProwJobs(onEvent: (event: WatchEvent) => void, options?: ListOptions): Watch;
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

export interface DeliveryStore {
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

/** A store that pages through ProwJobs with indexed filters (deck's list and PR pages). */
export interface PagedProwJobStore {
  queryProwJobs(query?: ProwJobQuery): ProwJobPage;
}

export interface Store extends ProwJobStore, DeliveryStore {
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
