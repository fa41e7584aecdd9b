#!/bin/sh
# A dated copy of the stall's deal log, made with SQLite's backup API (a consistent
# copy while the interpreter writes to it, its WAL included; a plain cp of a live SQLite
# file can be torn), checked, then put in place whole; copies older than KEEP_DAYS days
# are removed. Run nightly by interpreter-deal-log-copy.timer (device/setup.sh).
# Usage: device/deal-log-copy.sh DEAL_LOG COPY_DIR KEEP_DAYS
set -eu
if [ $# -ne 3 ]; then
    echo "usage: $0 DEAL_LOG COPY_DIR KEEP_DAYS" >&2
    exit 2
fi
log="$1"
copies="$2"
keep_days="$3"
case "$keep_days" in
    '' | *[!0-9]*)
        echo "error: KEEP_DAYS must be a whole number of days, not '$keep_days'" >&2
        exit 2
        ;;
esac
if [ ! -f "$log" ]; then
    echo "no deal log at $log yet: nothing to copy"
    exit 0
fi
mkdir -p "$copies"
copy="$copies/deals-$(date +%F).sqlite"
python3 - "$log" "$copy" <<'PYTHON'
import os
import sqlite3
import sys

source_path, copy_path = sys.argv[1], sys.argv[2]
partial = copy_path + ".partial"
if os.path.exists(partial):
    os.remove(partial)
source = sqlite3.connect(source_path, timeout=30)
copy = sqlite3.connect(partial)
try:
    with copy:
        source.backup(copy)
    copy.execute("PRAGMA journal_mode=DELETE")
    (verdict,) = copy.execute("PRAGMA integrity_check").fetchone()
    if verdict != "ok":
        sys.exit(f"error: the copy of {source_path} is damaged ({verdict}); the last good copy is kept")
finally:
    copy.close()
    source.close()
with open(partial, "rb") as handle:
    os.fsync(handle.fileno())
os.replace(partial, copy_path)
print(f"copied {source_path} to {copy_path}")
PYTHON
# Whole days by the file's time: the copy made today is never among them.
find "$copies" -maxdepth 1 -type f -name 'deals-*.sqlite' -mtime +"$keep_days" -print -delete |
    sed 's/^/removed old copy /'
