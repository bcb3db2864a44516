#!/usr/bin/env bash
# Validate docker-compose.yml and check that it pins the project's versions.
# Needs a compose CLI but no Docker engine. Usage: bash scripts/check-compose.sh
set -euo pipefail

# Versions used across the project (keep in step with the dev tooling and docs).
TEMPORAL_SERVER_VERSION=1.29.1
TEMPORAL_UI_VERSION=2.42.1
NODE_IMAGE=node:20-bookworm-slim
POSTGRES_MAJORS='15|16'

cd "$(dirname "${BASH_SOURCE[0]}")/.."
COMPOSE_FILE_PATH=docker-compose.yml

if command -v docker-compose >/dev/null 2>&1; then
  compose=(docker-compose)
elif command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
else
  echo "check-compose: no compose CLI found." >&2
  echo "  Debian/Ubuntu: sudo apt-get install docker-compose   (or the docker-compose-plugin)" >&2
  echo "  elsewhere:     https://docs.docker.com/compose/install/" >&2
  exit 127
fi

fail=0
error() {
  echo "check-compose: $*" >&2
  fail=1
}

# Check the committed defaults, not whatever a local .env or the shell overrides.
clean_env=(env -u TEMPORAL_VERSION -u TEMPORAL_ADMINTOOLS_VERSION -u TEMPORAL_UI_VERSION
  -u POSTGRES_VERSION -u MAILPIT_VERSION -u APP_IMAGE)
empty_env=$(mktemp)
trap 'rm -f "$empty_env"' EXIT
compose_cmd=("${clean_env[@]}" "${compose[@]}" --env-file "$empty_env" -f "$COMPOSE_FILE_PATH")

"${compose_cmd[@]}" config -q
rendered=$("${compose_cmd[@]}" config)

images=$(sed -n 's/^[[:space:]]*image:[[:space:]]*//p' <<<"$rendered" | tr -d "\"'" | sort -u)
printf 'images:\n%s\n' "$images"

expect_image() { # <label> <extended regex matching the whole image reference>
  grep -Eq "^($2)\$" <<<"$images" || error "$1: expected an image matching $2"
}
expect_image "Temporal server" "temporalio/server:${TEMPORAL_SERVER_VERSION//./\\.}"
expect_image "Temporal admin-tools" "temporalio/admin-tools:${TEMPORAL_SERVER_VERSION//./\\.}(-.*)?"
expect_image "Temporal UI" "temporalio/ui:${TEMPORAL_UI_VERSION//./\\.}"
expect_image "PostgreSQL" "postgres:(${POSTGRES_MAJORS})([.-].*)?"

# No other Temporal version may sneak in (e.g. a second admin-tools tag or auto-setup).
while read -r image; do
  case "$image" in
    temporalio/server:* | temporalio/admin-tools:* | temporalio/ui:*) ;;
    temporalio/*) error "unexpected Temporal image $image (auto-setup is deprecated)" ;;
  esac
  case "$image" in
    temporalio/server:* | temporalio/admin-tools:*)
      tag=${image#*:}
      [[ $tag == "$TEMPORAL_SERVER_VERSION" || $tag == "$TEMPORAL_SERVER_VERSION"-* ]] ||
        error "$image does not match Temporal server $TEMPORAL_SERVER_VERSION"
      ;;
    temporalio/ui:*)
      [[ ${image#*:} == "$TEMPORAL_UI_VERSION" ]] || error "$image does not match Temporal UI $TEMPORAL_UI_VERSION"
      ;;
  esac
done <<<"$images"

grep -Eq "^ARG NODE_IMAGE=${NODE_IMAGE}\$" Dockerfile || error "Dockerfile: expected ARG NODE_IMAGE=${NODE_IMAGE}"

# Search attributes registered by temporal-bootstrap must match the ones the workflows declare.
sa_source=src/workflows/search-attributes.ts
if [[ -f $sa_source ]]; then
  while read -r name type; do
    case "$type" in
      KEYWORD) type=Keyword ;; DATETIME) type=Datetime ;; BOOL) type=Bool ;; TEXT) type=Text ;;
      INT) type=Int ;; DOUBLE) type=Double ;; KEYWORD_LIST) type=KeywordList ;;
    esac
    grep -Eq "(^|[[:space:]])${name}:${type}([[:space:]]|\$)" "$COMPOSE_FILE_PATH" ||
      error "search attribute ${name} (${type}) from ${sa_source} is not in TEMPORAL_SEARCH_ATTRIBUTES"
  done < <(sed -nE "s/.*defineSearchAttributeKey\('([A-Za-z0-9_]+)', *SearchAttributeType\.([A-Z_]+)\).*/\1 \2/p" "$sa_source")
fi

if ((fail)); then
  echo "check-compose: FAILED" >&2
  exit 1
fi
echo "check-compose: OK (Temporal ${TEMPORAL_SERVER_VERSION}, UI ${TEMPORAL_UI_VERSION}, ${NODE_IMAGE})"
