#!/usr/bin/env bash
# Production smoke: README.md's Production section pasted on a fresh copy of the tree, on a fresh
# PostgreSQL database, with only the environment values changed; then the app served by gunicorn on
# loopback with the background worker beside it, and checked over HTTP (.ci/prod_smoke.py client).
# Runnable alone: bash .ci/prod_smoke.sh
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
port=${PERFGOALS_SMOKE_PORT:-8765}
base="http://127.0.0.1:$port"
started=$SECONDS

work=$(mktemp -d)
app="$work/perfgoals"
db="perfgoals_smoke_$$"
pids=()

cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  if [ "$status" -ne 0 ]; then
    for log in "$work"/service-*.log; do [ -f "$log" ] && { echo "== $log"; tail -n 40 "$log"; }; done
    echo "== prod smoke FAILED (exit $status)"
  fi
  dropdb -h 127.0.0.1 -U postgres --if-exists "$db" >/dev/null 2>&1 || true
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
python3 -c "import socket, sys; sys.exit(socket.socket().connect_ex(('127.0.0.1', $port)) == 0)" \
  || { echo "127.0.0.1:$port is already in use (set PERFGOALS_SMOKE_PORT)"; exit 1; }
createdb -h 127.0.0.1 -U postgres "$db"

echo "== fresh copy of the tree in $app"
# What a clone of this tree holds once committed: tracked and untracked files, less the ignored ones.
mkdir "$app"
git ls-files -z --cached --others --exclude-standard \
  | tar --null --ignore-failed-read -cf - -T - 2>/dev/null | tar -xf - -C "$app"

readme() { python3 "$repo/.ci/prod_smoke.py" "$@"; }
env_block=$(readme block env \
  "DATABASE_URL=postgres://postgres@127.0.0.1:5432/$db" \
  "ALLOWED_HOSTS=127.0.0.1" \
  "CSRF_TRUSTED_ORIGINS=https://127.0.0.1:$port")
setup_block=$(readme block setup)
mapfile -t services < <(readme block services)
install_dir=$(readme units)
mapfile -t cron < <(readme cron)

# A newcomer's shell: none of this machine's settings, only what the README sets.
clean_env=(env -i "PATH=$PATH" "HOME=$HOME" "LANG=C.UTF-8")
while IFS= read -r -d '' kv; do
  case $kv in PIP_* | PYENV_* | TMPDIR=*) clean_env+=("$kv") ;; esac
done < <(env -0)
run_pasted() { (cd "$app" && timeout "$1" "${clean_env[@]}" bash -euo pipefail -c "$2"); }
# As systemd runs a service: EnvironmentFile, then ExecStart from the install directory.
as_service() { printf 'set -a; . ./perfgoals.env; set +a\nexport %s\nexec %s\n' "$1" "$2"; }

echo "== README: environment file"
run_pasted 30 "$env_block"
echo "== README: install, migrate, collectstatic, check --deploy"
run_pasted 300 "$setup_block" > "$work/setup.log" 2>&1 || { cat "$work/setup.log"; exit 1; }
tail -n 3 "$work/setup.log"

# Smoke only, not production: demo organizations and accounts, the seed forms, and a superuser as
# `createsuperuser` makes one (non-interactively here).
echo "== smoke data: load_demo, createsuperuser --noinput"
run_pasted 180 "set -a; . ./perfgoals.env; set +a
.venv/bin/python manage.py load_demo > /dev/null
DJANGO_SUPERUSER_PASSWORD=smoke-admin-password-9f3k .venv/bin/python manage.py createsuperuser \
  --noinput --username smoke_admin --email smoke@example.invalid"

echo "== README: services (installed in $install_dir; here $app), gunicorn on 127.0.0.1:$port"
gunicorn_args="GUNICORN_CMD_ARGS=--bind 127.0.0.1:$port --workers 2"
for i in "${!services[@]}"; do
  (cd "$app" && exec setsid "${clean_env[@]}" bash -c "$(as_service "'$gunicorn_args'" "${services[$i]}")") \
    > "$work/service-$i.log" 2>&1 &
  pids+=($!)
done

echo "== HTTP checks against $base"
timeout 150 python3 "$repo/.ci/prod_smoke.py" client "$base"

echo "== README: periodic commands, run once"
for command in "${cron[@]}"; do
  run_pasted 60 "$command"
done

for i in "${!pids[@]}"; do
  kill -0 "${pids[$i]}" 2>/dev/null || { echo "service ${services[$i]} exited early"; exit 1; }
done
echo "== prod smoke passed in $((SECONDS - started)) s"
