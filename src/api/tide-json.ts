// What tide serves and deck reads (upstream pkg/tide/tide.go Pool, CodeReviewCommon; history.Record),
// key for key, so that deck and tide meet here without importing each other.
import type { Pull } from './prowjob.js';

/** Upstream CodeReviewCommon as JSON (tide's `/`). */
export interface TidePullJSON {
  NameWithOwner: string;
  Number: number;
  Org: string;
  Repo: string;
  BaseRefPrefix: string;
  BaseRefName: string;
  HeadRefName: string;
  HeadRefOID: string;
  Title: string;
  Body: string;
  AuthorLogin: string;
  UpdatedAtTime: string;
  Mergeable: string;
}

export interface TideBlockerJSON {
  Number: number;
  Title: string;
  URL: string;
}

export interface TidePoolJSON {
  Org: string;
  Repo: string;
  Branch: string;
  SuccessPRs: TidePullJSON[];
  PendingPRs: TidePullJSON[];
  MissingPRs: TidePullJSON[];
  BatchPending: TidePullJSON[];
  Action: string;
  Target: TidePullJSON[];
  Blockers: TideBlockerJSON[];
  Error: string;
  TenantIDs: string[];
  /** Ours: the reason code of the action (docs/tide.md). */
  Reason?: string;
  /** Ours: PRs tide took out of the pool this sync, with why. */
  Evicted?: { Number: number; Reason: string }[];
  /** Ours: PR number → required jobs with no passing run at the pool's base. */
  MissingTests?: Record<string, string[]>;
}

export interface TideHistoryRecordJSON {
  time: string;
  action: string;
  baseSHA?: string;
  target?: Pull[];
  err?: string;
  tenantids: string[];
  reason?: string;
}

/** Where deck reads tide's data: tide's HTTP API (`--tide-url`) or, in `prow up`, tide itself. */
export interface TideDataSource {
  pools(): Promise<TidePoolJSON[]>;
  history(): Promise<Record<string, TideHistoryRecordJSON[]>>;
}
