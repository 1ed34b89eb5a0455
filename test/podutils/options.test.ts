// The `*_OPTIONS` decoders (upstream pkg/*/options_test.go): what the decoration encodes decodes back, and
// bad values are errors naming their field; unknown keys are reported rather than silently dropped.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  encodeCloneRefsOptions, encodeEntrypointOptions, encodeInitUploadOptions, encodeSidecarOptions,
} from '../../src/executor/kubernetes/pod-options.js';
import {
  decodeCloneRefsOptions, decodeEntrypointOptions, decodeInitUploadOptions, decodeSidecarOptions,
} from '../../src/podutils/options.js';

const gcs = { bucket: 'gs://bkt', path_strategy: 'explicit' as const };
const wrapper = { args: ['sh', '-c', 'true'], container_name: 'test', process_log: '/logs/process-log.txt', marker_file: '/logs/marker-file.txt', metadata_file: '/logs/artifacts/metadata.json' };

describe('pod utility options', () => {
  it('round-trips what the decoration encodes', () => {
    const refs = [{ org: 'o', repo: 'r', base_ref: 'main', base_sha: 'abc', pulls: [{ number: 1, author: 'a', sha: 'def' }], path_alias: 'k8s.io/r', workdir: true }];
    const clone = decodeCloneRefsOptions(encodeCloneRefsOptions({ src_root: '/home/prow/go', log: '/logs/clone.json', refs, git_user_name: 'ci-robot', oauth_token_file: '/secrets/oauth/t', github_api_endpoints: ['https://api.github.com'] }));
    assert.deepEqual(clone.unknownFields, []);
    assert.deepEqual(clone.options.refs, refs);
    assert.equal(clone.options.oauth_token_file, '/secrets/oauth/t');

    const init = decodeInitUploadOptions(encodeInitUploadOptions({ gcs, gcs_credentials_file: '/secrets/gcs/service-account.json' }, '/logs/clone.json'));
    assert.deepEqual(init.unknownFields, []);
    assert.deepEqual(init.options, { upload: { gcs, gcs_credentials_file: '/secrets/gcs/service-account.json', dry_run: false }, log: '/logs/clone.json' });

    const entry = decodeEntrypointOptions(encodeEntrypointOptions({ timeout: 7_200_000_000_000, grace_period: 15_000_000_000, artifact_dir: '/logs/artifacts', wrapper }));
    assert.deepEqual(entry.options, { timeout: 7_200_000_000_000, grace_period: 15_000_000_000, artifact_dir: '/logs/artifacts', wrapper });

    const side = decodeSidecarOptions(encodeSidecarOptions({
      gcs_options: { gcs, items: ['/logs/artifacts'] }, entries: [wrapper], ignore_interrupts: true,
      censoring_options: { secret_directories: ['/secrets/x'], minimum_secret_length: 6 },
    }));
    assert.deepEqual(side.unknownFields, []);
    assert.deepEqual(side.options.entries, [wrapper]);
    assert.equal(side.options.ignore_interrupts, true);
    assert.deepEqual(side.options.censoring_options, { secret_directories: ['/secrets/x'], minimum_secret_length: 6 });
    assert.deepEqual(side.options.gcs_options.items, ['/logs/artifacts']);
  });

  it('takes the deprecated wrapper_options as the first entry (Options.entries)', () => {
    const { options } = decodeSidecarOptions(JSON.stringify({ gcs_options: { ...gcs }, wrapper_options: wrapper }));
    assert.deepEqual(options.entries, [wrapper]);
  });

  it('reports keys upstream does not have', () => {
    const { unknownFields } = decodeEntrypointOptions(JSON.stringify({ timeout: 1, grace_period: 1, args: ['x'], process_log: 'p', marker_file: 'm', metadata_file: '', tiemout: 3 }));
    assert.deepEqual(unknownFields, ['tiemout']);
  });

  const bad: { name: string; decode: (raw: string) => unknown; raw: unknown; error: RegExp }[] = [
    { name: 'not JSON', decode: decodeEntrypointOptions, raw: '{', error: /\$ENTRYPOINT_OPTIONS: not valid JSON/ },
    { name: 'a duration as a string', decode: decodeEntrypointOptions, raw: { timeout: '1h', args: ['x'], process_log: 'p', marker_file: 'm' }, error: /\$ENTRYPOINT_OPTIONS: timeout: want an integer/ },
    { name: 'no process to wrap', decode: decodeEntrypointOptions, raw: { timeout: 1, process_log: 'p', marker_file: 'm' }, error: /args: no process to wrap specified/ },
    { name: 'no marker file', decode: decodeEntrypointOptions, raw: { args: ['x'], process_log: 'p' }, error: /marker_file: no marker file specified/ },
    { name: 'propagate and always zero', decode: decodeEntrypointOptions, raw: { args: ['x'], process_log: 'p', marker_file: 'm', always_zero: true, propagate_error_code: true }, error: /cannot propagate error code and always exit zero/ },
    { name: 'no refs', decode: decodeCloneRefsOptions, raw: { src_root: '/s', log: '/l', refs: [] }, error: /\$CLONEREFS_OPTIONS: refs: no refs specified to clone/ },
    { name: 'no log', decode: decodeCloneRefsOptions, raw: { src_root: '/s', refs: [{ org: 'o', repo: 'r' }] }, error: /log: no log file specified/ },
    { name: 'a pull number as a string', decode: decodeCloneRefsOptions, raw: { src_root: '/s', log: '/l', refs: [{ org: 'o', repo: 'r', pulls: [{ number: '1' }] }] }, error: /refs\[0\]\.pulls\[0\]\.number: want an integer/ },
    { name: 'two auth methods', decode: decodeCloneRefsOptions, raw: { src_root: '/s', log: '/l', refs: [{ org: 'o', repo: 'r' }], oauth_token_file: 't', github_app_id: '1', github_app_private_key_file: 'k', github_api_endpoints: ['x'] }, error: /multiple authentication methods specified/ },
    { name: 'no bucket', decode: decodeInitUploadOptions, raw: { path_strategy: 'explicit' }, error: /\$INITUPLOAD_OPTIONS: bucket: GCS upload was requested no GCS bucket was provided/ },
    { name: 'an unknown path strategy', decode: decodeInitUploadOptions, raw: { bucket: 'b', path_strategy: 'flat' }, error: /path_strategy: gcs_path_strategy must be one of/ },
    { name: 'legacy without default org', decode: decodeInitUploadOptions, raw: { bucket: 'b', path_strategy: 'legacy' }, error: /default_org: default org and repo must be provided/ },
    { name: 'no entries', decode: decodeSidecarOptions, raw: { gcs_options: gcs }, error: /\$SIDECAR_OPTIONS: entries: no wrapper.Option entries/ },
    { name: 'an entry without a process log', decode: decodeSidecarOptions, raw: { gcs_options: gcs, entries: [{ marker_file: 'm' }] }, error: /entries\[0\]\.process_log: no process log specified/ },
    { name: 'items as a string', decode: decodeSidecarOptions, raw: { gcs_options: { ...gcs, items: '/logs' }, entries: [wrapper] }, error: /gcs_options\.items: want a list of strings/ },
    { name: 'an odd censoring buffer', decode: decodeSidecarOptions, raw: { gcs_options: gcs, entries: [wrapper], censoring_options: { censoring_buffer_size: 3 } }, error: /censoring_options\.censoring_buffer_size: must be a positive even number/ },
  ];
  for (const c of bad) {
    it(`refuses ${c.name}`, () => {
      assert.throws(() => c.decode(typeof c.raw === 'string' ? c.raw : JSON.stringify(c.raw)), c.error);
    });
  }

  it('local_output_dir needs no bucket', () => {
    assert.equal(decodeInitUploadOptions(JSON.stringify({ local_output_dir: '/output' })).options.upload.local_output_dir, '/output');
  });
});
