#!/usr/bin/env bash
# One command that sets up a stall's device: Raspberry Pi OS Bookworm (PipeWire) on a
# Raspberry Pi 5, or JetPack (Ubuntu 22.04, ALSA) on a Jetson Orin Nano.
#
#   sudo device/setup.sh --models-from /media/usb --sound-card "USB Audio" --pair zh-en
#
# It installs the system packages and the Python environment (in .venv beside this
# folder: the checkout stays where the stall keeps it, e.g. /opt/interpreter), imports
# the models from a USB stick, writes the stall's config, makes the USB sound card the
# default microphone and speaker (through pactl where PipeWire or PulseAudio holds the
# cards, else in /etc/asound.conf), and installs systemd user services for the stall's
# user: the interpreter (Type=notify with a watchdog), the kiosk browser, and a nightly
# copy of the deal log; lingering is turned on so they start at boot; the journal gets
# size limits. See device/README.md.
#
# Every step compares before it changes anything, so a second run changes nothing and
# says so; --dry-run prints every change (each package, each file with its content or
# a diff, each command, each unit enabled) and makes none. With --root DIR, the files
# go into DIR (a chroot, or a test's folder); the steps that need the running system
# (apt-get, useradd, the venv, the models, systemctl) run only when the root is /, and
# are otherwise printed as skipped.
set -euo pipefail
# Bash 5.2 puts the matched text for '&' in ${x//pattern/replacement}; values are literal.
shopt -u patsub_replacement 2>/dev/null || true

usage() {
    cat <<'EOF'
usage: device/setup.sh [options]

Sets up the stall's device in one run; run it again after changing an option.

  --target pi|jetson   the device (default: detected from /etc/nv_tegra_release,
                       /proc/device-tree/model and /etc/os-release)
  --dry-run            print every change it would make, and make none
  --root DIR           install into DIR instead of / (a chroot or a test folder); the
                       steps that need the running system are then only printed
  --models-from DIR    import the models exported to DIR (a USB stick):
                       interpreter models import DIR
  --user NAME          the stall's user, whose desktop shows the page
                       (default: the user running sudo, else "stall")
  --pair XX-YY         the merchant's language, then the buyer's (default: zh-en)
  --sound-card NAME    part of the USB sound card's name (e.g. "USB Audio"; see
                       aplay -l): the default microphone and speaker
  --backup-dir DIR     where the nightly deal-log copies go
                       (default: deal-log-copies in the user's home)
  --keep-days N        how many days of copies to keep (default: 30)
  -h, --help           this text
EOF
}

say() { printf '%s\n' "$*"; }
usage_error() {
    printf 'error: %s\n' "$1" >&2
    exit 2
}
fail() {
    printf 'error: %s\n' "$1" >&2
    exit 1
}

# ---------------------------------------------------------------- options
TARGET=""
DRY_RUN=0
ROOT="/"
MODELS_FROM=""
STALL_USER=""
PAIR="zh-en"
SOUND_CARD=""
BACKUP_DIR="%h/deal-log-copies"
KEEP_DAYS="30"

parse_options() {
    local option value has_value
    while [ $# -gt 0 ]; do
        option="$1"
        has_value=0
        value=""
        case "$option" in
            --*=*)
                value="${option#*=}"
                option="${option%%=*}"
                has_value=1
                ;;
        esac
        case "$option" in
            -h | --help)
                usage
                exit 0
                ;;
            --dry-run)
                [ "$has_value" = 0 ] || usage_error "--dry-run takes no value"
                DRY_RUN=1
                ;;
            --target | --root | --models-from | --user | --pair | --sound-card | --backup-dir | --keep-days)
                if [ "$has_value" = 0 ]; then
                    [ $# -ge 2 ] || usage_error "$option needs a value; see: device/setup.sh --help"
                    value="$2"
                    shift
                fi
                case "$option" in
                    --target) TARGET="$value" ;;
                    --root) ROOT="$value" ;;
                    --models-from) MODELS_FROM="$value" ;;
                    --user) STALL_USER="$value" ;;
                    --pair) PAIR="$value" ;;
                    --sound-card) SOUND_CARD="$value" ;;
                    --backup-dir) BACKUP_DIR="$value" ;;
                    --keep-days) KEEP_DAYS="$value" ;;
                esac
                ;;
            *) usage_error "unknown option '$option'; see: device/setup.sh --help" ;;
        esac
        shift
    done
}

