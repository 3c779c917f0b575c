-- PostgreSQL: pgaudit and the app identity's rights in the EDS database, after migrations ran.
-- Run in the EDS database by a member of the server's Entra admin group.
-- psql variable: app_identity (identity name).
--
-- The identity holds no table rights of its own. It is a member of the two roles the migrations
-- define and grant to: eds_app, which every scoped request and audit append switches to
-- (SET LOCAL ROLE: division row-level security, inserts only into the audit trail), and
-- eds_maintenance, whose rights it inherits for unscoped work (reading every row, re-wrapping
-- tax-id envelopes, the audit relay's queue, verifying the trail). Tested against a real server
-- by shared/db/app-identity-rights.test.ts.
CREATE EXTENSION IF NOT EXISTS pgaudit;

GRANT CONNECT ON DATABASE :"DBNAME" TO :"app_identity";
GRANT eds_app TO :"app_identity";
GRANT eds_maintenance TO :"app_identity";

-- Rights that earlier versions of this script granted directly (updates and deletes on every
-- table, the audit trail's included), withdrawn.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM :"app_identity";
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM :"app_identity";
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM :"app_identity";
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM :"app_identity";
