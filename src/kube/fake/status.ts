// Errors as the API server words them: every failure is a metav1.Status (kind Status, status Failure,
// message, reason, details, code), built the way k8s.io/apimachinery/pkg/api/errors does, so that
// kubectl and @kubernetes/client-node read them as they read a real cluster's.

export interface StatusCause {
  reason: string;
  message: string;
  field: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: StatusDetails;
  code: number;
}

/** The resource a status names: `prowjobs.prow.k8s.io` (group-qualified) or `pods` (core). */
export interface QualifiedResource {
  group: string;
  plural: string;
}

export const qualifiedName = (r: QualifiedResource): string => (r.group === '' ? r.plural : `${r.plural}.${r.group}`);

/** An API error: thrown inside the fake, answered as its Status. */
export class KubeError extends Error {
  override readonly name = 'KubeError';
  constructor(readonly status: KubeStatus) {
    super(status.message);
  }
  get code(): number {
    return this.status.code;
  }
}

function failure(code: number, reason: string, message: string, details?: StatusDetails): KubeError {
  return new KubeError({
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details === undefined ? {} : { details }), code,
  });
}

function resourceDetails(r: QualifiedResource, name: string): StatusDetails {
  return { name, ...(r.group === '' ? {} : { group: r.group }), kind: r.plural };
}

export const notFound = (r: QualifiedResource, name: string): KubeError =>
  failure(404, 'NotFound', `${qualifiedName(r)} "${name}" not found`, resourceDetails(r, name));

export const alreadyExists = (r: QualifiedResource, name: string): KubeError =>
  failure(409, 'AlreadyExists', `${qualifiedName(r)} "${name}" already exists`, resourceDetails(r, name));

export const conflict = (r: QualifiedResource, name: string, why: string): KubeError =>
  failure(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedName(r)} "${name}": ${why}`, resourceDetails(r, name));

export const MODIFIED_CONFLICT = 'the object has been modified; please apply your changes to the latest version and try again';

/** 422: `Pod "x" is invalid: spec.containers[0].image: Required value` (several causes go in brackets). */
export function invalid(group: string, kind: string, name: string, causes: StatusCause[]): KubeError {
  const parts = causes.map((c) => (c.field === '' ? c.message : `${c.field}: ${c.message}`));
  const summary = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  return failure(422, 'Invalid', `${kind} "${name}" is invalid: ${summary}`, {
    name, ...(group === '' ? {} : { group }), kind, causes,
  });
}

export const badRequest = (message: string): KubeError => failure(400, 'BadRequest', message);

export const methodNotSupported = (r: QualifiedResource, verb: string): KubeError =>
  failure(405, 'MethodNotAllowed', `${verb} is not supported on resources of kind "${qualifiedName(r)}"`, {
    ...(r.group === '' ? {} : { group: r.group }), kind: r.plural,
  });

export const pathNotFound = (): KubeError => failure(404, 'NotFound', 'the server could not find the requested resource', {});

export const unsupportedMediaType = (message: string): KubeError => failure(415, 'UnsupportedMediaType', message);

export const unauthorized = (): KubeError => failure(401, 'Unauthorized', 'Unauthorized');

/** What a watch sends as an ERROR event (HTTP 200, then this) when its resourceVersion was compacted away. */
export const expired = (requested: number, oldest: number): KubeError =>
  failure(410, 'Expired', `too old resource version: ${requested} (${oldest})`);

export const internalError = (message: string): KubeError =>
  failure(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ reason: '', message, field: '' }] });
