#!/bin/sh
# Prints the SQL that takes the database from the schema at a git revision (default HEAD) to the
# working-tree schema: the body of the next migration. Offline: no shadow database, no engine binary.
set -eu
rev="${1:-HEAD}"
old=$(mktemp --suffix=.prisma)
trap 'rm -f "$old"' EXIT
if git cat-file -e "$rev:prisma/schema.prisma" 2>/dev/null; then
  git show "$rev:prisma/schema.prisma" > "$old"
  from="--from-schema-datamodel $old"
else
  from="--from-empty"
fi
sh "$(dirname "$0")/prisma.sh" migrate diff $from --to-schema-datamodel prisma/schema.prisma --script
