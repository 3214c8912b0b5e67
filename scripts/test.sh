#!/usr/bin/env bash
# `npm test`: the programs the suite drives (scripts/test-deps.sh), the type check, the whole
# suite as it always ran (SQLite under every end-to-end test), then the end-to-end files again
# with every test server on PostgreSQL (EAS_PUSH_TEST_STORE=postgres: test/helpers/server.ts),
# so both stores pass the same tests (issue #17). The second pass runs where the PostgreSQL
# tests do: PostgreSQL is installed, or required (CI=true or EAS_PUSH_TEST_PG=1, where a missing
# one fails). Its files are the test files that start a server, found by their imports
# (scripts/server-test-files.ts), not listed by hand.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/test-deps.sh
npx tsc --noEmit
npx ava

if [ "${CI:-}" != true ] && [ "${EAS_PUSH_TEST_PG:-}" != 1 ] &&
  ! npx tsx --eval 'import("./scripts/private-postgres.ts").then((m) => process.exit(m.pgAvailable ? 0 : 1))'; then
  echo 'test: PostgreSQL not installed: the end-to-end tests ran on SQLite only (scripts/test-deps.sh installs it)'
  exit 0
fi
mapfile -t files < <(npx tsx scripts/server-test-files.ts)
echo "test: the ${#files[@]} end-to-end files again, on PostgreSQL"
EAS_PUSH_TEST_STORE=postgres npx ava "${files[@]}"