check_options() {
    case "$TARGET" in
        "" | pi | jetson) ;;
        *) usage_error "--target '$TARGET' is not pi or jetson" ;;
    esac
    [ -d "$ROOT" ] || usage_error "--root '$ROOT' is not a folder; create it or give another"
    ROOT="$(cd "$ROOT" && pwd -P)"
    if [ -n "$MODELS_FROM" ] && [ ! -d "$MODELS_FROM" ]; then
        usage_error "--models-from '$MODELS_FROM' is not a folder; is the USB stick mounted?"
    fi
    if [ -z "$STALL_USER" ]; then
        STALL_USER="${SUDO_USER:-}"
        if [ -z "$STALL_USER" ] || [ "$STALL_USER" = root ]; then
            STALL_USER="stall"
        fi
    fi
    [[ "$STALL_USER" =~ ^[a-z_][a-z0-9_-]{0,31}$ ]] ||
        usage_error "--user '$STALL_USER' is not a user name (lower-case letters, digits, _ and -)"
    [ "$STALL_USER" != root ] || usage_error "--user root: the stall's services run as an ordinary user; give one"
    if [[ ! "$PAIR" =~ ^([a-z]{2,3})-([a-z]{2,3})$ ]] || [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ]; then
        usage_error "--pair '$PAIR' is not two different language codes; write it as zh-en"
    fi
    if [ -n "$SOUND_CARD" ]; then
        [[ "$SOUND_CARD" =~ ^[A-Za-z0-9][A-Za-z0-9\ ._-]*$ ]] ||
            usage_error "--sound-card '$SOUND_CARD' may hold only letters, digits, spaces and . _ -"
    fi
    [[ "$BACKUP_DIR" =~ ^(/|%h/)[A-Za-z0-9/._-]*$ ]] ||
        usage_error "--backup-dir '$BACKUP_DIR' must be an absolute path of letters, digits and / . _ -"
    [[ "$KEEP_DAYS" =~ ^[1-9][0-9]*$ ]] || usage_error "--keep-days '$KEEP_DAYS' is not a whole number of days"
}

# ---------------------------------------------------------------- where and how
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
APP_DIR="$(dirname "$HERE")"
LIVE=0     # the root is this running system: apt-get, useradd, systemctl and the venv run
DO=""      # "would " in a dry run
CHANGES=0
USER_UNITS_CHANGED=0
JOURNALD_CHANGED=0
PARTIAL=""

# The path of a target file, under the root.
path() { printf '%s%s' "${ROOT%/}" "$1"; }

systemd_running() { [ "$LIVE" = 1 ] && [ -d /run/systemd/system ]; }

section() { say "== $1"; }

# A command as it would be typed (arguments with spaces quoted).
shown() {
    local word out=""
    for word in "$@"; do
        if [[ "$word" =~ ^[A-Za-z0-9_./=:@%+,-]+$ ]]; then
            out+="$word "
        else
            out+="$(printf '%q' "$word") "
        fi
    done
    printf '%s' "${out% }"
}

# A step that needs the running system: run (counted as a change), printed in a dry
# run, skipped under another root.
run_system() {
    if [ "$LIVE" != 1 ]; then
        say "skip (the root $ROOT is not this system): $(shown "$@")"
        return 0
    fi
    CHANGES=$((CHANGES + 1))
    say "${DO}run: $(shown "$@")"
    if [ "$DRY_RUN" = 0 ]; then
        "$@"
    fi
}

