#!/usr/bin/env bash
# The stall device's processor, proven on this one: a Debian arm64 root (bookworm, what
# Raspberry Pi OS is built on) run under qemu-user-static, the interpreter installed in
# it from PyPI's aarch64 wheels as a Pi would install it, the models brought in as from
# a USB stick (`interpreter models export`, then `import`), then `models verify`,
# `translate` of two short clips (whisper-tiny.en and whisper-base) and the logic tests.
#
# Run as root (`make device-check`). The root is kept between runs (ARM64_ROOT, default
# /var/tmp/interpreter-arm64) so a second run skips debootstrap. Emulation is slow: the
# timings printed say how long each step took under qemu, which is no guide to a Pi.
#
# Options (environment): ARM64_ROOT, ARM64_SUITE (Debian suite, default bookworm),
# ARM64_TESTS (pytest paths, default tests; marks always exclude models, slow, realtime).
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
HOST_VENV=${HOST_VENV:-$REPO/.venv}
ROOT=${ARM64_ROOT:-/var/tmp/interpreter-arm64}
SUITE=${ARM64_SUITE:-bookworm}
TESTS=${ARM64_TESTS:-tests}
WORK=$(mktemp -d /var/tmp/interpreter-arm64-work.XXXXXX)
MOUNTED=()
REGISTERED=""

say() { printf '== %s\n' "$*"; }
fail() { printf 'device-check: %s\n' "$*" >&2; exit 1; }

