#!/usr/bin/env bash
# Makes sure what the tests need is running on this machine: PostgreSQL and Redis on localhost, and
# Debian's chromium for the browser tests. Runs before `npm test` (pretest) and from .ci/run; idempotent.
set -euo pipefail

if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    echo "test-env: starting PostgreSQL" >&2
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
  else
    echo "test-env: PostgreSQL is not running on 127.0.0.1:5432 and cannot be started here (set TEST_DATABASE_URL)" >&2
  fi
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  if command -v redis-server >/dev/null; then
    echo "test-env: starting Redis" >&2
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  else
    echo "test-env: Redis is not running on 127.0.0.1:6379 and cannot be started here (set TEST_REDIS_URL)" >&2
  fi
fi
for _ in $(seq 1 50); do
  pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null && redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break
  sleep 0.2
done

if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "test-env: installing Debian's chromium for the browser tests" >&2
  (apt-get install -y -q chromium >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }) ||
    echo "test-env: could not install chromium; the browser tests will fail with a message saying so" >&2
fi

# A software Vulkan device for the WebGPU provider tests (runner/src/evaluation/webgpu.spec.ts): Mesa's
# lavapipe. Dawn, inside onnxruntime-node, refuses Mesa 22's (Debian 12's own); Mesa ≥ 24 from
# bookworm-backports works. Only on Debian 12, as root, and only when a new enough driver is missing.
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null && grep -q '^12' /etc/debian_version 2>/dev/null; then
  mesa=$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || true)
  if [ -z "$mesa" ] || dpkg --compare-versions "$mesa" lt 24; then
    echo "test-env: installing Mesa's software Vulkan driver (lavapipe) from bookworm-backports for the WebGPU tests" >&2
    list=/etc/apt/sources.list.d/genbench-bookworm-backports.list
    grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/ ||
      echo 'deb http://deb.debian.org/debian bookworm-backports main' >"$list"
    { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends -t bookworm-backports mesa-vulkan-drivers libvulkan1 >/dev/null; } ||
      echo "test-env: could not install lavapipe; the WebGPU tests will say no adapter was found" >&2
  fi
fi
