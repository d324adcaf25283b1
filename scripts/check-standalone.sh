#!/usr/bin/env bash
# Proves that each app builds and starts the way commercetools Connect builds it: from its own folder, with
# the shared module reached only through its `file:../core` dependency, and no npm workspace around it.
# The repo's root workspaces hide mistakes that break a real deployment (a dependency only hoisted to the
# root, an app importing something outside core's public API, a build that needs the root tsconfig paths).
#
# Connect builds an app with the Google Cloud Node.js buildpack (https://cloud.google.com/docs/buildpacks/nodejs):
# npm (no lockfile in the app folder, so `npm install`), the `gcp-build` script when the package has one,
# production dependencies only at run time, NODE_ENV=production, and `npm start`. For each app and each Node
# version: copy it and core (without node_modules or dist) into one fresh temporary folder, then in the app
# folder `npm install`, `npm run gcp-build` (if present), `npm prune --omit=dev`, `npm start` with a minimal
# environment on a free port, poll GET /health, and stop it with SIGTERM (it must exit cleanly). Then start it
# once more with a missing required key and check that it refuses to start, naming the key.
#
# Usage: bash scripts/check-standalone.sh [app ...]   (default: all four apps)
#   STANDALONE_NODES="/path/to/node22 /path/to/node24"  Node binaries to build and run with (default: `node`
#                                                       on PATH); npm runs on each one in turn.
# Prints one line per app and Node version: "standalone <app> (node vX.Y.Z): ok (...)" or "... FAILED (...)".
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ $# -gt 0 ]]; then APPS=("$@"); else APPS=(order-event-app inventory-job reconciliation-job fulfilment-service); fi
HEALTH_TIMEOUT_S=30

read -r -a NODES <<<"${STANDALONE_NODES:-$(command -v node)}"
ORIGINAL_PATH="$PATH"
WORK_ROOT="$(mktemp -d "${TMPDIR:-/tmp}/clarus-standalone.XXXXXX")"
WORK=""
APP_PGID=""
cleanup() {
  if [[ -n "$APP_PGID" ]]; then kill -KILL -- "-$APP_PGID" 2>/dev/null || true; fi
  rm -rf "$WORK_ROOT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Only the app folders, core and the base tsconfig they extend; no root package.json, so no workspace.
fresh_copy() {
  WORK="$WORK_ROOT/$1"
  mkdir -p "$WORK"
  tar -C "$ROOT" --exclude=node_modules --exclude=dist --exclude=coverage -cf - tsconfig.base.json core "${APPS[@]}" |
    tar -C "$WORK" -xf -
}

free_port() {
  node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# The smallest environment the apps start with; every URL points at loopback, and nothing is contacted at
# start-up. `env -i` keeps the caller's environment (a developer's real credentials, say) out of the check.
BASE_ENV=(
  "HOME=${HOME:-$WORK_ROOT}" "npm_config_cache=$(npm config get cache)" LOG_LEVEL=warn NODE_ENV=production
  CTP_PROJECT_KEY=standalone-check CTP_CLIENT_ID=standalone-client CTP_CLIENT_SECRET=standalone-ctp-secret
  CTP_API_URL=http://127.0.0.1:9 CTP_AUTH_URL=http://127.0.0.1:9
  CLARUS_API_URL=http://127.0.0.1:9 CLARUS_SUBDOMAIN=standalone CLARUS_CLIENT_ID=standalone-clarus
  CLARUS_CLIENT_SECRET=standalone-clarus-secret CLARUS_ACCOUNT_ID=1
  CLARUS_WEBHOOK_TOKEN=standalone-webhook-token OPS_API_TOKEN=standalone-ops-token
)
WITHOUT_PROJECT_KEY=()
for kv in "${BASE_ENV[@]}"; do [[ $kv == CTP_PROJECT_KEY=* ]] || WITHOUT_PROJECT_KEY+=("$kv"); done

# Polls GET /health until it answers 200 or the time is up; prints the seconds it took.
wait_for_health() {
  node -e '
    const [port, limitS] = process.argv.slice(1).map(Number);
    const started = Date.now();
    const poll = () =>
      fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2000) })
        .then(async (res) => {
          const body = await res.text();
          if (res.status === 200 && JSON.parse(body).status === "ok") {
            console.log(((Date.now() - started) / 1000).toFixed(1));
            process.exit(0);
          }
          retry(`status ${res.status}`);
        })
        .catch((err) => retry(err.message));
    const retry = (why) => {
      if (Date.now() - started > limitS * 1000) {
        console.error(`no 200 from /health after ${limitS} s (last: ${why})`);
        process.exit(1);
      }
      setTimeout(poll, 200);
    };
    poll();
  ' "$1" "$HEALTH_TIMEOUT_S"
}

