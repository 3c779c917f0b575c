/**
 * SQL Server migration 0001: the financial record tables, the application role and row-level
 * security. Mirrors Postgres migration 0001 (`shared/db/migrations/0001-financial-records.ts`):
 * same tables, columns and constraints, with SQL Server types: `nvarchar` text (so bound
 * parameters compare under the column's collation), `bit` booleans, `decimal(18, 2)` money, a
 * JSON array for `vendors.business_categories`, and a persisted `search` text column per table
 * for the full-text index of migration 0002.
 *
 * Row scope: a security policy adds, on every financial table, a FILTER predicate (rows of other
 * divisions are invisible to SELECT, UPDATE and DELETE) and BLOCK predicates AFTER INSERT and
 * AFTER UPDATE (no row can be written into a division outside the session's). The predicate
 * reads the caller's divisions from `SESSION_CONTEXT(N'eds.divisions')`, which
 * `createMssqlScopedDatabase` sets per transaction; unset, it matches nothing.
 *
 * Compatibility: applied migrations never change; a later change is a new migration.
 */
import type { MssqlMigration } from './mssql-migration.js';

const CREATE_ROLE_AND_SCHEMA = `
IF DATABASE_PRINCIPAL_ID(N'eds_app') IS NULL CREATE ROLE eds_app;
IF SCHEMA_ID(N'security') IS NULL EXEC (N'CREATE SCHEMA security');`;

