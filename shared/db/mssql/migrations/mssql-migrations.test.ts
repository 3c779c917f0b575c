import { describe, expect, it } from 'vitest';

import { FINANCIAL_TABLES } from '../../schema.js';
import { MSSQL_COLUMN_READS } from '../mssql-column-reads.js';
import { financialRecords } from './0001-financial-records.js';
import { fullTextSearch } from './0002-full-text-search.js';
import { MSSQL_MIGRATIONS } from './index.js';

const text = financialRecords.batches.join('\n');

/** The clauses of the CREATE SECURITY POLICY statement, one per predicate, whitespace folded. */
function policyClauses(): { clauses: string[]; options: string } {
  const policy = financialRecords.batches.find((batch) => batch.includes('CREATE SECURITY POLICY'));
  const body = (policy ?? '').replaceAll(/\s+/g, ' ').trim();
  const start = body.indexOf('security.division_policy') + 'security.division_policy'.length;
  const end = body.lastIndexOf(' WITH (');
  const clauses = body
    .slice(start, end)
    .split(/,(?= ADD )/)
    .map((clause) => clause.trim());
  return { clauses, options: body.slice(end).trim() };
}

/** Column name → declared type for one CREATE TABLE in the migration text. */
function columnsOf(table: string): Map<string, string> {
  const match = new RegExp(`CREATE TABLE dbo\\.${table} \\(([\\s\\S]*?)\\n\\);`).exec(text);
  const columns = new Map<string, string>();
  for (const line of (match?.[1] ?? '').split('\n')) {
    const column = /^\s{2}([a-z_0-9]+) ([a-z]+(?:\(\d+(?:, \d+)?\))?|AS)(?=[\s,]|$)/.exec(line);
    if (column?.[1] !== undefined && column[2] !== undefined) columns.set(column[1], column[2]);
  }
  return columns;
}

describe('SQL Server migrations', () => {
  it('apply in name order, transactional first', () => {
    const names = MSSQL_MIGRATIONS.map((migration) => migration.name);
    expect(names).toEqual(['0001-financial-records', '0002-full-text-search']);
    expect(MSSQL_MIGRATIONS.map((migration) => migration.transactional)).toEqual([true, false]);
  });

  it.each(FINANCIAL_TABLES)('create %s with a division column', (table) => {
    expect(columnsOf(table).get('division')).toBe('nchar(2)');
  });

  it.each(FINANCIAL_TABLES)(
    'guard %s with a filter predicate and block predicates after insert and update',
    (table) => {
      const { clauses } = policyClauses();
      const predicate = 'security.fn_division_predicate(division)';
      expect(clauses).toContain(`ADD FILTER PREDICATE ${predicate} ON dbo.${table}`);
      expect(clauses).toContain(`ADD BLOCK PREDICATE ${predicate} ON dbo.${table} AFTER INSERT`);
      expect(clauses).toContain(`ADD BLOCK PREDICATE ${predicate} ON dbo.${table} AFTER UPDATE`);
    },
  );

  it('turns the policy on, schema-bound, and guards no table beyond the financial ones', () => {
    const { clauses, options } = policyClauses();
    expect(options).toBe('WITH (STATE = ON, SCHEMABINDING = ON);');
    const tables = new Set(clauses.map((clause) => /ON dbo\.([a-z_]+)/.exec(clause)?.[1]));
    expect([...tables].sort()).toEqual([...FINANCIAL_TABLES].sort());
    expect(clauses).toHaveLength(FINANCIAL_TABLES.length * 3);
  });

  it('defines the predicate as a schema-bound inline function over SESSION_CONTEXT', () => {
    const fn = financialRecords.batches.find((batch) => batch.includes('CREATE FUNCTION')) ?? '';
    const folded = fn.replaceAll(/\s+/g, ' ').trim();
    expect(folded).toMatch(
      /^CREATE FUNCTION security\.fn_division_predicate\(@division nchar\(2\)\)/,
    );
    expect(folded).toContain('RETURNS TABLE WITH SCHEMABINDING AS RETURN SELECT 1 AS allowed');
    expect(folded).toContain(
      'WHERE @division IN ( SELECT value FROM STRING_SPLIT(' +
        "CAST(SESSION_CONTEXT(N'eds.divisions') AS nvarchar(400)), N',') )",
    );
    // CREATE FUNCTION must be the only statement of its batch.
    expect(
      fn
        .trim()
        .split(';')
        .filter((part) => part.trim() !== ''),
    ).toHaveLength(1);
  });

  it('grants the application role reads only', () => {
    const grants = text.match(/^GRANT .*$/gm) ?? [];
    expect(grants).toEqual(
      FINANCIAL_TABLES.map((table) => `GRANT SELECT ON dbo.${table} TO eds_app;`),
    );
  });

  it('lists every date, decimal and JSON column in the read conversions, and nothing else', () => {
    for (const table of FINANCIAL_TABLES) {
      const expected: Record<string, string> = {};
      for (const [column, type] of columnsOf(table)) {
        if (type === 'date') expected[column] = 'date';
        if (type.startsWith('decimal')) expected[column] = 'decimal';
      }
      if (table === 'vendors') expected['business_categories'] = 'json-array';
      expect({ ...(MSSQL_COLUMN_READS[table] ?? {}) }, table).toEqual(expected);
    }
  });

  it('indexes the persisted search column of every table with one, each batch re-runnable', () => {
    const searchable = FINANCIAL_TABLES.filter((table) => columnsOf(table).get('search') === 'AS');
    expect(searchable).toHaveLength(7);
    for (const table of searchable) {
      const batch = fullTextSearch.batches.find((b) => b.includes(`ON dbo.${table} (search`));
      expect(batch, table).toContain(`IF NOT EXISTS`);
      expect(batch, table).toContain(`KEY INDEX pk_${table} ON eds_search`);
    }
    expect(text).toMatch(/search AS \(.*\) PERSISTED/);
  });
});
