-- Azure SQL: the app's user-assigned managed identity as a contained database user.
-- Run by a member of the server's Entra admin group (infra/scripts/grant-database-access.sh).
-- $(APP_IDENTITY) is the identity's name; Entra resolves it to the service principal.
IF NOT EXISTS (SELECT 1 FROM sys.database_principals WHERE name = N'$(APP_IDENTITY)')
BEGIN
    CREATE USER [$(APP_IDENTITY)] FROM EXTERNAL PROVIDER;
END;

-- Data access only: no DDL, no ownership. Row scope is enforced by security policies.
ALTER ROLE db_datareader ADD MEMBER [$(APP_IDENTITY)];
ALTER ROLE db_datawriter ADD MEMBER [$(APP_IDENTITY)];
GRANT EXECUTE TO [$(APP_IDENTITY)];
GO
