#!/usr/bin/env bash
# Installs every Debian package telemq needs to build, test and benchmark, and only those that
# are missing, so a second run costs a few dpkg queries. Run as root (or with sudo available).
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config clang libclang-rt-14-dev clang-format
  libboost1.74-dev libssl-dev libsqlite3-dev sqlite3
  libcli11-dev libtomlplusplus-dev libspdlog-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  libpaho-mqtt-dev libpaho-mqttpp-dev mosquitto-clients mosquitto
  openssl ca-certificates procps util-linux
)
if [[ "${TELEMQ_BROWSER_TESTS:-1}" == 1 ]]; then
  packages+=(chromium)
  # Some images ship Node.js from another repackaging whose npm conflicts with Debian's: take
  # whatever node and npm are on PATH, and only ask Debian when they are absent.
  command -v node >/dev/null || packages+=(nodejs)
  command -v npm >/dev/null || packages+=(npm)
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) != 0 ]]; then
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
