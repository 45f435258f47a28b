#!/usr/bin/env bash
# Back up 蓟州终身学习网: the database and the files people uploaded or were issued (docs/backup.md).
#
#   tools/backup.sh DESTINATION
#
# Reads the site's own variables: DATABASE_URL (PostgreSQL: pg_dump in custom format; unset or sqlite:///…: a
# consistent copy through SQLite's online-backup API, safe while the site runs) and JIZHOU_VAR_DIR (default var/
# beside this folder): its media/ (images, documents) and private/ (certificate PDFs, evidence) go into one tar
# file, with a SHA-256 list that tools/restore.sh checks. DESTINATION must not exist yet or be empty.
set -euo pipefail

usage() { echo "usage: tools/backup.sh DESTINATION" >&2; exit 2; }
[ "$#" -eq 1 ] && [ -n "$1" ] || usage
dest="$1"
here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
var_dir="${JIZHOU_VAR_DIR:-$here/../var}"
database_url="${DATABASE_URL:-sqlite:///$var_dir/jizhou.sqlite3}"

if [ -e "$dest" ] && [ -n "$(ls -A -- "$dest")" ]; then
  echo "backup: $dest is not empty; choose a new folder" >&2
  exit 1
fi
mkdir -p -- "$dest"

case "$database_url" in
  postgres://* | postgresql://*)
    # Custom format: compressed, and pg_restore can restore it into any database, in parallel if wanted.
    pg_dump --format=custom --no-owner --no-privileges --file="$dest/database.dump" --dbname="$database_url"
    ;;
  sqlite:///*)
    python3 - "${database_url#sqlite:///}" "$dest/database.sqlite3" <<'PY'
import sqlite3, sys
source, target = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
with target:
    source.backup(target)
PY
    ;;
  *)
    echo "backup: DATABASE_URL is neither PostgreSQL nor SQLite" >&2
    exit 1
    ;;
esac

# Files, with their checksums (paths relative to the var folder: media/…, private/…).
folders=()
for folder in media private; do
  [ -d "$var_dir/$folder" ] && folders+=("$folder")
done
if [ "${#folders[@]}" -gt 0 ]; then
  tar -C "$var_dir" -cf "$dest/files.tar" -- "${folders[@]}"
  (cd -- "$var_dir" && find "${folders[@]}" -type f -print0 | sort -z | xargs -0 -r sha256sum --) >"$dest/files.sha256"
else
  tar -cf "$dest/files.tar" --files-from=/dev/null
  : >"$dest/files.sha256"
fi
echo "backup: written to $dest"