indent() { sed "s/^/    $1/"; }

# Write FILE (a path on the target) with CONTENT and MODE, unless it holds them already.
# The new file is written beside it and renamed over it (a reader never sees half), and
# a file replaced is kept as FILE.bak.
write_file() {
    local target="$1" content="$2" mode="${3:-644}" file folder
    file="$(path "$target")"
    folder="$(dirname "$file")"
    if [ -f "$file" ] && printf '%s\n' "$content" | cmp -s - "$file"; then
        if [ "$(stat -c %a "$file")" = "$mode" ]; then
            say "ok: $file"
            return 0
        fi
        CHANGES=$((CHANGES + 1))
        say "${DO}chmod $mode $file"
        [ "$DRY_RUN" = 1 ] || chmod "$mode" "$file"
        return 0
    fi
    CHANGES=$((CHANGES + 1))
    case "$target" in
        /etc/systemd/user/*) USER_UNITS_CHANGED=1 ;;
        /etc/systemd/journald.conf.d/*) JOURNALD_CHANGED=1 ;;
    esac
    if [ -e "$file" ]; then
        say "${DO}replace $file (the old one kept as $file.bak):"
        { printf '%s\n' "$content" | diff -u --label "$file" --label "$file (new)" "$file" - || true; } | indent ""
    else
        local note=""
        [ -d "$folder" ] || note=" (a new folder)"
        say "${DO}write $file$note:"
        printf '%s\n' "$content" | indent "| "
    fi
    [ "$DRY_RUN" = 0 ] || return 0
    mkdir -p "$folder"
    PARTIAL="$(mktemp "$folder/.$(basename "$file").XXXXXX")"
    printf '%s\n' "$content" >"$PARTIAL"
    chmod "$mode" "$PARTIAL"
    if [ -e "$file" ]; then
        cp -p "$file" "$file.bak"
    fi
    mv -f "$PARTIAL" "$file"
    PARTIAL=""
}

# LINK (a path on the target) pointing at TARGET, as `systemctl enable` makes them.
make_link() {
    local link="$1" target="$2" file
    file="$(path "$link")"
    if [ -L "$file" ] && [ "$(readlink "$file")" = "$target" ]; then
        say "ok: $file -> $target"
        return 0
    fi
    CHANGES=$((CHANGES + 1))
    USER_UNITS_CHANGED=1
    say "${DO}enable $(basename "$link"): link $file -> $target"
    [ "$DRY_RUN" = 0 ] || return 0
    mkdir -p "$(dirname "$file")"
    ln -sfn "$target" "$file.new"
    mv -Tf "$file.new" "$file"
}

make_folder() {
    local target="$1" mode="$2" file
    file="$(path "$target")"
    if [ -d "$file" ]; then
        say "ok: $file/"
        return 0
    fi
    CHANGES=$((CHANGES + 1))
    say "${DO}create folder $file (mode $mode)"
    [ "$DRY_RUN" = 1 ] || install -d -m "$mode" "$file"
}

remove_file() {
    local target="$1" why="$2" file
    file="$(path "$target")"
    if [ ! -e "$file" ] && [ ! -L "$file" ]; then
        return 0
    fi
    CHANGES=$((CHANGES + 1))
    say "${DO}remove $file ($why)"
    [ "$DRY_RUN" = 1 ] || rm -f "$file"
}

# A template from this folder with its @NAME@ placeholders filled in.
render() {
    local text
    text="$(<"$HERE/$1")"
    text="${text//@USER@/$STALL_USER}"
    text="${text//@APP_DIR@/$APP_DIR}"
    text="${text//@PAIR@/$PAIR}"
    text="${text//@SOUND_CARD@/$SOUND_CARD}"
    text="${text//@CARD_ID@/${CARD_ID:-}}"
    text="${text//@BACKUP_DIR@/$BACKUP_DIR}"
    text="${text//@KEEP_DAYS@/$KEEP_DAYS}"
    printf '%s' "$text"
}

# ---------------------------------------------------------------- the target
os_field() {
    local file
    file="$(path /etc/os-release)"
    [ -r "$file" ] || return 0
    sed -n "s/^$1=//p" "$file" | tr -d '"' | head -n 1
}

device_model() {
    local file
    file="$(path /proc/device-tree/model)"
    [ -r "$file" ] || return 0
    tr -d '\0' <"$file"
}

detect_target() {
    local model
    model="$(device_model)"
    if [ -e "$(path /etc/nv_tegra_release)" ] || [[ "$model" == *Jetson* ]]; then
        TARGET=jetson
    elif [[ "$model" == *"Raspberry Pi"* ]]; then
        TARGET=pi
    else
        usage_error "cannot tell the device from $(path /etc/nv_tegra_release) or $(path /proc/device-tree/model); pass --target pi or --target jetson"
    fi
    say "detected: $TARGET${model:+ ($model)}"
}

check_os() {
    local id version codename
    id="$(os_field ID)"
    version="$(os_field VERSION_ID)"
    codename="$(os_field VERSION_CODENAME)"
    if [ -z "$id" ]; then
        say "note: no $(path /etc/os-release); carrying on as $TARGET"
    elif [ "$TARGET" = pi ] && [ "$codename" != bookworm ]; then
        say "note: this is $id $version ($codename), not Raspberry Pi OS Bookworm; carrying on as pi"
    elif [ "$TARGET" = jetson ] && [ "$id $version" != "ubuntu 22.04" ]; then
        say "note: this is $id $version, not JetPack's Ubuntu 22.04; carrying on as jetson"
    fi
}

# ---------------------------------------------------------------- the steps
packages() {
    # Both: ALSA's tools (the error messages send people to aplay -l), PortAudio, the
    # last-resort voice, a font with Chinese characters, Python's venv, the browser.
    local wanted=(alsa-utils libportaudio2 espeak-ng fonts-wqy-microhei python3-venv)
    if [ "$TARGET" = pi ]; then
        # Raspberry Pi OS's Chromium; PipeWire with its PulseAudio and ALSA faces (the
        # interpreter opens ALSA's default, which pipewire-alsa hands to PipeWire),
        # WirePlumber (it keeps the default card) and pactl (sound-card.sh).
        wanted+=(chromium pipewire pipewire-pulse pipewire-alsa wireplumber pulseaudio-utils)
    else
        # Ubuntu 22.04 has no Chromium deb: this transitional package installs the snap.
        wanted+=(chromium-browser)
        # pactl (sound-card.sh), where a sound server holds the cards.
        [ "$SOUND_SERVER" = alsa ] || wanted+=(pulseaudio-utils)
    fi
    section "system packages"
    if [ "$LIVE" != 1 ]; then
        run_system apt-get install -y --no-install-recommends "${wanted[@]}"
        return 0
    fi
    local package missing=()
    for package in "${wanted[@]}"; do
        # shellcheck disable=SC2016  # dpkg-query's own ${field} syntax
        if dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
            say "ok: package $package"
        else
            say "${DO}install package $package"
            missing+=("$package")
        fi
    done
    [ ${#missing[@]} -gt 0 ] || return 0
    local install=(apt-get install -y --no-install-recommends "${missing[@]}")
    CHANGES=$((CHANGES + ${#missing[@]}))
    say "${DO}run: $(shown "${install[@]}")"
    [ "$DRY_RUN" = 0 ] || return 0
    export DEBIAN_FRONTEND=noninteractive
    if ! "${install[@]}"; then
        # The package lists of a fresh device may be missing or old: update, try again.
        say "run: apt-get update, then the install again"
        apt-get update
        "${install[@]}"
    fi
}

passwd_field() {
    local file
    file="$(path /etc/passwd)"
    [ -r "$file" ] || return 0
    awk -F: -v user="$1" -v field="$2" '$1 == user { print $field; exit }' "$file"
}

stall_user() {
    section "the stall's user: $STALL_USER"
    if [ -z "$(passwd_field "$STALL_USER" 1)" ]; then
        run_system useradd --create-home --user-group --shell /bin/bash "$STALL_USER"
        say "note: the screen shows the page in $STALL_USER's desktop: log in to it automatically as $STALL_USER"
    else
        say "ok: user $STALL_USER"
    fi
    # Sound (ALSA), the screen and the GPU, GPIO buttons: the groups this system has.
    local group groups_file missing=()
    groups_file="$(path /etc/group)"
    for group in audio video render gpio; do
        [ -r "$groups_file" ] || break
        awk -F: -v group="$group" '$1 == group { found = 1 } END { exit !found }' "$groups_file" || continue
        if awk -F: -v group="$group" -v user="$STALL_USER" \
            '$1 == group { n = split($4, members, ","); for (i = 1; i <= n; i++) if (members[i] == user) found = 1 }
             END { exit !found }' "$groups_file"; then
            say "ok: $STALL_USER is in group $group"
        else
            missing+=("$group")
        fi
    done
    if [ ${#missing[@]} -gt 0 ]; then
        local joined
        joined="$(IFS=,; printf '%s' "${missing[*]}")"
        run_system usermod --append --groups "$joined" "$STALL_USER"
    fi
}

python_environment() {
    section "python environment: $APP_DIR/.venv"
    local venv="$APP_DIR/.venv"
    if [ "$LIVE" != 1 ]; then
        run_system python3 -m venv "$venv"
        run_system "$venv/bin/pip" install --quiet "$APP_DIR"
        return 0
    fi
    if [ -x "$venv/bin/python" ]; then
        say "ok: $venv"
    else
        run_system python3 -m venv "$venv"
    fi
    # As `make venv` does: installed again only when pyproject.toml is newer.
    local stamp
    for stamp in "$venv/.installed" "$venv/.installed-device"; do
        if [ -x "$venv/bin/interpreter" ] && [ "$stamp" -nt "$APP_DIR/pyproject.toml" ]; then
            say "ok: interpreter is installed in $venv"
            return 0
        fi
    done
    run_system "$venv/bin/pip" install --quiet "$APP_DIR"
    if [ "$LIVE" = 1 ] && [ "$DRY_RUN" = 0 ]; then
        touch "$venv/.installed-device"
    fi
}

MODELS_DIR=/var/lib/interpreter/models

models() {
    section "models: $MODELS_DIR"
    make_folder /var/lib/interpreter 755
    make_folder "$MODELS_DIR" 755
    if [ -z "$MODELS_FROM" ]; then
        if [ -z "$(ls -A "$(path "$MODELS_DIR")" 2>/dev/null)" ]; then
            say "note: no models yet; import them from a USB stick with --models-from DIR"
        fi
        return 0
    fi
    local command=(env "INTERPRETER_MODELS_DIR=$MODELS_DIR" HF_HUB_OFFLINE=1
        "$APP_DIR/.venv/bin/interpreter" models import "$MODELS_FROM")
    if [ "$LIVE" != 1 ] || [ "$DRY_RUN" = 1 ]; then
        run_system "${command[@]}"
        return 0
    fi
    # Models already installed are left alone; each one installed is a change.
    local output installed
    say "run: $(shown "${command[@]}")"
    output="$("${command[@]}" 2>&1)" || {
        printf '%s\n' "$output" | indent ""
        fail "the models in $MODELS_FROM could not be imported (see above)"
    }
    printf '%s\n' "$output" | indent ""
    installed="$(printf '%s\n' "$output" | grep -c '^installed ' || true)"
    CHANGES=$((CHANGES + installed))
}

stall_config() {
    section "the stall's config"
    write_file /etc/interpreter/stall.toml "$(render stall.toml)"
}

CARD_ID=""
SOUND_SERVER=""

# Who holds the sound cards: PipeWire on a Pi; on a Jetson ALSA alone, unless its
# desktop runs PulseAudio (or PipeWire), which then holds the cards itself: ALSA's
# default pointed at the card would find it busy.
find_sound_server() {
    if [ "$TARGET" = pi ]; then
        SOUND_SERVER=pipewire
    elif [ -x "$(path /usr/bin/pipewire-pulse)" ]; then
        SOUND_SERVER=pipewire
    elif [ -x "$(path /usr/bin/pulseaudio)" ]; then
        SOUND_SERVER=pulseaudio
    else
        SOUND_SERVER=alsa
    fi
}

# ALSA's id of the card whose name (or id) holds NAME, any case, from /proc/asound/cards:
#  1 [Device         ]: USB-Audio - USB Audio Device
#                       C-Media Electronics Inc. USB Audio Device at usb-xhci-hcd.0-1
alsa_card_id() {
    local cards
    cards="$(path /proc/asound/cards)"
    [ -r "$cards" ] || fail "cannot read $cards to find the sound card '$SOUND_CARD'; plug it in and run again"
    CARD_ID="$(awk -v want="$(printf '%s' "$SOUND_CARD" | tr '[:upper:]' '[:lower:]')" '
        /^ *[0-9]+ \[/ {
            id = $0
            sub(/^ *[0-9]+ \[/, "", id)
            sub(/ *\].*$/, "", id)
            if (index(tolower($0), want)) { print id; exit }
            second = 1
            next
        }
        second && index(tolower($0), want) { print id; exit }
        { second = 0 }' "$cards")"
    if [ -z "$CARD_ID" ]; then
        local known
        known="$(sed -n 's/^ *\([0-9][0-9]*\) \[\([^ ]*\) *\]: .* - \(.*\)$/\1 \3 (\2)/p' "$cards" | paste -sd ';' - | sed 's/;/; /g')"
        fail "no sound card named like '$SOUND_CARD' in $cards (the cards: ${known:-none}); plug it in and run again, or see: aplay -l"
    fi
}

sound_card() {
    section "sound card"
    if [ -z "$SOUND_CARD" ]; then
        say "note: no --sound-card: the microphone and speaker are the system's default (give --sound-card \"USB Audio\" to choose the USB card by name)"
        return 0
    fi
    if [ "$SOUND_SERVER" != alsa ]; then
        # PipeWire: WirePlumber picks the default sink and source by priority unless one
        # was chosen, and keeps a chosen one (pactl set-default-sink) for whenever it is
        # present; this unit chooses it by name each time the user's session starts.
        # PulseAudio keeps it the same way (module-default-device-restore).
        say "the sound server ($SOUND_SERVER) takes the card '$SOUND_CARD' as its default"
        write_file /etc/systemd/user/interpreter-sound-card.service "$(render systemd/interpreter-sound-card.service)"
        make_link /etc/systemd/user/default.target.wants/interpreter-sound-card.service \
            /etc/systemd/user/interpreter-sound-card.service
    else
        # ALSA alone: its default device, for every program, is the card with that name
        # (its id, found before any change was made).
        say "the sound card '$SOUND_CARD' is ALSA card $CARD_ID"
        write_file /etc/asound.conf "$(render alsa/asound.conf)"
    fi
}

user_units() {
    section "systemd user services of $STALL_USER"
    local unit
    for unit in interpreter.service interpreter-browser.service \
        interpreter-deal-log-copy.service interpreter-deal-log-copy.timer; do
        write_file "/etc/systemd/user/$unit" "$(render "systemd/$unit")"
    done
    for unit in interpreter.service interpreter-browser.service; do
        make_link "/etc/systemd/user/default.target.wants/$unit" "/etc/systemd/user/$unit"
    done
    make_link /etc/systemd/user/timers.target.wants/interpreter-deal-log-copy.timer \
        /etc/systemd/user/interpreter-deal-log-copy.timer
    # The system service of earlier versions would hold the page's port.
    if [ -e "$(path /etc/systemd/system/interpreter-kiosk.service)" ] && systemd_running; then
        run_system systemctl disable --now interpreter-kiosk.service
    fi
    remove_file /etc/systemd/system/multi-user.target.wants/interpreter-kiosk.service \
        "the older system service, replaced by the user service"
    remove_file /etc/systemd/system/interpreter-kiosk.service \
        "the older system service, replaced by the user service"
    # Lingering: the user's services start at boot, before anyone logs in.
    local linger="/var/lib/systemd/linger/$STALL_USER"
    if [ -e "$(path "$linger")" ]; then
        say "ok: $(path "$linger") (lingering)"
    elif systemd_running; then
        run_system loginctl enable-linger "$STALL_USER"
    else
        CHANGES=$((CHANGES + 1))
        say "${DO}create $(path "$linger") (lingering: the services start at boot)"
        if [ "$DRY_RUN" = 0 ]; then
            mkdir -p "$(dirname "$(path "$linger")")"
            : >"$(path "$linger")"
        fi
    fi
}

journald() {
    section "journal limits"
    write_file /etc/systemd/journald.conf.d/interpreter.conf "$(render journald/interpreter.conf)"
    if [ "$JOURNALD_CHANGED" = 1 ] && systemd_running; then
        run_system systemctl restart systemd-journald.service
    fi
}

# Units changed while the user's service manager runs: reload it and restart them.
apply_units() {
    [ "$USER_UNITS_CHANGED" = 1 ] || return 0
    section "starting the services"
    local uid
    uid="$(passwd_field "$STALL_USER" 3)"
    if ! systemd_running || [ -z "$uid" ] || [ ! -S "/run/user/$uid/systemd/private" ]; then
        say "note: the services start at the next boot (or: sudo systemctl --user -M $STALL_USER@ restart interpreter interpreter-browser)"
        return 0
    fi
    local manager=(systemctl --user -M "$STALL_USER@")
    run_system "${manager[@]}" daemon-reload
    if [ -n "$SOUND_CARD" ] && [ "$SOUND_SERVER" != alsa ]; then
        run_system "${manager[@]}" restart interpreter-sound-card.service
    fi
    run_system "${manager[@]}" restart interpreter.service interpreter-browser.service
    run_system "${manager[@]}" start interpreter-deal-log-copy.timer
}

main() {
    parse_options "$@"
    check_options
    if [ "$ROOT" = / ]; then
        LIVE=1
    fi
    if [ "$DRY_RUN" = 1 ]; then
        DO="would "
    fi
    if [ "$LIVE" = 1 ] && [ "$DRY_RUN" = 0 ] && [ "$(id -u)" != 0 ]; then
        usage_error "setting up the device needs root: sudo $0 $*  (or see the changes with --dry-run)"
    fi
    trap '[ -z "$PARTIAL" ] || rm -f "$PARTIAL"' EXIT
    [ -n "$TARGET" ] || detect_target
    check_os
    find_sound_server
    # A card that is not there stops the run before anything is changed.
    if [ -n "$SOUND_CARD" ] && [ "$SOUND_SERVER" = alsa ]; then
        alsa_card_id
    fi
    say "setting up the stall: target $TARGET, sound $SOUND_SERVER, user $STALL_USER, pair $PAIR, root $ROOT$([ "$DRY_RUN" = 1 ] && printf ', dry run: nothing is changed')"
    packages
    stall_user
    python_environment
    models
    stall_config
    sound_card
    user_units
    journald
    apply_units
    section "done"
    if [ "$CHANGES" = 0 ]; then
        say "nothing to change: the stall is set up as asked"
    elif [ "$DRY_RUN" = 1 ]; then
        say "$CHANGES changes to make (run without --dry-run to make them)"
    else
        say "$CHANGES changes made"
    fi
}

main "$@"
