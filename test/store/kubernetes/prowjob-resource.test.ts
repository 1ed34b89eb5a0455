import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiException } from '@kubernetes/client-node';
import { apiStatusOf, apiStatusOfObject, KubeApiError } from '../../../src/kube/client/api-error.js';
import { fromCustomResource, labelSelectorString, prowJobCollectionPath, toCustomResource } from '../../../src/store/kubernetes/prowjob-resource.js';
import { makeProwJob } from '../fixtures/prowjobs.js';

describe('prowjob custom resource', () => {
  it('sends the ProwJob as it is and reads back what the server keeps, without managedFields', () => {
    const pj = makeProwJob('x', { labels: { a: 'b' } });
    pj.status.prev_report_states = { 'github-reporter': 'pending' };
    const body = toCustomResource(pj);
    assert.deepEqual(body, JSON.parse(JSON.stringify(pj)));
    const served = { ...body, metadata: { ...(body['metadata'] as object), resourceVersion: '7', managedFields: [{ manager: 'kubectl' }] } };
    const back = fromCustomResource(served);
    assert.equal(back.metadata.resourceVersion, '7');
    assert.equal('managedFields' in back.metadata, false);
    assert.deepEqual(back.status, pj.status);
  });

  it('writes an unnamed container\'s name as Go does (""), since the CRD requires it', () => {
    const pj = makeProwJob('x');
    pj.spec.pod_spec = { containers: [{ image: 'alpine', command: ['true'] }, { name: 'kept' }], initContainers: [{ image: 'busybox' }] };
    const body = toCustomResource(pj) as { spec: { pod_spec: { containers: { name?: string }[]; initContainers: { name?: string }[] } } };
    assert.deepEqual(body.spec.pod_spec.containers.map((c) => c.name), ['', 'kept']);
    assert.equal(body.spec.pod_spec.initContainers[0]!.name, '');
    assert.equal(pj.spec.pod_spec.containers[0]!.name, undefined, 'the caller\'s job is left alone');
  });

  it('gives a resource created without a status an empty one', () => {
    const back = fromCustomResource({ apiVersion: 'prow.k8s.io/v1', kind: 'ProwJob', metadata: { name: 'bare' }, spec: { job: 'j', type: 'periodic' } });
    assert.deepEqual(back.status, {});
  });

  it('builds equality selectors and the collection path', () => {
    assert.equal(labelSelectorString({ 'prow.k8s.io/job': 'j', type: 'periodic' }), 'prow.k8s.io/job=j,type=periodic');
    assert.equal(labelSelectorString({}), undefined);
    assert.equal(prowJobCollectionPath('prow'), '/apis/prow.k8s.io/v1/namespaces/prow/prowjobs');
  });
});

describe('api errors', () => {
  it('reads a metav1.Status body from an ApiException', () => {
    const body = JSON.stringify({ kind: 'Status', code: 409, reason: 'AlreadyExists', message: 'prowjobs.prow.k8s.io "a" already exists', details: { name: 'a', kind: 'prowjobs' } });
    const status = apiStatusOf(new ApiException(409, 'Unknown API Status Code!', body, {}));
    assert.deepEqual(status, { code: 409, reason: 'AlreadyExists', message: 'prowjobs.prow.k8s.io "a" already exists', details: { name: 'a', kind: 'prowjobs' } });
  });

  it('falls back on the HTTP code when the body is no Status', () => {
    assert.deepEqual(apiStatusOf(new ApiException(503, 'x', 'upstream connect error', {})), { code: 503, reason: 'InternalError', message: 'upstream connect error' });
    assert.equal(apiStatusOf(new Error('ECONNREFUSED')), undefined);
    const watchFailure = Object.assign(new Error('Gone'), { statusCode: 410 });
    assert.equal(apiStatusOf(watchFailure)?.reason, 'Gone');
  });

  it('reads a watch ERROR event and names the call and the causes', () => {
    assert.deepEqual(apiStatusOfObject({ kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version: 5 (9)' }),
      { code: 410, reason: 'Expired', message: 'too old resource version: 5 (9)' });
    const err = new KubeApiError('create prowjob a', { code: 422, reason: 'Invalid', message: 'ProwJob "a" is invalid', details: { causes: [{ field: 'spec.type', message: 'Unsupported value: "nightly"' }] } });
    assert.equal(err.message, 'create prowjob a: 422 Invalid: ProwJob "a" is invalid (spec.type: Unsupported value: "nightly")');
  });
});
