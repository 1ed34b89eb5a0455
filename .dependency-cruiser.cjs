// The layering of src/ (docs/architecture.md), checked by `npm test` through scripts/check-layering.ts.
// Floors, lowest first: go → api → config, github, git, owners, store, artifacts, executor, plugins
// (seams and shared parts) → components (hook, controller, crier, sinker, horologium, tot, deck, tide)
// → cli, which wires them. A module may import from its own floor or lower.
//
// By hand: npx depcruise src --config .dependency-cruiser.cjs
// (scripts/check-layering.ts runs the same rules and adds the exact top-level folder cycle check).

/** Components never import each other; they meet at the store, the config and the seams. */
const COMPONENTS = ['hook', 'controller', 'crier', 'sinker', 'horologium', 'tot', 'deck', 'tide'];
const COMPONENT = `(${COMPONENTS.join('|')})`;

/**
 * Implementations a seam hides: only src/cli picks one (tests and bench may use them directly). Listed with
 * the ones DESIGN.md plans (a CRD store, pod and Jenkins executors, GCS/S3 artifacts) so they land behind it.
 */
const IMPLEMENTATIONS = [
  'store/sqlite', 'store/kubernetes',
  'executor/local', 'executor/kubernetes', 'executor/jenkins',
  'artifacts/local', 'artifacts/gcs', 'artifacts/s3', 'artifacts/remote',
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycle',
      comment:
        'A cycle between folders means neither can be understood, tested or replaced without the other: ' +
        'move the shared piece down a floor (a types.ts, src/api or src/go). ' +
        'Here: cycles between top-level folders of src/ that dependency-cruiser sees directly; ' +
        'scripts/check-layering.ts also finds the ones that pass through a subfolder (src/plugins/hold).',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/[^/]+$' },
      to: { path: '^src/[^/]+$', circular: true },
    },
    {
      name: 'go-imports-nothing-of-ours',
      comment:
        'src/go is the lowest floor: Go-compatibility primitives (durations, text/template, fmt, RE2, Go JSON) ' +
        'that know nothing of Prow. Pass Prow-specific things in (e.g. the ProwJob Go type as RenderOptions.type).',
      severity: 'error',
      from: { path: '^src/go/' },
      to: { path: '^(src|test|bench)/', pathNot: '^src/go/' },
    },
    {
      name: 'api-imports-only-api-and-go',
      comment:
        'src/api is the ProwJob contract every part shares (types, states, labels, job spec): ' +
        'it may build on src/go only, so that any part can import it without pulling in another.',
      severity: 'error',
      from: { path: '^src/api/' },
      to: { path: '^(src|test|bench)/', pathNot: '^src/(api|go)/' },
    },
    {
      name: 'components-never-import-each-other',
      comment:
        'Components (hook, controller, crier, sinker, horologium, tot, deck, tide) run as separate Deployments ' +
        'in cluster mode; they meet at the ProwJob store, the config and seam interfaces, and src/cli wires them. ' +
        'Move what two components share into src/api, src/config or a seam folder.',
      severity: 'error',
      from: { path: `^src/${COMPONENT}/` },
      to: { path: `^src/${COMPONENT}/`, pathNot: '^src/$1/' },
    },
    {
      name: 'lower-floors-never-import-a-component',
      comment:
        'Seams and shared parts (config, github, git, owners, store, executor, artifacts, plugins, observability, …) ' +
        'sit below the components: a component may use them, never the other way round.',
      severity: 'error',
      from: { path: '^src/', pathNot: [`^src/${COMPONENT}/`, '^src/cli/'] },
      to: { path: `^src/${COMPONENT}/` },
    },
    {
      name: 'nothing-imports-cli',
      comment: 'src/cli is the top floor: one file per subcommand that wires the parts; nothing builds on it.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'hook-sees-only-the-plugin-contract',
      comment:
        'hook dispatches to whatever plugins src/cli hands it: it may import only the plugin contract ' +
        '(src/plugins/types.ts, and the per-plugin GitHub view src/plugins/github-view.ts it builds for each ' +
        'handler) and plugin selection (src/plugins/select.ts), never a plugin or the registry.',
      severity: 'error',
      from: { path: '^src/hook/' },
      to: { path: '^src/plugins/', pathNot: '^src/plugins/(types|select|github-view)\\.ts$' },
    },
    {
      name: 'only-cli-picks-an-implementation',
      comment:
        'A seam (store/types.ts, executor/types.ts, artifacts/types.ts) hides its implementations so that ' +
        'cluster mode can swap them (CRD store, pod executor, GCS/S3): only src/cli imports sqlite, local executor ' +
        'or local artifacts; everything else takes the seam interface. The exceptions are the artifacts ' +
        'package\'s own openers (artifacts/buckets.ts, artifacts/remote.ts; upstream pkg/io): they pick a store ' +
        'by the bucket URL\'s scheme, as src/cli would, and hand the components only the ArtifactStore interface.',
      severity: 'error',
      // $1 is the importer's folder/file stem (e.g. store/sqlite), so an implementation may import its own parts.
      // The bucket openers (artifacts/buckets.ts, artifacts/remote.ts) pick local, GCS or S3 by bucket URL as upstream's
      // pkg/io opener does; components get a BucketOpener from src/cli.
      from: { path: '^src/([^/]+/[^/.-]+)', pathNot: '^src/(cli/|artifacts/(buckets|remote)\\.ts$)' },
      to: { path: `^src/(${IMPLEMENTATIONS.join('|')})`, pathNot: '^src/$1' },
    },
    {
      name: 'src-never-imports-tests',
      comment: 'Production code must not depend on test support or benchmarks (they are not shipped).',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'no-unresolvable-import',
      comment: 'An import that does not resolve fails at run time (a typo, a moved file, a missing dependency).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a cycle through `import type` still couples the folders.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
