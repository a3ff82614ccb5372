#!/usr/bin/env bash
# The multi-server profile on this machine, on loopback: PostgreSQL, a Redis of its own,
# two gunicorn app servers, one Huey worker, nginx in front; then the smoke test through
# nginx, then a clean teardown (KEEP=1 leaves it running; stop with deploy/multiserver.sh stop).
#
#   deploy/multiserver.sh            # up, smoke test, down
#   KEEP=1 deploy/multiserver.sh     # up and smoke test, left running on http://127.0.0.1:8780/
#
# Needs: PostgreSQL on 127.0.0.1:5432 (user postgres, trust), redis-server, nginx
# (apt-get install -y postgresql redis-server nginx; installed here when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RUN=${RUN_DIR:-/tmp/taizhang-multiserver}
PORT=${PORT:-8780}
APP1=${APP1:-8781}
APP2=${APP2:-8782}
REDIS_PORT=${REDIS_PORT:-6391}
DB=${DB:-taizhang_ops_multiserver}
PY=$ROOT/.venv/bin/python

stop() {
  for name in nginx app1 app2 worker; do
    if [ -f "$RUN/$name.pid" ]; then
      kill "$(cat "$RUN/$name.pid")" 2>/dev/null || true
    fi
  done
  if [ -f "$RUN/redis.pid" ]; then kill "$(cat "$RUN/redis.pid")" 2>/dev/null || true; fi
  sleep 2
  dropdb -h 127.0.0.1 -U postgres --if-exists --force "$DB" 2>/dev/null || true
  rm -rf "$RUN"
  echo "== stopped and removed"
}
if [ "${1:-}" = "stop" ]; then stop; exit 0; fi

start=$SECONDS
need=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${need[@]}" >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

[ -d "$RUN" ] && stop
mkdir -p "$RUN/var" "$RUN/media"
[ "${KEEP:-0}" = "1" ] || trap stop EXIT

echo "== PostgreSQL on 127.0.0.1:5432, database $DB"
if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
createdb -h 127.0.0.1 -U postgres "$DB"

echo "== Redis on 127.0.0.1:$REDIS_PORT (cache, sessions, job queue)"
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no --daemonize yes \
  --pidfile "$RUN/redis.pid" --logfile "$RUN/redis.log" --dir "$RUN"
for _ in $(seq 1 20); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.5; done

# The same environment on every app server and the worker: that is all they share.
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
export TAIZHANG_VAR_DIR="$RUN/var"
export MEDIA_ROOT="$RUN/media"       # a shared disk here; S3_BUCKET=… for object storage
export SECRET_KEY="multiserver-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export ALLOWED_HOSTS="127.0.0.1,localhost"
export CSRF_TRUSTED_ORIGINS="http://127.0.0.1:$PORT"
export PUBLIC_TRUSTED_PROXIES=1    # nginx appends the resident's address to X-Forwarded-For
export LOG_FORMAT=json WORKERS=${WORKERS:-2} THREADS=${THREADS:-4}

echo "== migrate, static files, an administrator"
$PY manage.py migrate --noinput -v0
$PY manage.py collectstatic --noinput -v0
SMOKE_PASSWORD="Smoke-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
DJANGO_SUPERUSER_PASSWORD="$SMOKE_PASSWORD" $PY manage.py createsuperuser --noinput --username smoke --email smoke@localhost >/dev/null

echo "== two app servers (127.0.0.1:$APP1, 127.0.0.1:$APP2) and one worker"
for n in 1 2; do
  port_var="APP$n"
  GUNICORN_BIND="127.0.0.1:${!port_var}" PROMETHEUS_MULTIPROC_DIR="$RUN/metrics-app$n" \
    .venv/bin/gunicorn taizhang.wsgi -c deploy/gunicorn.conf.py --pid "$RUN/app$n.pid" >"$RUN/app$n.log" 2>&1 &
done
$PY manage.py run_huey --workers 2 >"$RUN/worker.log" 2>&1 &
echo $! >"$RUN/worker.pid"

echo "== nginx on 127.0.0.1:$PORT"
sed -e "s#@RUN@#$RUN#g" -e "s#@APP1@#$APP1#g" -e "s#@APP2@#$APP2#g" -e "s#@PORT@#$PORT#g" \
  -e "s#@STATIC@#$RUN/var/static#g" deploy/nginx.conf.template >"$RUN/nginx.conf"
"$NGINX" -t -q -c "$RUN/nginx.conf" -p "$RUN"
"$NGINX" -c "$RUN/nginx.conf" -p "$RUN"

for _ in $(seq 1 60); do
  curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  sleep 1
done

echo "== smoke test through nginx"
$PY deploy/smoke.py "http://127.0.0.1:$PORT" smoke "$SMOKE_PASSWORD" "127.0.0.1:$APP1" "127.0.0.1:$APP2"
echo "== up and tested in $((SECONDS - start)) s"
if [ "${KEEP:-0}" = "1" ]; then
  echo "left running: http://127.0.0.1:$PORT/ (user smoke, password $SMOKE_PASSWORD); stop with: $0 stop"
fi
