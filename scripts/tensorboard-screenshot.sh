#!/usr/bin/env bash
# Trains a small Fashion-MNIST MLP with `axone train --tensorboard`, serves the run with TensorBoard
# on localhost and takes screenshots of its scalars and histograms in Chromium, driven by Playwright:
# docs/tensorboard.png and docs/tensorboard-histograms.png.
#
#   swift build && scripts/tensorboard-screenshot.sh
#
# Needs the Fashion-MNIST files (/usr/share/datasets/fashion-mnist), /usr/bin/chromium and the oracle
# venv (~/.cache/axone/venv) with tensorboard and playwright (pip-installed into it when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-$HOME/.cache/axone/venv}
AXONE=${AXONE:-.build/debug/axone}
PORT=${PORT:-6006}
RUN=$(mktemp -d)
"$VENV/bin/python" -c 'import tensorboard, playwright' 2>/dev/null \
    || "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check tensorboard playwright

"$AXONE" train --model mlp:784-128-64-10 --dataset fashion-mnist --epochs 8 --batch-size 128 --verbose 2 \
    --reduce-lr-patience 1 --output "$RUN/fmnist.safetensors" --history "$RUN/history.csv" \
    --tensorboard "$RUN/logs/fmnist-mlp"

"$VENV/bin/tensorboard" --logdir "$RUN/logs" --port "$PORT" --host 127.0.0.1 >"$RUN/tensorboard.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER; rm -rf "$RUN"' EXIT

"$VENV/bin/python" - "http://127.0.0.1:$PORT" <<'PYTHON'
import json, sys, time, urllib.request
from playwright.sync_api import sync_playwright

url = sys.argv[1]
for _ in range(120):                      # TensorBoard takes a few seconds to start and load the run
    try:
        if json.load(urllib.request.urlopen(url + "/data/runs")):
            break
    except OSError:
        pass
    time.sleep(0.5)
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    # The scalars page filtered to the epoch values and the batch loss shows them all in one open group,
    # unsmoothed and unclipped.
    for dashboard, path in [("scalars&tagFilter=epoch_%7Cbatch_loss&_smoothingWeight=0", "docs/tensorboard.png"),
                            ("histograms", "docs/tensorboard-histograms.png")]:
        page.goto(f"{url}/#{dashboard}")
        page.wait_for_load_state("networkidle")
        if path == "docs/tensorboard.png":
            page.get_by_text("Ignore outliers in chart scaling").click()
        time.sleep(3)                     # the charts draw after the data arrive
        page.screenshot(path=path)
    browser.close()
PYTHON
echo "Wrote docs/tensorboard.png and docs/tensorboard-histograms.png"
