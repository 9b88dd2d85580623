#!/usr/bin/env bash
# The README's command reference is the command table's: it cannot drift.
. "$(dirname "$0")/lib.sh"
expected=$("$PERSONA" -d :memory: --format markdown -c help)
actual=$(sed -n '/<!-- commands:begin -->/,/<!-- commands:end -->/p' "$ROOT/README.md" | sed '1d;$d')
expect_eq "README reference matches 'help --format markdown' (run 'make docs')" "$expected" "$actual"
