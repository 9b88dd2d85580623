#!/usr/bin/env bash
# The binary answers --version and help, and a workspace opens.
. "$(dirname "$0")/lib.sh"
expect_ok "--version" --version
expect_match "--version names the version" '^persona [0-9]+\.[0-9]+\.[0-9]+$' "$OUT"
expect_ok "help lists commands" -c help
expect_match "help lists load" '^load +load a CSV' "$OUT"
