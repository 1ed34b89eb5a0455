# One image for every Prow component and pod utility: `prow <component>` (hook, controller, crier, sinker,
# horologium, tide, deck, …) and `prow clonerefs|initupload|entrypoint|sidecar`. The Deployments in deploy/
# pass the subcommand as the first argument. docs/deploy.md describes building and publishing it.
#
#   docker build -t registry.example.com/prow:0.1.0 .
#
# NODE_IMAGE must be a Debian-based Node 24 image (the runtime installs git and tini with apt-get).
ARG NODE_IMAGE=node:24-bookworm-slim

# build: every dependency (esbuild among them), then dist/prow.js and deck's dist/web/.
FROM ${NODE_IMAGE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: the package's own `prepare` builds dist/ from src/, which is not copied yet; the native
# addons are built next, explicitly.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3 re2 esbuild
COPY tsconfig.json ./
COPY scripts/ ./scripts/
COPY src/ ./src/
RUN node scripts/build.mjs

# deps: the production dependencies only, with their native addons compiled here, where the compilers are.
FROM ${NODE_IMAGE} AS deps
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3 re2 \
 && npm cache clean --force

# runtime: Node, git (clonerefs and tide clone with it), tini as PID 1, the bundle and the production modules.
FROM ${NODE_IMAGE} AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends git openssh-client ca-certificates tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY bin/ ./bin/
COPY examples/ ./examples/
RUN ln -s /app/bin/prow /usr/local/bin/prow
# The node user of the official image (uid 1000), numeric so that runAsNonRoot can check it. Its home is the
# working directory, so a relative --data-dir (`.prow`, the default) is writable: `docker run <image> up`.
USER 1000:1000
WORKDIR /home/node
# tini forwards SIGTERM to prow and reaps the children it spawns (git, job processes); a bare `node` as
# PID 1 would ignore SIGTERM.
ENTRYPOINT ["/usr/bin/tini", "--", "prow"]
CMD ["--help"]
