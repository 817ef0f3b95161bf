#!/usr/bin/env bash
# Installs and starts what the test suite needs beyond Python packages. Safe to run repeatedly.
# Browser tests use Debian's Chromium (never a browser downloaded by Playwright); when it
# cannot be installed (not root, no apt, no network) they skip.
# The PostgreSQL store tests use a local server started by scripts/postgres.sh (which installs
# Debian's postgresql when it can); when none can be started they skip, and this says why.
# This script never fails.
set -u
cd "$(dirname "$0")/.."

CHROMIUM=/usr/bin/chromium

setup_chromium() {
  if [ -x "$CHROMIUM" ]; then
    echo "test-setup: chromium present ($CHROMIUM)"
    return
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "test-setup: no apt-get here; browser tests will be skipped"
    return
  fi
  if [ "$(id -u)" != "0" ]; then
    echo "test-setup: not root, cannot install chromium; browser tests will be skipped"
    return
  fi
  echo "test-setup: installing chromium for the browser tests (apt-get)"
  if { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/tmp/storylens-test-setup.log 2>&1; then
    echo "test-setup: chromium installed"
  else
    echo "test-setup: could not install chromium (see /tmp/storylens-test-setup.log); browser tests will be skipped"
  fi
}

setup_postgres() {
  if [ -n "${STORYLENS_TEST_PG+set}" ]; then
    if [ -n "$STORYLENS_TEST_PG" ]; then
      echo "test-setup: PostgreSQL store tests use STORYLENS_TEST_PG"
    else
      echo "test-setup: STORYLENS_TEST_PG is empty; the PostgreSQL store tests will be skipped"
    fi
    return
  fi
  local err
  err="$(bash scripts/postgres.sh start 2>&1 >/dev/null)"
  if bash scripts/postgres.sh url >/dev/null 2>&1; then
    echo "test-setup: PostgreSQL test server running ($(printf '%s\n' "$err" | tail -n 1 | sed 's/^postgres.sh: //'))"
  else
    echo "test-setup: could not start a PostgreSQL server ($(printf '%s\n' "$err" | tail -n 1 | sed 's/^postgres.sh: //')); the PostgreSQL store tests will be skipped"
  fi
}

setup_chromium
setup_postgres
exit 0
