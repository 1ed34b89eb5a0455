// The GitHub request scheduler: one lane per credential (a token, the App, each App installation), so a
// busy installation never delays another. See lane.ts for what a lane does and options.ts for the knobs.
import type { Logger } from '../../observability/logger.js';
import type { GitHubMetrics } from '../metrics.js';
import { GraphQLLabelWriter } from './graphql-labels.js';
import { Lane } from './lane.js';
import { GITHUB_SECONDARY_LIMITS, type SchedulerOptions, type SpacingSettings } from './options.js';

export class GitHubScheduler {
  private readonly lanes = new Map<string, Lane>();
  readonly maxSleepMs: number;
  readonly maxRetries: number;
  /** Sends label writes as GraphQL when the REST points are spent; undefined when off (or the guard is off). */
  readonly graphqlLabels: GraphQLLabelWriter | undefined;

  constructor(private readonly options: SchedulerOptions, private readonly metrics: GitHubMetrics, private readonly log: Logger) {
    this.maxSleepMs = options.maxSleepMs ?? 120_000;
    this.maxRetries = options.maxRetries ?? 3;
    this.graphqlLabels = options.secondary !== false && options.graphqlLabelWrites !== false ? new GraphQLLabelWriter() : undefined;
  }

  /** The lane of a credential scope (`token`, `app`, `installation:<id>`); `org` picks a per-org bucket. */
  lane(scope: string, org?: string): Lane {
    let lane = this.lanes.get(scope);
    if (!lane) {
      const o = this.options;
      const spacing: SpacingSettings | undefined =
        o.spacing && (o.spacing.writeMs || o.spacing.getMs || o.spacing.v4Ms)
          ? { writeMs: 0, getMs: 0, v4Ms: 0, maxDelayMs: 30_000, ...o.spacing }
          : undefined;
      const bucket = (org !== undefined ? o.orgTokenBuckets?.[org.toLowerCase()] : undefined) ?? o.tokenBucket;
      lane = new Lane(
        { secondary: o.secondary === false ? undefined : { ...GITHUB_SECONDARY_LIMITS, ...o.secondary }, bucket, spacing },
        { now: () => Date.now(), onSuperseded: () => this.metrics.supersededWrites.inc() },
      );
      this.lanes.set(scope, lane);
      this.log.debug({ lane: scope, bucket, spacing }, 'github lane created');
    }
    return lane;
  }

  close(): void {
    for (const lane of this.lanes.values()) lane.close();
  }
}
