-- PostgreSQL Flexible Server: the app's user-assigned managed identity as an Entra role.
-- Run in database `postgres` by a member of the server's Entra admin group.
-- psql variables: app_identity (identity name), app_object_id (its principal/object id).
-- Binding by object id keeps the role tied to this identity even if a namesake is created.
SELECT * FROM pgaadauth_create_principal_with_oid(
  :'app_identity', :'app_object_id', 'service', false, false
)
WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = :'app_identity');