const CREATE_TABLES = `
CREATE TABLE dbo.recipients (
  id int IDENTITY(1, 1) NOT NULL CONSTRAINT pk_recipients PRIMARY KEY,
  division nchar(2) NOT NULL,
  name nvarchar(400) NOT NULL,
  city nvarchar(200) NOT NULL,
  state nchar(2) NOT NULL,
  zip nvarchar(10) NOT NULL,
  uei nvarchar(12) NULL,
  entity_type nvarchar(32) NOT NULL CONSTRAINT recipients_entity_type_check
    CHECK (entity_type IN (N'local_government', N'state', N'non_profit', N'higher_education')),
  ein_ciphertext nvarchar(max) NOT NULL CONSTRAINT recipients_ein_ciphertext_check
    CHECK (ein_ciphertext LIKE N'{"v":%'),
  ein_last4 nchar(4) NOT NULL CONSTRAINT recipients_ein_last4_check
    CHECK (ein_last4 NOT LIKE N'%[^0-9]%'),
  search AS (name + N' ' + city + N' ' + COALESCE(uei, N'')) PERSISTED
);

CREATE TABLE dbo.awards (
  id int NOT NULL CONSTRAINT pk_awards PRIMARY KEY,
  recipient_id int NOT NULL REFERENCES dbo.recipients (id),
  division nchar(2) NOT NULL,
  aln nvarchar(16) NOT NULL,
  program_name nvarchar(400) NOT NULL,
  catalog_title nvarchar(400) NULL,
  cluster_name nvarchar(400) NULL,
  award_identification nvarchar(400) NULL,
  direct_award bit NOT NULL,
  passthrough_entities nvarchar(max) NULL,
  passthrough_award_ids nvarchar(max) NULL,
  is_fhwa_highway_program bit NOT NULL,
  first_audit_year smallint NOT NULL,
  last_audit_year smallint NOT NULL,
  search AS (aln + N' ' + program_name + N' ' + COALESCE(catalog_title, N'') + N' '
    + COALESCE(cluster_name, N'') + N' ' + COALESCE(award_identification, N'') + N' '
    + COALESCE(passthrough_entities, N'') + N' ' + COALESCE(passthrough_award_ids, N'')) PERSISTED
);

CREATE TABLE dbo.expenditures (
  id int NOT NULL CONSTRAINT pk_expenditures PRIMARY KEY,
  award_id int NOT NULL REFERENCES dbo.awards (id),
  recipient_id int NOT NULL REFERENCES dbo.recipients (id),
  division nchar(2) NOT NULL,
  aln nvarchar(16) NOT NULL,
  dbkey int NOT NULL,
  audit_year smallint NOT NULL,
  award_seq_num int NOT NULL,
  fiscal_period_start date NOT NULL,
  fiscal_period_end date NOT NULL,
  fiscal_year smallint NOT NULL,
  fac_accepted_date date NOT NULL,
  program_name nvarchar(400) NOT NULL,
  amount_expended decimal(18, 2) NOT NULL,
  program_total_expended decimal(18, 2) NOT NULL,
  cluster_total_expended decimal(18, 2) NULL,
  auditee_total_federal_expenditures decimal(18, 2) NOT NULL,
  passed_to_subrecipients bit NOT NULL,
  amount_passed_to_subrecipients decimal(18, 2) NOT NULL,
  major_program bit NOT NULL,
  major_program_opinion nchar(1) NULL,
  findings_count int NOT NULL CONSTRAINT expenditures_findings_count_check
    CHECK (findings_count >= 0),
  oversight_agency nvarchar(4) NULL,
  search AS (aln + N' ' + program_name) PERSISTED
);

CREATE TABLE dbo.vendors (
  id int IDENTITY(1, 1) NOT NULL CONSTRAINT pk_vendors PRIMARY KEY,
  division nchar(2) NOT NULL,
  duns nvarchar(13) NOT NULL CONSTRAINT vendors_duns_key UNIQUE,
  parent_duns nvarchar(13) NULL,
  name nvarchar(400) NOT NULL,
  state nchar(2) NOT NULL,
  county_name nvarchar(200) NULL,
  zip5 nchar(5) NULL,
  congressional_district nvarchar(4) NULL,
  business_categories nvarchar(max) NOT NULL CONSTRAINT vendors_business_categories_check
    CHECK (ISJSON(business_categories) = 1 AND LEFT(business_categories, 1) = N'['),
  usaspending_recipient_hash uniqueidentifier NOT NULL,
  search AS (name + N' ' + duns + N' ' + COALESCE(county_name, N'')) PERSISTED
);

CREATE TABLE dbo.contracts (
  id int NOT NULL CONSTRAINT pk_contracts PRIMARY KEY,
  vendor_id int NOT NULL REFERENCES dbo.vendors (id),
  division nchar(2) NOT NULL,
  piid nvarchar(64) NOT NULL,
  award_type nchar(1) NULL,
  pulled_from nvarchar(8) NOT NULL,
  awarding_agency nvarchar(400) NOT NULL,
  awarding_subagency nvarchar(400) NOT NULL,
  awarding_subagency_code nvarchar(16) NOT NULL,
  funding_subagency nvarchar(400) NOT NULL,
  total_obligation decimal(18, 2) NOT NULL,
  total_obligation_bin nvarchar(16) NOT NULL,
  description nvarchar(max) NOT NULL,
  naics_code nvarchar(6) NOT NULL,
  naics_description nvarchar(400) NULL,
  psc_code nvarchar(4) NOT NULL,
  psc_description nvarchar(400) NOT NULL,
  pricing_type nvarchar(2) NOT NULL,
  set_aside nvarchar(16) NULL,
  extent_competed nvarchar(2) NOT NULL,
  pop_state nchar(2) NULL,
  pop_county_name nvarchar(200) NULL,
  pop_zip5 nchar(5) NULL,
  pop_congressional_district nvarchar(4) NULL,
  first_action_date date NOT NULL,
  last_action_date date NOT NULL,
  search AS (piid + N' ' + description + N' ' + COALESCE(naics_description, N'') + N' '
    + psc_description + N' ' + awarding_subagency) PERSISTED
);

CREATE TABLE dbo.contract_transactions (
  id int NOT NULL CONSTRAINT pk_contract_transactions PRIMARY KEY,
  contract_id int NOT NULL REFERENCES dbo.contracts (id),
  division nchar(2) NOT NULL,
  action_date date NOT NULL,
  last_modified_date date NOT NULL,
  fiscal_year smallint NOT NULL,
  action_type nchar(1) NULL,
  modification_number nvarchar(32) NOT NULL,
  federal_action_obligation decimal(18, 2) NOT NULL,
  description nvarchar(max) NOT NULL,
  search AS (modification_number + N' ' + description) PERSISTED
);

CREATE TABLE dbo.accounts (
  id int IDENTITY(1, 1) NOT NULL CONSTRAINT pk_accounts PRIMARY KEY,
  division nchar(2) NOT NULL,
  code nvarchar(16) NOT NULL CONSTRAINT accounts_code_key UNIQUE,
  title nvarchar(400) NOT NULL,
  agency nvarchar(400) NOT NULL,
  subagency nvarchar(400) NOT NULL,
  search AS (code + N' ' + title + N' ' + subagency) PERSISTED
);

CREATE TABLE dbo.account_obligations (
  id int IDENTITY(1, 1) NOT NULL CONSTRAINT pk_account_obligations PRIMARY KEY,
  account_id int NOT NULL REFERENCES dbo.accounts (id),
  division nchar(2) NOT NULL,
  fiscal_year smallint NOT NULL,
  quarter smallint NOT NULL CONSTRAINT account_obligations_quarter_check
    CHECK (quarter BETWEEN 1 AND 4),
  period_end date NOT NULL,
  obligation decimal(18, 2) NOT NULL,
  unobligated decimal(18, 2) NOT NULL,
  CONSTRAINT account_obligations_period_key UNIQUE (account_id, fiscal_year, quarter)
);`;

