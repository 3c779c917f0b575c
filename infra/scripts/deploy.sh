#!/usr/bin/env bash
# Deploys EDS infrastructure to one environment: the one command of infra/README.md.
#   infra/scripts/deploy.sh dev|prod [--what-if]
# Tenant-specific values come from the environment (GitHub environment variables in CI):
#   EDS_DB_ADMIN_GROUP_NAME, EDS_DB_ADMIN_GROUP_ID, EDS_API_AUDIENCE, EDS_SEARCH_ENDPOINT
set -euo pipefail

environment_name="${1:-}"
mode="${2:-}"
case "$environment_name" in
  dev | prod) ;;
  *) echo "usage: infra/scripts/deploy.sh dev|prod [--what-if]" >&2; exit 2 ;;
esac
case "$mode" in
  "" | --what-if) ;;
  *) echo "unknown option: $mode" >&2; exit 2 ;;
esac

: "${EDS_DB_ADMIN_GROUP_NAME:?set EDS_DB_ADMIN_GROUP_NAME (Entra group that administers the databases)}"
: "${EDS_DB_ADMIN_GROUP_ID:?set EDS_DB_ADMIN_GROUP_ID (object id of that group)}"
: "${EDS_API_AUDIENCE:?set EDS_API_AUDIENCE (token audience of the API app registration)}"
: "${EDS_SEARCH_ENDPOINT:?set EDS_SEARCH_ENDPOINT (https endpoint of Elasticsearch)}"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
parameters="$repo_root/infra/parameters/$environment_name.parameters.json"
location="$(jq -r '.parameters.location.value' "$parameters")"
deployment_name="eds-$environment_name-$(date -u +%Y%m%d%H%M%S)"

arguments=(
  --name "$deployment_name"
  --location "$location"
  --template-file "$repo_root/infra/main.bicep"
  --parameters "@$parameters"
  --parameters "databaseAdminGroupName=$EDS_DB_ADMIN_GROUP_NAME"
  --parameters "databaseAdminGroupObjectId=$EDS_DB_ADMIN_GROUP_ID"
  --parameters "apiAudience=$EDS_API_AUDIENCE"
  --parameters "searchEndpoint=$EDS_SEARCH_ENDPOINT"
)

if [[ "$mode" == "--what-if" ]]; then
  az deployment sub what-if "${arguments[@]}"
else
  az deployment sub create "${arguments[@]}" --query 'properties.outputs' --output json
fi
