#!/usr/bin/env bash
# Charts from bench/results/*.json: the load generator writes gnuplot inputs, gnuplot draws the PNGs.
#   bench/charts.sh [RESULTS_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:-$here/results}
command -v gnuplot >/dev/null || { echo "gnuplot is missing (Debian: apt-get install gnuplot-nox)" >&2; exit 1; }
java -cp "$here/target/chorus-bench.jar" io.chorus.bench.report.Charts "$dir"
for gp in "$dir"/charts/*.gp; do
  [ -e "$gp" ] || continue
  gnuplot "$gp"
done
ls "$dir"/*.png 2>/dev/null || true