const CREATE_INDEXES = `
CREATE INDEX recipients_division_idx ON dbo.recipients (division, id);
CREATE INDEX awards_division_idx ON dbo.awards (division, id);
CREATE INDEX awards_aln_idx ON dbo.awards (aln);
CREATE INDEX awards_recipient_idx ON dbo.awards (recipient_id);
CREATE INDEX expenditures_division_idx ON dbo.expenditures (division, id);
CREATE INDEX expenditures_aln_year_idx ON dbo.expenditures (aln, fiscal_year);
CREATE INDEX expenditures_fiscal_year_idx ON dbo.expenditures (fiscal_year);
CREATE INDEX expenditures_award_idx ON dbo.expenditures (award_id);
CREATE INDEX expenditures_recipient_idx ON dbo.expenditures (recipient_id);
CREATE INDEX expenditures_amount_idx ON dbo.expenditures (amount_expended, id);
CREATE INDEX vendors_division_idx ON dbo.vendors (division, id);
CREATE INDEX contracts_division_idx ON dbo.contracts (division, id);
CREATE INDEX contracts_vendor_idx ON dbo.contracts (vendor_id);
CREATE INDEX contracts_piid_idx ON dbo.contracts (piid);
CREATE INDEX contracts_obligation_idx ON dbo.contracts (total_obligation, id);
CREATE INDEX contract_transactions_division_idx ON dbo.contract_transactions (division, id);
CREATE INDEX contract_transactions_contract_idx ON dbo.contract_transactions (contract_id);
CREATE INDEX contract_transactions_year_idx ON dbo.contract_transactions (fiscal_year);
CREATE INDEX contract_transactions_date_idx ON dbo.contract_transactions (action_date, id);
CREATE INDEX accounts_division_idx ON dbo.accounts (division, id);
CREATE INDEX account_obligations_division_idx ON dbo.account_obligations (division, id);
CREATE INDEX account_obligations_period_idx ON dbo.account_obligations (fiscal_year, quarter);`;

// A binary collation, so [A-Z] means capitals only whatever the database collation.
const DIVISION_CHECKS = `
ALTER TABLE dbo.recipients ADD CONSTRAINT recipients_division_check
  CHECK (division COLLATE Latin1_General_BIN2 LIKE N'[A-Z][A-Z]');
ALTER TABLE dbo.awards ADD CONSTRAINT awards_division_check
  CHECK (division COLLATE Latin1_General_BIN2 LIKE N'[A-Z][A-Z]');
ALTER TABLE dbo.expenditures ADD CONSTRAINT expenditures_division_check
  CHECK (division COLLATE Latin1_General_BIN2 LIKE N'[A-Z][A-Z]');
ALTER TABLE dbo.vendors ADD CONSTRAINT vendors_division_check
  CHECK (division COLLATE Latin1_General_BIN2 LIKE N'[A-Z][A-Z]');
ALTER TABLE dbo.contracts ADD CONSTRAINT contracts_division_check
  CHECK (division COLLATE Latin1_General_BIN2 LIKE N'[A-Z][A-Z]');
ALTER TABLE dbo.contract_transactions ADD CONSTRAINT contract_transactions_division_check
  CHECK (division COLLATE Latin1_General_BIN2 LIKE N'[A-Z][A-Z]');
ALTER TABLE dbo.accounts ADD CONSTRAINT accounts_division_check
  CHECK (division COLLATE Latin1_General_BIN2 LIKE N'[A-Z][A-Z]');
ALTER TABLE dbo.account_obligations ADD CONSTRAINT account_obligations_division_check
  CHECK (division COLLATE Latin1_General_BIN2 LIKE N'[A-Z][A-Z]');`;