# Sends SIGTERM to the app's process group and waits up to 10 s for it to exit.
stop_app() {
  local pgid="$1"
  kill -TERM -- "-$pgid" 2>/dev/null || return 0
  for _ in $(seq 1 50); do
    kill -0 -- "-$pgid" 2>/dev/null || return 0
    sleep 0.2
  done
  kill -KILL -- "-$pgid" 2>/dev/null || true
  return 1
}

has_script() {
  (cd "$1" && node -e 'process.exit(require("./package.json").scripts?.[process.argv[1]] ? 0 : 1)' "$2")
}

check_app() {
  local app="$1" dir="$WORK/$1" log="$WORK/$1.log" t0 t1 t2 port health
  t0=$SECONDS
  # --include=dev: the buildpack installs devDependencies when there is a gcp-build to run, then prunes them.
  (cd "$dir" && npm install --no-audit --no-fund --prefer-offline --include=dev) >"$log" 2>&1 ||
    { echo "npm install failed"; return 1; }
  t1=$SECONDS
  if has_script "$dir" gcp-build; then
    (cd "$dir" && npm run gcp-build) >>"$log" 2>&1 || { echo "npm run gcp-build failed"; return 1; }
  fi
  (cd "$dir" && npm prune --omit=dev --no-audit --no-fund) >>"$log" 2>&1 || { echo "npm prune failed"; return 1; }
  t2=$SECONDS

  port="$(free_port)"
  # setsid: npm start runs node in a child; its own process group lets us signal both.
  (cd "$dir" && exec setsid env -i "PATH=$PATH" "${BASE_ENV[@]}" PORT="$port" npm start) >"$WORK/$app.run.log" 2>&1 &
  APP_PGID=$!
  if ! health="$(wait_for_health "$port" 2>>"$log")"; then
    stop_app "$APP_PGID" || true
    APP_PGID=""
    echo "/health did not answer 200 within ${HEALTH_TIMEOUT_S} s"
    return 1
  fi
  if ! stop_app "$APP_PGID"; then
    APP_PGID=""
    echo "did not stop within 10 s of SIGTERM"
    return 1
  fi
  APP_PGID=""

  # Missing required configuration: exit 1 with a message naming the key, before listening.
  local out status=0
  out="$(cd "$dir" && env -i "PATH=$PATH" "${WITHOUT_PROJECT_KEY[@]}" PORT="$port" timeout 20 node dist/index.js 2>&1)" ||
    status=$?
  if [[ $status -ne 1 || "$out" != *CTP_PROJECT_KEY* ]]; then
    echo "without CTP_PROJECT_KEY it exited $status instead of 1 naming the key"
    return 1
  fi

  echo "install $((t1 - t0))s, build $((t2 - t1))s, /health 200 after ${health}s, clean SIGTERM, refuses bad config"
}

# Checks every app on one Node binary; prints one result line per app.
check_node() {
  local node_bin="$1" version app result
  if ! version="$("$node_bin" -v 2>/dev/null)"; then
    for app in "${APPS[@]}"; do echo "standalone $app (node $node_bin): FAILED (no such Node binary)"; done
    return
  fi
  fresh_copy "node-$version"
  # npm and every `node` a script starts run on this version.
  export PATH="$(cd "$(dirname "$node_bin")" && pwd):$ORIGINAL_PATH"
  for app in "${APPS[@]}"; do
    if result="$(check_app "$app")"; then
      echo "standalone $app (node $version): ok ($result)"
    else
      echo "standalone $app (node $version): FAILED (${result})"
      echo "--- last lines of the $app logs (node $version):" >&2
      tail -n 40 "$WORK/$app.log" "$WORK/$app.run.log" >&2 2>/dev/null || true
    fi
  done
}

# Node versions run side by side (each build is mostly one busy core); STANDALONE_PARALLEL=0 runs them in turn.
RESULTS="$WORK_ROOT/results.txt"
if [[ ${#NODES[@]} -gt 1 && "${STANDALONE_PARALLEL:-1}" == 1 ]]; then
  pids=()
  for i in "${!NODES[@]}"; do
    (
      trap 'if [[ -n "$APP_PGID" ]]; then kill -KILL -- "-$APP_PGID" 2>/dev/null || true; fi' EXIT
      check_node "${NODES[$i]}" >"$WORK_ROOT/results-$i.txt" 2>"$WORK_ROOT/results-$i.err"
    ) &
    pids+=($!)
  done
  wait "${pids[@]}" || true
  for i in "${!NODES[@]}"; do
    cat "$WORK_ROOT/results-$i.err" >&2
    cat "$WORK_ROOT/results-$i.txt"
  done | tee "$RESULTS"
else
  for node_bin in "${NODES[@]}"; do check_node "$node_bin"; done | tee "$RESULTS"
fi

failed="$(grep -c '^standalone .*: FAILED' "$RESULTS" || true)"
if [[ $failed -gt 0 ]]; then
  echo "standalone check: $failed of $((${#APPS[@]} * ${#NODES[@]})) app builds FAILED" >&2
  exit 1
fi