cleanup() {
    local i
    for ((i = ${#MOUNTED[@]} - 1; i >= 0; i--)); do
        umount -l "${MOUNTED[$i]}" 2>/dev/null || true
    done
    if [ -n "$REGISTERED" ] && [ -e "$REGISTERED" ]; then echo -1 >"$REGISTERED"; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

bind() { # bind SOURCE TARGET-inside-root [ro]
    mkdir -p "$ROOT$2"
    mount --bind "$1" "$ROOT$2"
    MOUNTED+=("$ROOT$2")
    if [ "${3:-}" = ro ]; then mount -o remount,bind,ro "$ROOT$2"; fi
}

inside() { # run a shell command in the arm64 root
    chroot "$ROOT" /usr/bin/env -i HOME=/root PATH=/usr/local/bin:/usr/bin:/bin \
        LANG=C.UTF-8 PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
        PIP_DISABLE_PIP_VERSION_CHECK=1 HF_HUB_OFFLINE=1 \
        INTERPRETER_MODELS_DIR=/opt/interpreter/models /bin/bash -c "$1"
}

timed() { # timed LABEL COMMAND...: runs it, then prints how long it took
    local label=$1 start end
    shift
    start=$(date +%s.%N)
    "$@"
    end=$(date +%s.%N)
    printf '   (%s: %.1f s under emulation)\n' "$label" "$(echo "$end - $start" | bc)"
}

[ "$(id -u)" -eq 0 ] || fail "run as root (debootstrap, chroot and binfmt need it): sudo make device-check"
[ -x "$HOST_VENV/bin/interpreter" ] || fail "no $HOST_VENV: run \`make venv\` first"
case "$(uname -m)" in
    aarch64) fail "this machine is arm64 already: run \`make test\` here instead" ;;
esac

say "host tools: qemu-user-static, debootstrap, binfmt-support, bc"
missing=()
for tool in qemu-aarch64-static:qemu-user-static debootstrap:debootstrap \
    update-binfmts:binfmt-support bc:bc; do
    command -v "${tool%%:*}" >/dev/null || missing+=("${tool#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
    apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
fi

# qemu 7.2 (Debian bookworm's) crashes on `import onnxruntime` from 1.28 on (it runs
# 1.27 and older; qemu 10 runs them all), an emulator bug and not the board's: an older
# qemu gets a newer one for this run, trixie's static qemu-aarch64, fetched with apt
# into a folder of its own (the host's apt sources and lists are not touched) and
# registered with binfmt ahead of the host's entry until the run ends.
QEMU_MIN_MAJOR=10
QEMU=$(command -v qemu-aarch64-static)
qemu_major=$("$QEMU" --version | sed -n 's/^qemu-aarch64 version \([0-9]*\)\..*/\1/p')
if [ "${qemu_major:-0}" -lt "$QEMU_MIN_MAJOR" ]; then
    QEMU=${ARM64_QEMU_CACHE:-/var/tmp/interpreter-arm64-qemu}/qemu-aarch64
    if [ ! -x "$QEMU" ]; then
        say "qemu $qemu_major is older than $QEMU_MIN_MAJOR: trixie's qemu-aarch64 for this check"
        apt_dir="$WORK/apt"
        mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial" "$(dirname "$QEMU")"
        echo "deb http://deb.debian.org/debian trixie main" >"$apt_dir/sources.list"
        apt_opts=(-o "Dir::Etc::sourcelist=$apt_dir/sources.list" -o "Dir::Etc::sourceparts=-"
            -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache::archives=$apt_dir/archives"
            -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache=" -o "APT::Sandbox::User=root")
        apt-get "${apt_opts[@]}" update -qq
        (cd "$apt_dir" && apt-get "${apt_opts[@]}" download qemu-user >/dev/null)
        dpkg-deb -x "$(ls "$apt_dir"/qemu-user_*.deb)" "$apt_dir/unpacked"
        cp "$apt_dir/unpacked/usr/bin/qemu-aarch64" "$QEMU"
    fi
    "$QEMU" --version | head -1
    # F: the kernel opens the emulator now, so it runs inside the chroot too.
    printf '%s' ':interpreter-aarch64:M::\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00:\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:'"$QEMU"':PF' \
        >/proc/sys/fs/binfmt_misc/register
    REGISTERED=/proc/sys/fs/binfmt_misc/interpreter-aarch64
else
    [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || update-binfmts --enable qemu-aarch64
    [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] ||
        fail "binfmt has no qemu-aarch64 entry: reinstall qemu-user-static and binfmt-support"
fi

if [ ! -x "$ROOT/usr/bin/python3" ]; then
    say "debootstrap $SUITE arm64 into $ROOT"
    rm -rf "$ROOT"
    timed debootstrap debootstrap --arch=arm64 --variant=minbase \
        --include=python3,python3-venv,ca-certificates "$SUITE" "$ROOT" >"$WORK/debootstrap.log" ||
        { tail -20 "$WORK/debootstrap.log"; fail "debootstrap failed (log above)"; }
else
    say "arm64 root kept from an earlier run: $ROOT"
fi
# The host's certificates (this machine reaches PyPI through a proxy that is in them).
cp /etc/ssl/certs/ca-certificates.crt "$ROOT/etc/ssl/certs/ca-certificates.crt"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"

say "on the host: the interpreter's wheel, the models exported as to a USB stick, two clips"
"$HOST_VENV/bin/pip" wheel --quiet --no-deps "$REPO" -w "$WORK/dist"
mkdir -p "$WORK/stick" "$WORK/clips"
for model in whisper-tiny.en whisper-base; do
    "$HOST_VENV/bin/interpreter" models export "$model" "$WORK/stick" >/dev/null
done
# An English buyer (the demo voice) and a Chinese merchant (the natural test voice
# where it is here, else espeak-ng's).
"$HOST_VENV/bin/interpreter" translate-text "我要五百件，一件三块五。" --from zh --to en \
    --out "$WORK/clips/buyer-en.wav" >/dev/null
if [ -d "$REPO/../shared/voices/zh-baker" ]; then
    (cd "$REPO" && "$HOST_VENV/bin/python" -m benchmarks.demo_voices "$WORK/zh" >/dev/null)
    cp "$(find "$WORK/zh" -name '*.wav' | sort | head -1)" "$WORK/clips/merchant-zh.wav"
else
    "$HOST_VENV/bin/interpreter" translate-text "I want five hundred pieces." --from en --to zh \
        --out "$WORK/clips/merchant-zh.wav" >/dev/null
fi

say "on the host (x86): the same two clips, for comparison"
"$HOST_VENV/bin/interpreter" translate "$WORK/clips/buyer-en.wav" --from en --to zh \
    --asr-model whisper-tiny.en --no-speech 2>/dev/null | head -2
"$HOST_VENV/bin/interpreter" translate "$WORK/clips/merchant-zh.wav" --from zh --to en \
    --asr-model whisper-base --no-speech 2>/dev/null | head -2

bind /proc /proc
bind /sys /sys
bind /dev /dev
bind "$WORK" /check ro
bind "$REPO" /src ro

say "arm64: versions"
inside 'uname -m; python3 --version; head -1 /etc/debian_version'

say "arm64: install from PyPI's aarch64 wheels only (--only-binary=:all:)"
# shellcheck disable=SC2016 # expanded inside the root, not here
timed install inside '
    set -e
    [ -x /opt/interpreter/.venv/bin/python ] || python3 -m venv /opt/interpreter/.venv
    /opt/interpreter/.venv/bin/pip install --quiet --only-binary=:all: \
        "$(ls /check/dist/interpreter-*.whl)[dev]"
'
inside '/opt/interpreter/.venv/bin/python - <<EOF
import importlib.metadata as m, platform
print("machine", platform.machine())
for name in ("interpreter", "ctranslate2", "faster-whisper", "onnxruntime", "piper-tts",
             "numpy", "sounddevice", "sentencepiece", "opencc", "av"):
    print(f"{name:15} {m.version(name)}")
EOF'

say "arm64: models imported from the stick, then verified"
inside 'rm -rf /opt/interpreter/models && /opt/interpreter/.venv/bin/interpreter models import /check/stick'
timed verify inside '/opt/interpreter/.venv/bin/interpreter models verify'

say "arm64: translate the buyer's clip with whisper-tiny.en"
timed translate-tiny inside '/opt/interpreter/.venv/bin/interpreter translate /check/clips/buyer-en.wav \
    --from en --to zh --asr-model whisper-tiny.en --no-speech'
say "arm64: translate the merchant's clip with whisper-base"
timed translate-base inside '/opt/interpreter/.venv/bin/interpreter translate /check/clips/merchant-zh.wav \
    --from zh --to en --asr-model whisper-base --no-speech'

say "arm64 root: device/setup.sh writes the stall's files into it (twice: the second changes nothing)"
# (No sound card is plugged into this root: Jetson's ALSA path looks for it by name.)
"$REPO/device/setup.sh" --dry-run --target jetson --root "$ROOT" --user stall | tail -1
"$REPO/device/setup.sh" --target pi --root "$ROOT" --user stall --sound-card "USB Audio" |
    tail -1
"$REPO/device/setup.sh" --target pi --root "$ROOT" --user stall --sound-card "USB Audio" |
    tail -1

say "arm64: the logic tests ($TESTS, not models, slow or realtime)"
# Two tests ask what this root cannot give: the demo extra's model packages (the models
# came from the stick instead), and the CPU seconds of a process in /proc, which
# qemu-user does not emulate (a real board's kernel counts them).
timed tests inside "cd /src && /opt/interpreter/.venv/bin/python -m pytest -q -p no:cacheprovider -n 2 \
    -m 'not models and not slow and not realtime' $TESTS \
    --deselect tests/store/test_store.py::test_the_models_the_demo_extra_ships_install_offline_and_match_the_catalog \
    --deselect tests/bench/test_soak.py::test_cpu_seconds_are_read_from_proc"

say "device-check passed"
