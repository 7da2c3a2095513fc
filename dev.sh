#!/usr/bin/env bash
# ibg-pilot developer entry point: works as the very first command on a fresh Debian/Ubuntu
# machine that has only Node/npm or only Deno. It installs what is missing (Deno 2.9 from npm;
# Debian packages when run as root) or stops with one message naming what to install, then runs
# the deno task of the same name.
#
#   ./dev.sh demo    run ibg-pilot against the simulated Gateway
#   ./dev.sh test    run the whole test suite
#   ./dev.sh check   fmt + lint + type-check
set -euo pipefail
cd "$(dirname "$0")"

DENO_VERSION=2.9.6
APT_PACKAGES=(xvfb at-spi2-core libatk-wrapper-java libatk-wrapper-java-jni dbus dbus-x11
  python3-pyatspi oathtool x11-utils imagemagick openjdk-17-jdk-headless openjfx procps x11vnc
  chromium)

# `./dev.sh packages`: the Debian packages above on one line (the GitHub CI workflow installs them).
if [ "${1:-}" = "packages" ]; then echo "${APT_PACKAGES[*]}"; exit 0; fi

find_deno() {
  if command -v deno >/dev/null 2>&1; then command -v deno; return; fi
  for d in ./.tools/node_modules/.bin/deno "$HOME/.deno/bin/deno"; do
    if [ -x "$d" ]; then echo "$d"; return; fi
  done
}

deno_bin=$(find_deno || true)
if [ -z "$deno_bin" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "ibg-pilot needs Deno $DENO_VERSION or Node.js with npm to install it. Install one of them (apt-get install -y npm)." >&2
    exit 2
  fi
  echo "Installing Deno $DENO_VERSION from npm into ./.tools ..." >&2
  npm install --silent --no-audit --no-fund --prefix ./.tools "deno@$DENO_VERSION" >&2
  deno_bin=./.tools/node_modules/.bin/deno
fi

need_apt=()
command -v Xvfb >/dev/null 2>&1 || need_apt+=(xvfb)
command -v javac >/dev/null 2>&1 || need_apt+=(openjdk-17-jdk-headless)
command -v dbus-daemon >/dev/null 2>&1 || need_apt+=(dbus dbus-x11)
command -v oathtool >/dev/null 2>&1 || need_apt+=(oathtool)
# procps kill: the controller's permission set signals process groups through /usr/bin/kill.
[ -x /usr/bin/kill ] || [ -x /bin/kill ] || need_apt+=(procps)
[ -e /usr/libexec/at-spi-bus-launcher ] || need_apt+=(at-spi2-core)
[ -e /usr/share/java/java-atk-wrapper.jar ] || need_apt+=(libatk-wrapper-java libatk-wrapper-java-jni)
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import pyatspi' 2>/dev/null || need_apt+=(python3-pyatspi)
# OpenJFX: the JavaFX fixture of tests/agent/fx_test.ts (Gateway's Login Messages window).
[ -d /usr/share/openjfx/lib ] || need_apt+=(openjfx)
# x11vnc: the VNC server ibg-pilot starts with VNC_SERVER_PASSWORD or PILOT_CONSOLE; Chromium: the
# console's end-to-end tests drive it headless (puppeteer-core, no browser download).
command -v x11vnc >/dev/null 2>&1 || need_apt+=(x11vnc)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian packages: ${APT_PACKAGES[*]}" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${APT_PACKAGES[@]}" >&2
  else
    echo "Missing Debian packages: ${need_apt[*]}. Install them: sudo apt-get install -y ${APT_PACKAGES[*]}" >&2
    exit 2
  fi
fi

task="${1:-test}"
shift || true
exec "$deno_bin" task "$task" "$@"
