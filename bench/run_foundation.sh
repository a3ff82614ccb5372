#!/usr/bin/env bash
# Foundation benchmark: build the province-sized database, time visible_to in process,
# then time pages and API calls against gunicorn, for SQLite and for PostgreSQL.
#
#   bench/run_foundation.sh                 # both databases
#   bench/run_foundation.sh sqlite          # one of them
#   SKIP_GENERATE=1 bench/run_foundation.sh # reuse the databases already built
#
# PostgreSQL is reached at $BENCH_DATABASE_URL (default below); the database is dropped
# and rebuilt, so its name must contain "bench". Logs go to bench/data/logs/, figures to
# bench/data/results/, and `python -m bench.report` turns them into Markdown tables.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-.venv/bin/python}
PG_URL=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/taizhang_bench}
DATABASES=${1:-all}
export DJANGO_SETTINGS_MODULE=taizhang.settings
mkdir -p bench/data/logs

run_for() {
    local database=$1
    echo "##### $database"
    (
        if [ "$database" = sqlite ]; then
            unset DATABASE_URL
        else
            export DATABASE_URL=$PG_URL
        fi
        export TAIZHANG_VAR_DIR=bench/data/$database
        if [ -z "${SKIP_GENERATE:-}" ]; then
            "$PYTHON" -m bench.generate 2>&1 | tee "bench/data/logs/$database-generate.log"
        fi
        "$PYTHON" -m bench.visible_to 2>&1 | tee "bench/data/logs/$database-visible_to.log"
        "$PYTHON" -m bench.http_bench 2>&1 | tee "bench/data/logs/$database-http.log"
    )
}

case $DATABASES in
    all) run_for sqlite; run_for postgresql ;;
    sqlite | postgresql) run_for "$DATABASES" ;;
    *) echo "usage: $0 [all|sqlite|postgresql]" >&2; exit 2 ;;
esac
"$PYTHON" -m bench.report
