#!/usr/bin/env bash
# Proves that the two Merchant Center customizations build the way Connect builds them: from their own folder,
# with no npm workspace around them, `npm install` then `npm run build` (mc-scripts build) with the
# configuration Connect passes (CLOUD_IDENTIFIER, CUSTOM_VIEW_ID / CUSTOM_APPLICATION_ID, ENTRY_POINT_URI_PATH,
# APPLICATION_URL, FULFILMENT_SERVICE_URL). Each app and the shared UI module (mc-shared, compiled as a source
# folder by the app's webpack.config.prod.js) are copied without node_modules into a fresh temporary folder.
# The build is CPU-heavy (about 1.5-2 min per app on 2 cores), so each app is built once, on the first Node
# binary given (Connect's Node 22 in CI).
#
# Usage: bash scripts/check-mc-standalone.sh [app ...]   (default: order-panel operations-app)
#   STANDALONE_NODES="/path/to/node22 /path/to/node24"  the first one builds (default: `node` on PATH)
# Prints one line per app: "standalone <app> (node vX): ok (...)" or "standalone <app> (node vX): FAILED (...)".
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ $# -gt 0 ]]; then APPS=("$@"); else APPS=(order-panel operations-app); fi
read -r -a NODES <<<"${STANDALONE_NODES:-$(command -v node)}"
NODE_BIN="${NODES[0]}"
WORK_ROOT="$(mktemp -d "${TMPDIR:-/tmp}/clarus-mc-standalone.XXXXXX")"
trap 'rm -rf "$WORK_ROOT"' EXIT
trap 'exit 130' INT TERM

# What Connect would pass from connect.yaml; placeholders are enough to build.
BUILD_ENV=(
  CLOUD_IDENTIFIER=gcp-eu ENTRY_POINT_URI_PATH=clarus-wms
  CUSTOM_VIEW_ID=standalone-check CUSTOM_APPLICATION_ID=standalone-check
  APPLICATION_URL=https://customization.example.com FULFILMENT_SERVICE_URL=https://fulfilment.example.com
)

check_app() {
  local app="$1" work="$WORK_ROOT/$1" log="$WORK_ROOT/$1.log" t0 t1 t2
  mkdir -p "$work"
  tar -C "$ROOT" --exclude=node_modules --exclude=public -cf - "$app" mc-shared | tar -C "$work" -xf -
  t0=$SECONDS
  (cd "$work/$app" && PATH="$(dirname "$NODE_BIN"):$PATH" npm install --no-audit --no-fund) >"$log" 2>&1 ||
    { echo "npm install failed"; return 1; }
  t1=$SECONDS
  (cd "$work/$app" && env PATH="$(dirname "$NODE_BIN"):$PATH" "${BUILD_ENV[@]}" npm run build) >>"$log" 2>&1 ||
    { echo "npm run build failed"; return 1; }
  t2=$SECONDS
  [[ -s "$work/$app/public/index.html" ]] || { echo "no public/index.html after the build"; return 1; }
  grep -q "fulfilment.example.com" "$work/$app/public/index.html" ||
    { echo "public/index.html does not carry FULFILMENT_SERVICE_URL"; return 1; }
  echo "install $((t1 - t0))s, build $((t2 - t1))s, public/index.html carries the configuration"
}

failed=0
version="$("$NODE_BIN" -v 2>/dev/null || echo missing)"
for app in "${APPS[@]}"; do
  if result="$(check_app "$app")"; then
    echo "standalone $app (node $version): ok ($result)"
  else
    failed=$((failed + 1))
    echo "standalone $app (node $version): FAILED ($result)"
    tail -n 40 "$WORK_ROOT/$app.log" >&2 || true
  fi
done
[[ $failed -eq 0 ]]
