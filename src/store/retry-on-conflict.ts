// client-go's retry.RetryOnConflict for ProwJobs: read the current object, apply the change, write it
// with its resourceVersion; on a ConflictError read again and re-apply. The mutation decides from the
// object as it is now, so it must be a pure function of it.
import type { ProwJob } from '../api/prowjob.js';
import { ConflictError, NotFoundError, type ProwJobStore } from './types.js';

/** What `mutate` returns: the changed job, or undefined to write nothing (already as wanted). */
export type ProwJobMutation = (current: ProwJob) => ProwJob | undefined;

/** client-go's DefaultRetry allows 5 attempts. */
const DEFAULT_ATTEMPTS = 5;

/**
 * Applies `mutate` to the current `name` and writes it, retrying on conflicts. Returns the stored job
 * (the current one when `mutate` wrote nothing). Throws NotFoundError when the job is gone, and the last
 * ConflictError when every attempt lost a race.
 */
export async function retryOnConflict(
  store: Pick<ProwJobStore, 'getProwJob' | 'updateProwJob'>,
  name: string,
  mutate: ProwJobMutation,
  attempts = DEFAULT_ATTEMPTS,
): Promise<ProwJob> {
  let lastConflict: ConflictError | undefined;
  for (let i = 0; i < attempts; i++) {
    const current = await store.getProwJob(name);
    if (current === undefined) throw new NotFoundError('ProwJob', name);
    const changed = mutate(structuredClone(current));
    if (changed === undefined) return current;
    try {
      return await store.updateProwJob(changed);
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      lastConflict = err;
    }
  }
  throw lastConflict ?? new ConflictError('ProwJob', name, undefined);
}
