// crier's reporter names (lifecycle-spec.md §3; upstream pkg/crier/reporters/*/reporter.go GetName). Each is
// the key of its entry in status.prev_report_states, so other components (plank pre-seeds the GitHub
// entry for superseded jobs; tide and deck read them) must spell them exactly as upstream does.
export const REPORTER_NAMES = {
  github: 'github-reporter',
  gcs: 'gcsreporter',
  gcsK8s: 'gcsk8sreporter',
  slack: 'slackreporter',
  pubsub: 'pubsub-reporter',
  gerrit: 'gerrit-reporter',
  resultstore: 'resultstorereporter',
} as const;
