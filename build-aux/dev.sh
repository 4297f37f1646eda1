#!/bin/sh
# build-aux/dev.sh: the two commands of the README.
#   start [FILE…]  install what is missing (Debian 12), build, start Juggler
#   test           install what is missing, build, run every test (unit + display)
# Builds in ./build; needs no installation of Juggler itself.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build="$top/build"

# What Debian 12 needs to build, run and test Juggler.
packages="gcc pkg-config meson ninja-build gettext python3 locales
  libglib2.0-dev libglib2.0-dev-bin libgtk-4-dev libjson-glib-dev libuv1-dev libcairo2-dev libpango1.0-dev
  desktop-file-utils appstream libxml2-utils xvfb xauth poppler-utils fonts-dejavu-core"

install_missing () {
  missing=""
  for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
  done
  [ -z "$missing" ] && return 0
  echo "Installing:$missing"
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
}

build () {
  if [ ! -f "$build/build.ninja" ]; then
    meson setup "$build" "$top"
  fi
  meson compile -C "$build"
}

command=${1:-}
[ $# -gt 0 ] && shift
case "$command" in
  start)
    install_missing
    build
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
      echo "No display found (DISPLAY / WAYLAND_DISPLAY are unset): run this from a desktop session." >&2
      exit 1
    fi
    exec meson devenv -C "$build" -w "$PWD" "$build/src/app/juggler" "$@"
    ;;
  test)
    install_missing
    build
    status=0
    meson test -C "$build" --print-errorlogs --num-processes 2 "$@" || status=$?
    # Meson prints its own table; this adds the one closing line CI reads.
    python3 "$top/build-aux/test-summary.py" "$build/meson-logs/testlog.json"
    exit $status
    ;;
  *)
    echo "usage: build-aux/dev.sh start [TRACE…] | test [meson test options]" >&2
    exit 2
    ;;
esac
