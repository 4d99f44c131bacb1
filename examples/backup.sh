#!/bin/sh
# A nightly backup job: archive a folder, verify the archive, prune old ones.
# Wrap it so every run is tracked, with a /log ping per milestone:
#
#   drumbeats run --monitor nightly-backup -- ./examples/backup.sh <folder> <backup-dir>
#
# Lines printed as "[milestone] <text>" become /log pings (drumbeats run's
# default marker); everything else is ordinary output, kept in the run's tail.
set -eu

src=${1:?usage: backup.sh <folder> <backup-dir>}
dest=${2:?usage: backup.sh <folder> <backup-dir>}
[ -d "$src" ] || { echo "backup.sh: $src is not a folder" >&2; exit 2; }
mkdir -p "$dest"
archive="$dest/backup-$(date -u +%Y%m%dT%H%M%SZ)-$$.tar.gz"

echo "backing up $src to $archive"
tar -czf "$archive" -C "$(dirname "$src")" "$(basename "$src")"
echo "[milestone] archived $(du -k "$archive" | cut -f1) KiB"

entries=$(tar -tzf "$archive" | wc -l | tr -d ' ')
if [ "$entries" -eq 0 ]; then
  echo "archive is empty" >&2
  exit 1
fi
echo "[milestone] verified $entries entries"

# Keep the five newest archives.
ls -1t "$dest"/backup-*.tar.gz | tail -n +6 | while read -r old; do rm -f "$old"; done
echo "[milestone] pruned old archives"
