-- PostgreSQL: pgaudit and the app role's rights in the EDS database, after migrations ran.
-- Run in the EDS database by a member of the server's Entra admin group.
-- psql variable: app_identity (identity name).
CREATE EXTENSION IF NOT EXISTS pgaudit;

GRANT CONNECT ON DATABASE :"DBNAME" TO :"app_identity";
GRANT USAGE ON SCHEMA public TO :"app_identity";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app_identity";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app_identity";
-- Tables the migrator creates later inherit the same rights.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app_identity";
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO :"app_identity";
