/**
 * Migration 0009: a child record's division is its parent's, in the store itself. An award holds
 * its recipient's division, an expenditure its award's and recipient's (and its award's
 * recipient), a contract transaction its contract's, a quarterly obligation its account's. The
 * write paths already copy the parent's division; these composite foreign keys make a row that
 * disagrees impossible, whoever writes it, so row-level security on the child can never show a
 * record whose parent it hides.
 *
 * Contracts keep their own division: a vendor registered in one state holds contracts in others.
 *
 * Adding a key checks every existing row, so the migration stops (and changes nothing) on a store
 * that already holds a mismatched row. Compatibility: applied migrations never change; a later
 * change is a new migration.
 */
import type { Kysely } from 'kysely';

/** Each parent gains a unique key for its children's keys to reference. */
const PARENT_KEYS = [
  ['recipients', ['id', 'division']],
  ['awards', ['id', 'division']],
  ['awards', ['id', 'recipient_id']],
  ['contracts', ['id', 'division']],
  ['accounts', ['id', 'division']],
] as const;

/** A child's columns that must name one row of its parent's unique key. */
const CHILD_KEYS = [
  ['awards', ['recipient_id', 'division'], 'recipients', ['id', 'division']],
  ['expenditures', ['award_id', 'division'], 'awards', ['id', 'division']],
  ['expenditures', ['recipient_id', 'division'], 'recipients', ['id', 'division']],
  ['expenditures', ['award_id', 'recipient_id'], 'awards', ['id', 'recipient_id']],
  ['contract_transactions', ['contract_id', 'division'], 'contracts', ['id', 'division']],
  ['account_obligations', ['account_id', 'division'], 'accounts', ['id', 'division']],
] as const;

const keyName = (table: string, columns: readonly string[], suffix: string): string =>
  `${table}_${columns.join('_')}_${suffix}`;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [table, columns] of PARENT_KEYS) {
    await db.schema
      .alterTable(table)
      .addUniqueConstraint(keyName(table, columns, 'key'), [...columns])
      .execute();
  }
  for (const [child, columns, parent, parentColumns] of CHILD_KEYS) {
    await db.schema
      .alterTable(child)
      .addForeignKeyConstraint(keyName(child, columns, 'fkey'), [...columns], parent, [
        ...parentColumns,
      ])
      .execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [child, columns] of CHILD_KEYS) {
    await db.schema
      .alterTable(child)
      .dropConstraint(keyName(child, columns, 'fkey'))
      .execute();
  }
  for (const [table, columns] of PARENT_KEYS) {
    await db.schema
      .alterTable(table)
      .dropConstraint(keyName(table, columns, 'key'))
      .execute();
  }
}
