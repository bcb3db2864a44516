#!/bin/sh
# One-shot, idempotent Temporal bootstrap run by the `temporal-bootstrap` compose service
# (temporalio/admin-tools image, `temporal` CLI):
#   1. wait until the frontend answers the health check;
#   2. create the namespace unless it already exists (temporalio/server does not create one);
#   3. register the custom search attributes, treating "already exists" as success.
#
# Environment:
#   TEMPORAL_ADDRESS            host:port of the frontend (temporal:7233)
#   TEMPORAL_NAMESPACE          namespace to create (default)
#   TEMPORAL_NAMESPACE_RETENTION  retention of closed workflows, e.g. 168h
#   TEMPORAL_SEARCH_ATTRIBUTES  whitespace-separated Name:Type pairs (Keyword, Datetime, Bool, ...)
set -eu

ADDRESS="${TEMPORAL_ADDRESS:-temporal:7233}"
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
RETENTION="${TEMPORAL_NAMESPACE_RETENTION:-168h}"
MAX_ATTEMPTS="${BOOTSTRAP_MAX_ATTEMPTS:-60}"
SLEEP_SECONDS="${BOOTSTRAP_SLEEP_SECONDS:-2}"
: "${TEMPORAL_SEARCH_ATTRIBUTES:?TEMPORAL_SEARCH_ATTRIBUTES is required (Name:Type ...)}"

# retry <description> <command...>: run the command until it succeeds or attempts run out.
retry() {
  what="$1"
  shift
  attempt=1
  until "$@"; do
    if [ "$attempt" -ge "$MAX_ATTEMPTS" ]; then
      echo "gave up: $what (after $MAX_ATTEMPTS attempts)" >&2
      return 1
    fi
    echo "not yet: $what ($attempt/$MAX_ATTEMPTS)"
    attempt=$((attempt + 1))
    sleep "$SLEEP_SECONDS"
  done
}

cluster_healthy() {
  temporal operator cluster health --address "$ADDRESS" >/dev/null 2>&1
}

ensure_namespace() {
  if temporal operator namespace describe --address "$ADDRESS" --namespace "$NAMESPACE" >/dev/null 2>&1; then
    echo "namespace '$NAMESPACE' already exists"
    return 0
  fi
  out=$(temporal operator namespace create --address "$ADDRESS" --namespace "$NAMESPACE" \
    --retention "$RETENTION" 2>&1) && {
    echo "namespace '$NAMESPACE' created (retention $RETENTION)"
    return 0
  }
  case "$out" in
    *"already exists"* | *"already registered"*)
      echo "namespace '$NAMESPACE' already exists"
      return 0
      ;;
  esac
  echo "$out" >&2
  return 1
}

# $1 = name, $2 = type
ensure_search_attribute() {
  out=$(temporal operator search-attribute create --address "$ADDRESS" --namespace "$NAMESPACE" \
    --name "$1" --type "$2" 2>&1) && {
    echo "search attribute $1 ($2): ok"
    return 0
  }
  case "$out" in
    # Same name registered with another type is a real conflict: never paper over it.
    *"different type"*)
      echo "search attribute $1 exists with a type other than $2: $out" >&2
      exit 2
      ;;
    *"already exists"*)
      echo "search attribute $1 ($2): already exists"
      return 0
      ;;
  esac
  echo "$out" >&2
  return 1
}

search_attribute_listed() {
  temporal operator search-attribute list --address "$ADDRESS" --namespace "$NAMESPACE" 2>/dev/null |
    grep -qw -- "$1"
}

retry "Temporal frontend at $ADDRESS is healthy" cluster_healthy
retry "namespace '$NAMESPACE' exists" ensure_namespace

for pair in $TEMPORAL_SEARCH_ATTRIBUTES; do
  name="${pair%%:*}"
  type="${pair#*:}"
  if [ -z "$name" ] || [ "$name" = "$pair" ] || [ -z "$type" ]; then
    echo "malformed search attribute '$pair', expected Name:Type" >&2
    exit 2
  fi
  retry "search attribute $name registered" ensure_search_attribute "$name" "$type"
done

for pair in $TEMPORAL_SEARCH_ATTRIBUTES; do
  retry "search attribute ${pair%%:*} listed in '$NAMESPACE'" search_attribute_listed "${pair%%:*}"
done

echo "Temporal namespace '$NAMESPACE' and search attributes are ready"
