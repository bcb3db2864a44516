#!/bin/sh
# One-shot Temporal persistence set-up on PostgreSQL, run by the `temporal-schema` compose
# service in the temporalio/admin-tools image (replaces the deprecated temporalio/auto-setup).
#
# Safe to re-run on an existing volume: `create` ignores an existing database, `setup-schema
# -v 0.0` skips when the schema is already past 0.0 and `update-schema` only applies the
# versioned steps that are missing. So it doubles as the upgrade step after a server bump.
#
# temporal-sql-tool reads its connection from the environment:
#   SQL_PLUGIN (postgres12), SQL_HOST, SQL_PORT, SQL_USER, SQL_PASSWORD
set -eu

: "${SQL_HOST:?SQL_HOST is required}"
: "${SQL_USER:?SQL_USER is required}"
: "${SQL_PASSWORD:?SQL_PASSWORD is required}"
SQL_PORT="${SQL_PORT:-5432}"
export SQL_PLUGIN="${SQL_PLUGIN:-postgres12}"
export SQL_PORT

DB_NAME="${TEMPORAL_DB:-temporal}"
VISIBILITY_DB_NAME="${TEMPORAL_VISIBILITY_DB:-temporal_visibility}"
SCHEMA_ROOT="${TEMPORAL_SCHEMA_ROOT:-/etc/temporal/schema/postgresql/v12}"
MAX_ATTEMPTS="${SCHEMA_WAIT_ATTEMPTS:-30}"

# depends_on already waits for the PostgreSQL healthcheck; this loop covers manual runs.
attempt=1
until nc -z -w 5 "$SQL_HOST" "$SQL_PORT"; do
  if [ "$attempt" -ge "$MAX_ATTEMPTS" ]; then
    echo "PostgreSQL port $SQL_HOST:$SQL_PORT is not reachable, giving up" >&2
    exit 1
  fi
  echo "waiting for PostgreSQL at $SQL_HOST:$SQL_PORT ($attempt/$MAX_ATTEMPTS)"
  attempt=$((attempt + 1))
  sleep 2
done

# $1 = database name, $2 = schema directory under $SCHEMA_ROOT (temporal | visibility)
setup_database() {
  db="$1"
  versioned_dir="$SCHEMA_ROOT/$2/versioned"
  if [ ! -d "$versioned_dir" ]; then
    echo "schema directory $versioned_dir not found in this admin-tools image" >&2
    exit 1
  fi
  echo "== database $db (schema $versioned_dir)"
  temporal-sql-tool --db "$db" create
  temporal-sql-tool --db "$db" setup-schema -v 0.0
  temporal-sql-tool --db "$db" update-schema -d "$versioned_dir"
}

setup_database "$DB_NAME" temporal
setup_database "$VISIBILITY_DB_NAME" visibility

echo "Temporal schemas are up to date in $DB_NAME and $VISIBILITY_DB_NAME"
