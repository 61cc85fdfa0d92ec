#!/bin/sh
# Runs once, by the postgres image, on an empty data volume: the owner role runs Gatehouse's migrations, the runtime
# role only adds and reads evidence (root README, "Production: database roles and the master key").
set -eu
psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
    -v owner_password="$GATEHOUSE_DATABASE_OWNER_PASSWORD" -v runtime_password="$GATEHOUSE_DATABASE_PASSWORD" <<'SQL'
CREATE ROLE gatehouse_owner LOGIN PASSWORD :'owner_password';
CREATE ROLE gatehouse LOGIN PASSWORD :'runtime_password';
CREATE DATABASE gatehouse OWNER gatehouse_owner;
\c gatehouse
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO gatehouse_owner;
GRANT USAGE ON SCHEMA public TO gatehouse;
SQL
