#!/usr/bin/env bash
# Installs what `npm run test:e2e` and `npm run demo` need, once, into a cache outside the clone keyed by the
# versions: Debian's chromium (apt), and code-server + playwright-core + a Node 24 for code-server (npm).
# Prints the cache folder on stdout; everything else goes to stderr.
set -euo pipefail
# Any failed step ends the script non-zero with the step named: the e2e then fails (it never skips).
trap 'echo "e2e: installing the e2e tools failed (line $LINENO: $BASH_COMMAND, exit $?)" >&2' ERR
CS_VERSION=4.139.1
PW_VERSION=1.65.1
NODE_VERSION=24
CACHE="${FW_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/flux-workbench-e2e}"
DIR="$CACHE/code-server-$CS_VERSION-playwright-core-$PW_VERSION-node-$NODE_VERSION"
{
  # libkrb5-dev: code-server's install builds its kerberos module against it.
  if ! command -v chromium >/dev/null 2>&1 || ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
    if [ "$(id -u)" != 0 ]; then echo "e2e: chromium or libkrb5-dev is missing and this user cannot install them: apt-get install -y chromium libkrb5-dev (as root)"; exit 1; fi
    echo "e2e: installing Debian chromium (apt)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium libkrb5-dev >/dev/null
  fi
  if [ ! -f "$DIR/.ready" ]; then
    echo "e2e: installing code-server $CS_VERSION, playwright-core $PW_VERSION and Node $NODE_VERSION into $DIR"
    rm -rf "$DIR"
    mkdir -p "$DIR"
    cd "$DIR"
    echo '{"name":"fw-e2e-tools","private":true}' > package.json
    npm install --ignore-scripts --no-audit --no-fund --loglevel=error "node@$NODE_VERSION" "code-server@$CS_VERSION" "playwright-core@$PW_VERSION"
    (cd node_modules/node && node installArchSpecificPackage)
    NODE_BIN="$(dirname "$(find "$DIR/node_modules" -path '*node-linux-*/bin/node' -type f | head -1)")"
    # npm skipped code-server's install script (--ignore-scripts); run it with Node 24 first on PATH. Its native
    # modules build against this Node's own headers (the package ships include/node): node-gyp then neither
    # downloads headers (no internet but the registry) nor takes another Node's from a user .npmrc `nodedir`.
    (cd node_modules/code-server && PATH="$NODE_BIN:$PATH" npm_config_nodedir="$(dirname "$NODE_BIN")" \
      npm_config_user_agent="npm/11 node/v24.21.0 linux x64" sh postinstall.sh)
    touch .ready
  fi
} >&2
echo "$DIR"
