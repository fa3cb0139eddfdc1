#!/usr/bin/env bash
# Builds the DocC documentation of the Axone module and fails on any DocC warning or error (a
# symbol link that does not resolve, an undocumented parameter, a broken article reference, …).
# DocC writes its diagnostics, and only its own (not the compiler's), to a JSON file read here.
# Usage: bash scripts/check-docs.sh     (SWIFT=… to use another toolchain)
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
"$SWIFT" package generate-documentation --target Axone \
    --diagnostics-file "$tmp/diagnostics.json" >"$tmp/log" 2>&1 || status=$?
if [ "$status" -ne 0 ] || [ ! -f "$tmp/diagnostics.json" ]; then
    tail -n 30 "$tmp/log" >&2
    echo "check-docs: documentation generation failed (exit status $status)" >&2
    exit 1
fi
python3 - "$tmp/diagnostics.json" <<'PY'
import json, sys
diagnostics = [d for d in json.load(open(sys.argv[1]))["diagnostics"] if d["severity"] in ("warning", "error")]
for d in diagnostics:
    start = (d.get("range") or {}).get("start", {})
    print(f'{d.get("source", "?").removeprefix("file://")}:{start.get("line", "?")}:{start.get("column", "?")}: '
          f'{d["severity"]}: {d["summary"]}', file=sys.stderr)
if diagnostics:
    sys.exit(f"check-docs: {len(diagnostics)} DocC diagnostic(s)")
print("check-docs: no DocC warnings")
PY