// An inline table-valued function, schema-bound as security predicates must be. The session
// context is a comma-separated list of two-letter codes set by the application; NULL (unset)
// splits to no rows, so an unscoped session sees and writes nothing.
const CREATE_PREDICATE = `
CREATE FUNCTION security.fn_division_predicate(@division nchar(2))
RETURNS TABLE
WITH SCHEMABINDING
AS
RETURN
  SELECT 1 AS allowed
  WHERE @division IN (
    SELECT value
    FROM STRING_SPLIT(CAST(SESSION_CONTEXT(N'eds.divisions') AS nvarchar(400)), N',')
  );`;

const CREATE_POLICY = `
CREATE SECURITY POLICY security.division_policy
  ADD FILTER PREDICATE security.fn_division_predicate(division) ON dbo.recipients,
  ADD BLOCK PREDICATE security.fn_division_predicate(division) ON dbo.recipients AFTER INSERT,
  ADD BLOCK PREDICATE security.fn_division_predicate(division) ON dbo.recipients AFTER UPDATE,
  ADD FILTER PREDICATE security.fn_division_predicate(division) ON dbo.awards,
  ADD BLOCK PREDICATE security.fn_division_predicate(division) ON dbo.awards AFTER INSERT,
  ADD BLOCK PREDICATE security.fn_division_predicate(division) ON dbo.awards AFTER UPDATE,
  ADD FILTER PREDICATE security.fn_division_predicate(division) ON dbo.expenditures,
  ADD BLOCK PREDICATE security.fn_division_predicate(division) ON dbo.expenditures AFTER INSERT,
  ADD BLOCK PREDICATE security.fn_division_predicate(division) ON dbo.expenditures AFTER UPDATE,
  ADD FILTER PREDICATE security.fn_division_predicate(division) ON dbo.vendors,
  ADD BLOCK PREDICATE security.fn_division_predicate(division) ON dbo.vendors AFTER INSERT,
  ADD BLOCK PREDICATE security.fn_division_predicate(division) ON dbo.vendors AFTER UPDATE,
  ADD FILTER PREDICATE security.fn_division_predicate(division) ON dbo.contracts,
  ADD BLOCK PREDICATE security.fn_division_predicate(division) ON dbo.contracts AFTER INSERT,
  ADD BLOCK PREDICATE security.fn_division_predicate(division) ON dbo.contracts AFTER UPDATE,
  ADD FILTER PREDICATE security.fn_division_predicate(division) ON dbo.contract_transactions,
  ADD BLOCK PREDICATE security.fn_division_predicate(division)
    ON dbo.contract_transactions AFTER INSERT,
  ADD BLOCK PREDICATE security.fn_division_predicate(division)
    ON dbo.contract_transactions AFTER UPDATE,
  ADD FILTER PREDICATE security.fn_division_predicate(division) ON dbo.accounts,
  ADD BLOCK PREDICATE security.fn_division_predicate(division) ON dbo.accounts AFTER INSERT,
  ADD BLOCK PREDICATE security.fn_division_predicate(division) ON dbo.accounts AFTER UPDATE,
  ADD FILTER PREDICATE security.fn_division_predicate(division) ON dbo.account_obligations,
  ADD BLOCK PREDICATE security.fn_division_predicate(division)
    ON dbo.account_obligations AFTER INSERT,
  ADD BLOCK PREDICATE security.fn_division_predicate(division)
    ON dbo.account_obligations AFTER UPDATE
WITH (STATE = ON, SCHEMABINDING = ON);`;

// Reads only, as in Postgres 0001: write grants arrive with the first operation that writes.
// The application's managed identity is made a member of eds_app by the deploy script; it must
// not own the database or hold ALTER ANY SECURITY POLICY.
const GRANTS = `
GRANT SELECT ON dbo.recipients TO eds_app;
GRANT SELECT ON dbo.awards TO eds_app;
GRANT SELECT ON dbo.expenditures TO eds_app;
GRANT SELECT ON dbo.vendors TO eds_app;
GRANT SELECT ON dbo.contracts TO eds_app;
GRANT SELECT ON dbo.contract_transactions TO eds_app;
GRANT SELECT ON dbo.accounts TO eds_app;
GRANT SELECT ON dbo.account_obligations TO eds_app;`;

/** Tables, role, predicate function and security policy, in one transaction. */
export const financialRecords: MssqlMigration = {
  name: '0001-financial-records',
  transactional: true,
  batches: [
    CREATE_ROLE_AND_SCHEMA,
    CREATE_TABLES,
    CREATE_INDEXES,
    DIVISION_CHECKS,
    CREATE_PREDICATE,
    CREATE_POLICY,
    GRANTS,
  ],
};
