#!/bin/sh
# Run by the postgres image when it first makes the database (docker-entrypoint-initdb.d):
# creates the role the portal connects as, PORTAL_APP_USER. It can log in and nothing more;
# `python manage.py grant_app_role`, which the `migrate` service runs after every migrate,
# gives it rows to read and write. It never owns a table: POSTGRES_USER does.
#
# On a database made before this script existed, run it once by hand:
#   docker compose exec postgres sh /docker-entrypoint-initdb.d/10-portal-app-role.sh
set -eu

: "${PORTAL_APP_USER:?set PORTAL_APP_USER}"
: "${PORTAL_APP_PASSWORD:?set PORTAL_APP_PASSWORD}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v app_user="$PORTAL_APP_USER" -v app_password="$PORTAL_APP_PASSWORD" <<'SQL'
SELECT format(
    'CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD %L',
    :'app_user', :'app_password'
) WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app_user')
\gexec
SQL
