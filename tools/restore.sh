#!/usr/bin/env bash
# Restore a backup made by tools/backup.sh into a fresh database and var folder (docs/backup.md).
#
#   tools/restore.sh BACKUP
#
# DATABASE_URL names the database to restore into: for PostgreSQL an existing, empty database
# (`createdb NAME` first); for SQLite a file that does not exist yet. JIZHOU_VAR_DIR is where media/ and private/
# are unpacked; they must not exist yet. Every file is checked against the backup's SHA-256 list. Then run
# `manage.py migrate` (a no-op for a backup of the same release) and start the site.
set -euo pipefail

usage() { echo "usage: tools/restore.sh BACKUP" >&2; exit 2; }
[ "$#" -eq 1 ] && [ -n "$1" ] || usage
backup="$(cd -- "$1" && pwd)"
here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
var_dir="${JIZHOU_VAR_DIR:-$here/../var}"
database_url="${DATABASE_URL:-sqlite:///$var_dir/jizhou.sqlite3}"

for folder in media private; do
  if [ -e "$var_dir/$folder" ]; then
    echo "restore: $var_dir/$folder exists; restore into a fresh JIZHOU_VAR_DIR" >&2
    exit 1
  fi
done

case "$database_url" in
  postgres://* | postgresql://*)
    [ -f "$backup/database.dump" ] || { echo "restore: no database.dump in $backup" >&2; exit 1; }
    # One transaction: a restore that fails half-way leaves the database empty, not half-filled.
    pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
      --dbname="$database_url" -- "$backup/database.dump"
    ;;
  sqlite:///*)
    target="${database_url#sqlite:///}"
    [ -f "$backup/database.sqlite3" ] || { echo "restore: no database.sqlite3 in $backup" >&2; exit 1; }
    [ -e "$target" ] && { echo "restore: $target exists" >&2; exit 1; }
    mkdir -p -- "$(dirname -- "$target")"
    cp -- "$backup/database.sqlite3" "$target"
    ;;
  *)
    echo "restore: DATABASE_URL is neither PostgreSQL nor SQLite" >&2
    exit 1
    ;;
esac

mkdir -p -- "$var_dir"
tar -C "$var_dir" -xf "$backup/files.tar"
(cd -- "$var_dir" && sha256sum --check --quiet --strict -- "$backup/files.sha256")
echo "restore: database and files restored; checksums match"
