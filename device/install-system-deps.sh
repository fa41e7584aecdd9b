#!/bin/sh
# System packages the interpreter uses: espeak-ng (last-resort voice, Chinese test
# speech) and PortAudio (microphone and speaker); for the kiosk page, Debian's
# chromium (the stall's full-screen browser, and the browser tests' headless one) and
# a font with Chinese characters (without one every 中文 is a box); for the room test
# bed, a PulseAudio server, its command-line clients and ALSA's pulse plugin (a stall
# runs PipeWire or PulseAudio behind ALSA's `default`; see benchmarks/roombed.py); for
# `make lint`, shellcheck (the device's shell scripts). The stall's device itself is
# set up by device/setup.sh.
# Installs them with apt when run as root; otherwise says what is missing and carries
# on, because all of them are optional for file mode.
audio=""
command -v espeak-ng >/dev/null 2>&1 || audio="$audio espeak-ng"
if ! ldconfig -p 2>/dev/null | grep -q 'libportaudio\.so\.2'; then
    audio="$audio libportaudio2"
fi
kiosk=""
[ -x /usr/bin/chromium ] || kiosk="$kiosk chromium"
if ! fc-list :lang=zh 2>/dev/null | grep -q .; then
    kiosk="$kiosk fonts-wqy-microhei"
fi
room=""
command -v pulseaudio >/dev/null 2>&1 || room="$room pulseaudio"
command -v pacat >/dev/null 2>&1 || room="$room pulseaudio-utils"
if ! ls /usr/lib/*/alsa-lib/libasound_module_pcm_pulse.so >/dev/null 2>&1; then
    room="$room libasound2-plugins"
fi
dev=""
command -v shellcheck >/dev/null 2>&1 || dev="$dev shellcheck"
[ -z "$audio$kiosk$room$dev" ] && exit 0

updated=""
apt_install() {
    # The package lists of a fresh machine may be missing or old: update once, retry.
    apt-get install -y --no-install-recommends "$@" >/dev/null 2>&1 && return 0
    [ -n "$updated" ] && return 1
    updated=1
    apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends "$@" >/dev/null 2>&1
}

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    # In two steps, so a distribution without a usable chromium package (Ubuntu ships
    # it as a snap) still gets its voice and sound.
    # The lists are split into package names on purpose (SC2086).
    if [ -n "$audio" ]; then
        echo "installing system packages:$audio"
        # shellcheck disable=SC2086
        apt_install $audio \
            || echo "warning: could not install$audio with apt-get; continuing without them" >&2
    fi
    if [ -n "$room" ]; then
        echo "installing system packages:$room"
        # shellcheck disable=SC2086
        apt_install $room || {
            echo "warning: could not install$room with apt-get; continuing without them" >&2
            echo "         (the room tests, a real sound server, are skipped without them)" >&2
        }
    fi
    if [ -n "$kiosk" ]; then
        echo "installing system packages:$kiosk"
        # shellcheck disable=SC2086
        apt_install $kiosk || {
            echo "warning: could not install$kiosk with apt-get; continuing without them" >&2
            echo "         (the kiosk page needs a browser to be shown on the stall's screen;" >&2
            echo "          its browser tests are skipped without /usr/bin/chromium)" >&2
        }
    fi
    if [ -n "$dev" ]; then
        echo "installing system packages:$dev"
        # shellcheck disable=SC2086
        apt_install $dev || {
            echo "warning: could not install$dev with apt-get; continuing without it" >&2
            echo "         (make lint then does not check device/*.sh)" >&2
        }
    fi
    exit 0
fi
missing="$audio$kiosk$room$dev"
echo "note: missing system packages:$missing" >&2
echo "      install them with: sudo apt-get install$missing" >&2
echo "      (without espeak-ng there is no fallback voice and no Chinese test speech;" >&2
echo "       without libportaudio2 there is no microphone or speaker; without chromium" >&2
echo "       the kiosk page has no browser on the stall and its browser tests are skipped;" >&2
echo "       without a Chinese font the page shows boxes; without pulseaudio," >&2
echo "       pulseaudio-utils and libasound2-plugins the room tests are skipped;" >&2
echo "       without shellcheck make lint does not check device/*.sh;" >&2
echo "       file mode still works)" >&2
exit 0
