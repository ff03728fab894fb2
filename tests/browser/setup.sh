#!/usr/bin/env bash
# Installs what the browser and console tests need: Debian's Chromium (/usr/bin/chromium) and
# Firefox ESR (/usr/bin/firefox-esr), playwright-core and puppeteer-core at the versions pinned in
# package-lock.json (into tests/browser/node_modules), and the AWS SDK for JavaScript
# (@aws-sdk/client-s3) that the integration tests' Node functions use. Neither driver downloads
# a browser of its own: the tests launch Debian's.
# Safe to run again: prints nothing and changes nothing when everything is already installed.
set -euo pipefail
cd "$(dirname "$0")"

sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"

# Debian's browsers: chromium for playwright-core, firefox-esr for puppeteer-core (WebDriver BiDi).
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/firefox-esr ] || missing+=(firefox-esr)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Refresh the package lists first when apt does not know them yet, and once more if the
  # install fails on stale lists.
  if ! apt-cache show "${missing[@]}" >/dev/null 2>&1; then
    $sudo_cmd apt-get update -qq
  fi
  if ! $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
    $sudo_cmd apt-get update -qq
    $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
fi

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "tests/browser/setup.sh: node and npm are needed for the browser test" >&2
  exit 1
fi

# Reinstall only when node_modules does not hold every locked package at its locked version.
stale=$(node -e '
  const lock = require("./package-lock.json").packages;
  const wanted = Object.keys(require("./package.json").dependencies);
  const have = (name) => { try { return require("./node_modules/" + name + "/package.json").version } catch { return "" } };
  console.log(wanted.filter((name) => have(name) !== lock["node_modules/" + name].version).join(" "));')
if [ -n "$stale" ]; then
  echo "installing $stale"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
fi
