#!/usr/bin/env bash
# Make sure a PostgreSQL server answers on 127.0.0.1:5432 with a `test` database the
# `postgres` role can use without a password: start the installed cluster, or install one from
# Debian's packages.
set -euo pipefail

answers() { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; }

if ! command -v pg_isready >/dev/null 2>&1 || ! answers; then
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    echo "Installing PostgreSQL from Debian's packages..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq postgresql >/dev/null
  fi
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  conf_dir="/etc/postgresql/$version/main"
  # Local test server: trust connections from this machine only.
  if ! grep -q "mentorbot-ci" "$conf_dir/pg_hba.conf"; then
    {
      echo "# mentorbot-ci: trust local test connections"
      echo "host all all 127.0.0.1/32 trust"
      echo "host all all ::1/128 trust"
      echo "local all all trust"
    } | cat - "$conf_dir/pg_hba.conf" > "$conf_dir/pg_hba.conf.new"
    mv "$conf_dir/pg_hba.conf.new" "$conf_dir/pg_hba.conf"
  fi
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do answers && break; sleep 1; done
fi

answers || { echo "PostgreSQL did not start on 127.0.0.1:5432" >&2; exit 1; }
if ! psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'test'" | grep -q 1; then
  psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE test"
fi
echo "PostgreSQL answers on 127.0.0.1:5432 (database test)."
