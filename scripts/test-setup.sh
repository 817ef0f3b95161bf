#!/usr/bin/env bash
# Installs what the test suite needs beyond Python packages. Safe to run repeatedly.
# Browser tests use Debian's Chromium (never a browser downloaded by Playwright); when it
# cannot be installed (not root, no apt, no network) they skip. This script never fails.
set -u

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  echo "test-setup: chromium present ($CHROMIUM)"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "test-setup: no apt-get here; browser tests will be skipped"
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "test-setup: not root, cannot install chromium; browser tests will be skipped"
  exit 0
fi
echo "test-setup: installing chromium for the browser tests (apt-get)"
if { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/tmp/storylens-test-setup.log 2>&1; then
  echo "test-setup: chromium installed"
else
  echo "test-setup: could not install chromium (see /tmp/storylens-test-setup.log); browser tests will be skipped"
fi
exit 0
