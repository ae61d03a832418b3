#!/usr/bin/env bash
# Opens the main job's report.html in a real headless browser (Debian's
# chromium, installed when missing) and checks that it renders and that
# the answer, the tables and the charts are on the page.
#
# usage: .ci/report_check.sh DIR   (DIR: the main job's output folder)
set -euo pipefail
dir="$1"
report="$(cd "$dir" && pwd)/report.html"
test -s "$report" || { echo "no $report"; exit 1; }

browser="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$browser" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    browser="$(command -v chromium)"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
run() {
    timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
        --user-data-dir="$work/profile" "$@" "file://$report" 2>"$work/stderr"
}

# The page as the browser built it: the texts a planner reads first.
run --dump-dom >"$work/dom.html"
for text in \
    "The answer" \
    "With Baktu–Bakhty, the mean wait per train at the China–Kazakhstan crossings changes by" \
    "Where the chain binds" \
    "Brest–Małaszewicze westbound: handover cap" \
    "Sweep of demand" \
    "What drives the answer" \
    "Congestion over time" \
    "Calibration: simulated against observed" \
    "How it was computed"; do
    grep -qF "$text" "$work/dom.html" || { echo "report.html: '$text' is not on the rendered page"; exit 1; }
done
svgs=$(grep -o '<svg' "$work/dom.html" | wc -l)
[ "$svgs" -ge 8 ] || { echo "report.html: $svgs charts rendered, expected at least 8"; exit 1; }
# Self-contained: nothing is fetched (the only URL is the SVG namespace).
if grep -Eo '(src|href)="[a-z]+:' "$report" | grep -v 'data:' ; then
    echo "report.html refers to outside resources"; exit 1
fi

# A picture of the first screen, as a planner opening the file sees it.
run --screenshot="$work/report.png" --window-size=1280,900 >/dev/null
size=$(stat -c %s "$work/report.png")
[ "$size" -gt 20000 ] || { echo "report.html: the screenshot is $size bytes, nearly blank"; exit 1; }
echo "report.html renders: $svgs charts, the answer and every section on the page"
