#!/bin/sh
# Show the stall's page full-screen: Debian's chromium in kiosk mode, pointed at the
# interpreter's local page. interpreter-browser.service (device/setup.sh) starts it once
# `interpreter kiosk` is up; by hand, start it from the desktop session. It waits for
# the page, and, started outside the desktop session (a systemd user service at boot),
# for the desktop's display: a Wayland socket of this user's, else X11's :0.
# Usage: device/kiosk-browser.sh [URL]   (default http://127.0.0.1:8780/)
set -eu
url="${1:-http://127.0.0.1:8780/}"
browser="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$browser" ]; then
    echo "error: chromium is not installed; run: sudo apt-get install chromium" >&2
    exit 1
fi
# The desktop's display, when none is given: wait for the desktop to come up.
find_display() {
    runtime="${XDG_RUNTIME_DIR:-/run/user/$(id -u)}"
    for socket in "$runtime"/wayland-[0-9]*; do
        case "$socket" in *.lock) continue ;; esac
        if [ -S "$socket" ]; then
            export XDG_RUNTIME_DIR="$runtime" WAYLAND_DISPLAY="${socket##*/}"
            return 0
        fi
    done
    if [ -S /tmp/.X11-unix/X0 ]; then
        export DISPLAY=:0
        for cookie in "$HOME/.Xauthority" "$runtime/gdm/Xauthority"; do
            if [ -z "${XAUTHORITY:-}" ] && [ -r "$cookie" ]; then
                export XAUTHORITY="$cookie"
            fi
        done
        return 0
    fi
    return 1
}
if [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${DISPLAY:-}" ]; then
    tries=0
    until find_display; do
        tries=$((tries + 1))
        if [ "$tries" -gt 300 ]; then
            echo "error: no desktop display (Wayland or X11 :0) for $(id -un) after 5 minutes; log in to the desktop as $(id -un) (autologin)" >&2
            exit 1
        fi
        sleep 1
    done
fi
# The page is served by the interpreter once its models are loaded: wait for it.
tries=0
until python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=2)" "$url" 2>/dev/null; do
    tries=$((tries + 1))
    if [ "$tries" -gt 120 ]; then
        echo "error: nothing answers at $url after 2 minutes; is 'interpreter kiosk' running?" >&2
        exit 1
    fi
    sleep 1
done
# A fresh profile each start (a stall has no need to remember browsing) in one fixed
# folder, emptied here: the browser is exec'd (systemd stops it directly), so a folder
# per start would be left behind by every restart of a day. No first-run questions, no
# update or sync traffic on a network that may not exist, touch input, Wayland where the
# desktop is Wayland (Raspberry Pi OS Bookworm), else X11.
profile="${XDG_CACHE_HOME:-$HOME/.cache}/interpreter-kiosk-browser"
rm -rf "$profile"
mkdir -p "$profile"
exec "$browser" --kiosk --no-first-run --noerrdialogs --disable-translate \
    --ozone-platform-hint=auto \
    --disable-background-networking --disable-component-update --disable-sync \
    --overscroll-history-navigation=0 --touch-events=enabled \
    --user-data-dir="$profile" "$url"
