#!/usr/bin/env bash
# Installs the Debian packages the tests and the deployment checks need, and only those that are
# missing, so a second run changes nothing and needs no network.
# To add a package, append it to PACKAGES (the Debian package name).
set -euo pipefail

PACKAGES=(
  caddy           # Caddyfile validation and the HTTPS e2e tests (caddy 2.6.2 in bookworm)
  docker-compose  # docker-compose.yml validation (compose v1; no Docker engine needed)
)

is_installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

missing=()
for pkg in "${PACKAGES[@]}"; do
  is_installed "$pkg" || missing+=("$pkg")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-system-deps: all present (${PACKAGES[*]})"
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-system-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi

echo "install-system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
