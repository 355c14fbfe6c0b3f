#!/usr/bin/env bash
# Make sure the test suite's real services are there: PostgreSQL, Redis and Chromium.
# Starts them if stopped, installs them (Debian packages) if absent, or fails clearly.
set -euo pipefail

apt_updated=""
apt_install() {
  if [ "$(id -u)" != "0" ]; then
    echo "ERROR: $* missing and not root to install it (apt-get install -y $*)." >&2
    exit 1
  fi
  if [ -z "$apt_updated" ]; then
    apt-get update -qq >/dev/null
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# gettext, for compiling the translations.
if ! command -v msgfmt >/dev/null; then
  echo "gettext absent: installing it…"
  apt_install gettext
fi

# PostgreSQL, unless DATABASE_URL points elsewhere.
if [ -z "${DATABASE_URL:-}" ]; then
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    if ! command -v pg_ctlcluster >/dev/null; then
      echo "PostgreSQL absent: installing it…"
      apt_install postgresql
    fi
    version=$(ls /etc/postgresql | sort -V | tail -n1)
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
    if ! pg_isready -q -h 127.0.0.1 -p 5432; then
      echo "ERROR: PostgreSQL does not answer on 127.0.0.1:5432." >&2
      exit 1
    fi
    # A fresh install: let local TCP connections in as postgres without a password.
    su postgres -c "psql -qc \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null 2>&1 || true
  fi
fi

# Redis, unless REDIS_URL points elsewhere.
if [ -z "${REDIS_URL:-}" ]; then
  if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
    if ! command -v redis-server >/dev/null; then
      echo "Redis absent: installing it…"
      apt_install redis-server
    fi
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
    for _ in $(seq 1 20); do (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null && break; sleep 0.5; done
  fi
  if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
    echo "ERROR: Redis does not answer on 127.0.0.1:6379." >&2
    exit 1
  fi
fi

# Chromium for the browser tests.
if [ ! -x /usr/bin/chromium ]; then
  echo "Chromium absent: installing it…"
  apt_install chromium
fi

# HarfBuzz's font subsetter for WeasyPrint: without it WeasyPrint subsets the fonts with
# fontTools in Python and warns; with it the agreement PDF renders ~15 % faster. Optional:
# a machine without it still renders every PDF.
if ! ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset.so.0; then
  if [ "$(id -u)" = "0" ]; then
    echo "HarfBuzz-Subset absent: installing it…"
    apt_install libharfbuzz-subset0 || echo "WARNING: libharfbuzz-subset0 not installed; PDFs render a little slower." >&2
  fi
fi
