#!/bin/sh
# Makes the stall's USB sound card the sound server's default speaker (sink) and
# microphone (source), chosen by part of its name, through pactl: PipeWire (with
# pipewire-pulse, as on Raspberry Pi OS Bookworm) and PulseAudio alike. The sound server
# (WirePlumber, or PulseAudio's module-default-device-restore) keeps the choice and
# takes the card again whenever it is plugged back in; running this at each login only
# makes sure. Run by interpreter-sound-card.service (device/setup.sh --sound-card).
# Usage: device/sound-card.sh NAME [WAIT_S]   (NAME: e.g. "USB Audio"; WAIT_S default 60)
set -eu
if [ $# -lt 1 ] || [ -z "$1" ]; then
    echo "usage: $0 NAME [WAIT_S]  (NAME: part of the sound card's name, see: pactl list short sinks)" >&2
    exit 2
fi
want="$1"
wait_s="${2:-60}"
if ! command -v pactl >/dev/null 2>&1; then
    echo "error: pactl is not installed; run: sudo apt-get install pulseaudio-utils" >&2
    exit 1
fi

# The name of the first sink or source (not a monitor of a sink) whose description or
# name holds NAME, any case (in a name, spaces are underscores).
find_node() {
    LC_ALL=C pactl list "$1" 2>/dev/null | awk -v want="$want" '
        BEGIN { want = tolower(want); wanted_name = want; gsub(/ /, "_", wanted_name) }
        /^[^ \t]/ { name = "" }
        /^[ \t]+Name: / { name = $0; sub(/^[ \t]+Name: /, "", name) }
        /^[ \t]+Description: / {
            description = $0
            sub(/^[ \t]+Description: /, "", description)
            if (name != "" && name !~ /\.monitor$/ &&
                (index(tolower(description), want) || index(tolower(name), wanted_name))) {
                print name
                exit
            }
        }'
}

waited=0
while :; do
    sink="$(find_node sinks)"
    source="$(find_node sources)"
    if [ -n "$sink" ] && [ -n "$source" ]; then
        break
    fi
    if [ "$waited" -ge "$wait_s" ]; then
        echo "error: no sound card named like '$want' (speaker: ${sink:-none}, microphone: ${source:-none}) after ${wait_s}s; plug it in, or see: pactl list short sinks" >&2
        exit 1
    fi
    sleep 1
    waited=$((waited + 1))
done
pactl set-default-sink "$sink"
pactl set-default-source "$source"
echo "default speaker: $sink"
echo "default microphone: $source"
