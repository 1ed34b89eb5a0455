// ProwJob names for jobs a webhook delivery starts, derived from (delivery id, job name, head SHA) so that
// a redelivery names the same job again and the store's AlreadyExistsError is the idempotency check. A
// store needs no "list jobs by event GUID" scan, which a CRD-backed store could not do cheaply (upstream
// names every job with a random UUID and lets a redelivery start it twice). Upstream's labels and
// annotations (prow.k8s.io/event-GUID among them) are kept as they are.
import { createHash } from 'node:crypto';

/**
 * A UUID-shaped name: the first 128 bits of sha256(delivery, job, sha) with the version nibble set to 8
 * and the RFC 9562 variant bits, the name-based layout RFC 9562 §5.8 gives for SHA-256 (UUIDv5 is SHA-1).
 * Still a valid Kubernetes object name, and indistinguishable in form from upstream's random UUIDs.
 */
export function deliveryJobName(deliveryId: string, jobName: string, headSha: string): string {
  // NUL separators: no (delivery, job, sha) triple can be spelled as another by moving a boundary.
  const bytes = createHash('sha256').update(`${deliveryId}\0${jobName}\0${headSha}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
