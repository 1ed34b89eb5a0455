// The one clock every component takes, so tests can move time.

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
