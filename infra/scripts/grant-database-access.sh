#!/usr/bin/env bash
# Creates the app identity's database users, runs the schema migrations, then grants the app
# its table rights. Runs from a host inside the EDS virtual network (the databases have no public
# endpoint), signed in with `az login` as a member of the database admin Entra group.
#   infra/scripts/grant-database-access.sh dev|prod
# Needs: az, jq, go-sqlcmd, psql (libpq 16+ for sslrootcert=system), node 20.
set -euo pipefail

environment_name="${1:-}"
case "$environment_name" in
  dev | prod) ;;
  *) echo "usage: infra/scripts/grant-database-access.sh dev|prod" >&2; exit 2 ;;
esac
: "${EDS_DB_ADMIN_GROUP_NAME:?set EDS_DB_ADMIN_GROUP_NAME (the Entra group you sign in through)}"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
scripts="$repo_root/infra/scripts/sql"

deployment="$(az deployment sub list \
  --query "[?starts_with(name, 'eds-$environment_name-') && properties.provisioningState=='Succeeded'] | sort_by(@, &properties.timestamp) | [-1].name" \
  --output tsv)"
access="$(az deployment sub show --name "$deployment" --query 'properties.outputs.databaseAccess.value' --output json)"
read_output() { jq -r ".$1" <<<"$access"; }

identity_name="$(read_output identityName)"
identity_object_id="$(read_output identityPrincipalId)"
sql_server="$(read_output sqlServer)"
sql_database="$(read_output sqlDatabase)"
pg_host="$(read_output postgresHost)"
pg_database="$(read_output postgresDatabase)"

echo "Azure SQL: contained user for $identity_name in $sql_database"
sqlcmd --server "$sql_server" --database-name "$sql_database" \
  --authentication-method ActiveDirectoryDefault \
  --variables "APP_IDENTITY=$identity_name" \
  --input-file "$scripts/sql-create-app-user.sql"

pg_token() { az account get-access-token --resource-type oss-rdbms --query accessToken --output tsv; }
pg_connection() { echo "host=$pg_host dbname=$1 user=$EDS_DB_ADMIN_GROUP_NAME sslmode=verify-full sslrootcert=system"; }

echo "PostgreSQL: role for $identity_name"
PGPASSWORD="$(pg_token)" psql "$(pg_connection postgres)" --set ON_ERROR_STOP=1 \
  --set "app_identity=$identity_name" --set "app_object_id=$identity_object_id" \
  --file "$scripts/pg-create-app-role.sql"

echo "PostgreSQL: schema migrations"
token="$(pg_token)"
encoded_user="$(jq -rn --arg value "$EDS_DB_ADMIN_GROUP_NAME" '$value | @uri')"
encoded_token="$(jq -rn --arg value "$token" '$value | @uri')"
(cd "$repo_root" && npm run build --silent && \
  EDS_PG_URL="postgres://$encoded_user:$encoded_token@$pg_host:5432/$pg_database?sslmode=verify-full" \
  node dist/scripts/db-migrate.js)

echo "PostgreSQL: table rights for $identity_name"
PGPASSWORD="$(pg_token)" psql "$(pg_connection "$pg_database")" --set ON_ERROR_STOP=1 \
  --set "app_identity=$identity_name" \
  --file "$scripts/pg-grant-app-rights.sql"
