#!/usr/bin/env bash
# The whole test suite: training recipe (pytest), unit tests (vitest, Node), browser tests
# (vitest driving real headless Chromium), then type, lint and format checks.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== training (pytest)"
/usr/bin/python3 -m pytest -q training
echo "== unit (vitest, Node)"
npx vitest run --project unit
echo "== browser (vitest + headless Chromium)"
npx vitest run --project browser
echo "== svelte-check, eslint, prettier"
npm run check
npm run lint
