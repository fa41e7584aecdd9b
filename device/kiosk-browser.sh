#!/bin/sh
# Show the stall's page full-screen: Debian's chromium in kiosk mode, pointed at the
# interpreter's local page. Start it from the desktop session's autostart (or a
# systemd user unit) after `interpreter kiosk` is up; it waits for the page.
# Usage: device/kiosk-browser.sh [URL]   (default http://127.0.0.1:8780/)
set -eu
url="${1:-http://127.0.0.1:8780/}"
browser="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$browser" ]; then
    echo "error: chromium is not installed; run: sudo apt-get install chromium" >&2
    exit 1
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
# A private profile each start (a stall has no need to remember browsing), no first-run
# questions, no update or sync traffic on a network that may not exist, touch input.
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
exec "$browser" --kiosk --no-first-run --noerrdialogs --disable-translate \
    --disable-background-networking --disable-component-update --disable-sync \
    --overscroll-history-navigation=0 --touch-events=enabled \
    --user-data-dir="$profile" "$url"
