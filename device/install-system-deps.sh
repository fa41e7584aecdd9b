#!/bin/sh
# System packages the interpreter uses: espeak-ng (last-resort voice, Chinese test
# speech) and PortAudio (microphone and speaker). Installs them with apt when run as
# root; otherwise says what is missing and carries on, because both are optional for
# file mode.
missing=""
command -v espeak-ng >/dev/null 2>&1 || missing="$missing espeak-ng"
if ! ldconfig -p 2>/dev/null | grep -q 'libportaudio\.so\.2'; then
    missing="$missing libportaudio2"
fi
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing system packages:$missing"
    export DEBIAN_FRONTEND=noninteractive
    if apt-get install -y --no-install-recommends $missing >/dev/null 2>&1 \
        || { apt-get update >/dev/null 2>&1 \
             && apt-get install -y --no-install-recommends $missing >/dev/null 2>&1; }; then
        exit 0
    fi
    echo "warning: could not install$missing with apt-get; continuing without them" >&2
    exit 0
fi
echo "note: missing system packages:$missing" >&2
echo "      install them with: sudo apt-get install$missing" >&2
echo "      (without espeak-ng there is no fallback voice and no Chinese test speech;" >&2
echo "       without libportaudio2 there is no microphone or speaker; file mode still works)" >&2
exit 0
