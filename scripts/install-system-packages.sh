#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, only when one is missing.
set -euo pipefail

declare -A needed=(
  [chromium]=/usr/bin/chromium          # browser tests
  [poppler-utils]=/usr/bin/pdfsig       # checking signed PDFs
  [libreoffice-calc-nogui]=/usr/bin/soffice  # re-saving workbooks as a spreadsheet program would
  [docker-compose]=/usr/bin/docker-compose   # validating docker-compose.yml (no engine needed)
  [postgresql-client]=/usr/bin/pg_restore    # restoring a backup into a new database
)
missing=()
for package in "${!needed[@]}"; do
  [ -x "${needed[$package]}" ] || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${missing[*]}. Install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
