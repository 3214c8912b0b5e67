#!/usr/bin/env bash
# The programs the test suite drives besides Node, and the Debian packages that bring them.
# `npm test` runs this first: whatever is missing is installed when running as root on Debian
# (what CI and a fresh machine are); anywhere else it stops with one line naming the packages.
# When nothing is missing it prints nothing (one `command -v` per program).
#
# This list is the one place that names them: .ci/run and the README defer to it.
set -euo pipefail

# command  Debian package   (what for)
deps=(
  'swaks     swaks'           # the SMTP client the delivery, push and e2e tests send mail with
  'wbxml2xml libwbxml2-utils' # an independent WBXML codec every answer is checked against
  'sqlite3   sqlite3'         # the SQLite shell, to look into a test's data dir (no test runs it today)
  'openssl   openssl'         # test certificates (STARTTLS, HTTPS, nginx -t)
  'nginx     nginx-light'     # `nginx -t` on examples/nginx; examples/two-nodes runs it (in a temp dir, never as a service)
  'chromium  chromium'        # headless, driven by playwright-core: the operator's console tests (test/admin)
  # A path pattern instead of a command: Debian keeps the server binaries off PATH. The tests
  # start their own private cluster with them (scripts/private-postgres.ts); no service is started.
  '/usr/lib/postgresql/*/bin/initdb postgresql' # PostgreSQL 15+: the PostgreSQL store's tests (test/store-pg)
)

# A command on PATH, or for a path pattern an executable file matching it.
present() {
  case "$1" in
    /*) for f in $1; do [ -x "$f" ] && return 0; done; return 1 ;;
    *) command -v "$1" >/dev/null 2>&1 ;;
  esac
}

missing=()  # commands not found
need=()     # their packages
offpath=()  # installed, but in an sbin directory this PATH lacks (a non-root login on Debian)
for dep in "${deps[@]}"; do
  read -r cmd pkg <<<"$dep"
  present "$cmd" && continue
  if [ "${cmd#/}" = "$cmd" ] && { [ -x "/usr/sbin/$cmd" ] || [ -x "/sbin/$cmd" ]; }; then
    offpath+=("$cmd")
  else
    missing+=("$cmd")
    need+=("$pkg")
  fi
done
[ ${#need[@]} -eq 0 ] && [ ${#offpath[@]} -eq 0 ] && exit 0

path_hint=''
[ ${#offpath[@]} -gt 0 ] && path_hint="${offpath[*]} is installed in /usr/sbin, which is not on PATH: add it"
if [ ${#need[@]} -eq 0 ]; then
  echo "test-deps: $path_hint" >&2
  exit 1
fi
sudo='sudo '
[ "$(id -u)" = 0 ] && sudo=''
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "test-deps: the tests need ${missing[*]}: install the Debian packages with \`${sudo}apt-get install ${need[*]}\`${path_hint:+; $path_hint}" >&2
  exit 1
fi

echo "test-deps: installing Debian packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
# Keep package scripts from starting services while installing (nginx would take port 80):
# a policy-rc.d that says no, removed afterwards if it is ours.
policy=/usr/sbin/policy-rc.d
made_policy=0
cleanup() { if [ "$made_policy" = 1 ]; then rm -f "$policy"; fi; }
trap cleanup EXIT
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod +x "$policy"
  made_policy=1
fi
log=$(mktemp)
if ! { apt-get update -qq && apt-get install -y -qq "${need[@]}"; } >"$log" 2>&1; then
  cat "$log" >&2
  rm -f "$log"
  echo "test-deps: apt-get failed installing: ${need[*]}" >&2
  exit 1
fi
rm -f "$log"

still=()
for cmd in "${missing[@]}"; do present "$cmd" || still+=("$cmd"); done
if [ ${#still[@]} -gt 0 ]; then
  echo "test-deps: installed ${need[*]} but still not on PATH: ${still[*]}" >&2
  exit 1
fi
