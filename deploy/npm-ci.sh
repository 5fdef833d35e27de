#!/bin/sh
# `npm ci` with one exception. The lockfile lists only the Linux builds of packages with native
# binaries (@swc/core, msgpackr-extract); npm 10 (the one in node:20 images) installs from it, but
# npm 11 refuses it as "out of sync". Only then install from the same lockfile with `npm install`,
# which keeps the locked versions; any other `npm ci` failure fails the build.
set -eu
if npm ci --no-fund --no-audit --loglevel=error "$@"; then exit 0; fi
major=$(npm -v | cut -d. -f1)
[ "$major" -ge 11 ] || exit 1
echo "npm $major rejected the platform-pruned lockfile; installing from it with npm install" >&2
npm install --no-fund --no-audit --no-save --loglevel=error "$@"
