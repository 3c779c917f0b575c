import type { Insertable } from 'kysely';

import { isDivision, type Division } from '../../auth/divisions.js';
import type { AwardsTable, ExpendituresTable, RecipientsTable } from '../schema.js';
import { groupBy } from './group-by.js';
import { readCsvRows } from './read-csv-rows.js';
import {
  insertInBatches,
  reserveIds,
  type DatasetCounts,
  type SeedContext,
} from './seed-context.js';
import { SingleAuditRowSchema, type SingleAuditRow } from './finance-row-schemas.js';
import { resolveInside } from '../../fs/safe-path.js';

export const SINGLE_AUDIT_FILE = 'fac_single_audit_dot_award_expenditures_2016_2022.csv';

function newestFirst(a: SingleAuditRow, b: SingleAuditRow): number {
  return b.audit_year - a.audit_year || b.elec_audits_id - a.elec_audits_id;
}

/** Lines that describe the same award across audits: same holder, listing, ids and funder. */
function awardKey(row: SingleAuditRow): string {
  return JSON.stringify([
    row.auditee_ein,
    row.aln,
    row.award_identification,
    row.direct_award,
    row.passthrough_entity_names,
    row.passthrough_award_ids,
  ]);
}

function toAward(lines: SingleAuditRow[], recipientId: number, division: Division) {
  const sorted = [...lines].sort(newestFirst);
  const latest = sorted[0] as SingleAuditRow;
  const years = lines.map((line) => line.audit_year);
  const award: Insertable<AwardsTable> = {
    id: Math.min(...lines.map((line) => line.elec_audits_id)),
    recipient_id: recipientId,
    division,
    aln: latest.aln,
    program_name: latest.federal_program_name,
    catalog_title:
      sorted.find((line) => line.aln_catalog_title !== null)?.aln_catalog_title ?? null,
    cluster_name: latest.cluster_name,
    award_identification: latest.award_identification,
    direct_award: latest.direct_award,
    passthrough_entities: latest.passthrough_entity_names,
    passthrough_award_ids: latest.passthrough_award_ids,
    is_fhwa_highway_program: latest.is_fhwa_highway_program,
    first_audit_year: Math.min(...years),
    last_audit_year: Math.max(...years),
  };
  return award;
}

function toExpenditure(
  line: SingleAuditRow,
  award: Insertable<AwardsTable>,
): Insertable<ExpendituresTable> {
  return {
    id: line.elec_audits_id,
    award_id: award.id,
    recipient_id: award.recipient_id,
    division: award.division,
    aln: line.aln,
    dbkey: line.dbkey,
    audit_year: line.audit_year,
    award_seq_num: line.award_seq_num,
    fiscal_period_start: line.fy_start_date,
    fiscal_period_end: line.fy_end_date,
    fiscal_year: Number(line.fy_end_date.slice(0, 4)),
    fac_accepted_date: line.fac_accepted_date,
    program_name: line.federal_program_name,
    amount_expended: line.amount_expended,
    program_total_expended: line.program_total_expended,
    cluster_total_expended: line.cluster_total_expended,
    auditee_total_federal_expenditures: line.auditee_total_federal_expenditures,
    passed_to_subrecipients: line.passed_to_subrecipients,
    amount_passed_to_subrecipients: line.amount_passed_to_subrecipients,
    major_program: line.major_program,
    major_program_opinion: line.major_program_opinion,
    findings_count: line.findings_count,
    oversight_agency: line.oversight_agency,
  };
}

/**
 * Loads recipients, awards and expenditures from the Single Audit file in the open transaction.
 *
 * Recipients are deduplicated by EIN in memory, so no blind index of the EIN is ever stored;
 * each EIN is encrypted under context `recipients.ein:<id>` and only its last four digits stay
 * beside it. A recipient takes its newest audit's name, address and state, and its division is
 * that state; its awards and expenditures share the division. Lines whose auditee state is not
 * a division are skipped and counted.
 */
export async function seedSingleAudit(context: SeedContext, dir: string): Promise<DatasetCounts> {
  const { trx, cipher, logger } = context;
  const rows = await readCsvRows(resolveInside(dir, SINGLE_AUDIT_FILE), SingleAuditRowSchema);
  const byEin = groupBy(rows, (row) => row.auditee_ein);
  const holders = [...byEin.values()].map((lines) => [...lines].sort(newestFirst));
  const kept = holders.filter((lines) => isDivision((lines[0] as SingleAuditRow).auditee_state));
  const skipped = rows.length - kept.reduce((sum, lines) => sum + lines.length, 0);
  if (skipped > 0) {
    logger.warn('db.seed_rows_skipped', {
      resource: 'expenditures',
      count: skipped,
      reason: 'division',
    });
  }

  const ids = await reserveIds(trx, 'recipients', kept.length);
  const recipients: Insertable<RecipientsTable>[] = [];
  const awards: Insertable<AwardsTable>[] = [];
  const expenditures: Insertable<ExpendituresTable>[] = [];
  for (const [index, lines] of kept.entries()) {
    const latest = lines[0] as SingleAuditRow;
    const id = ids[index] as number;
    const division = latest.auditee_state as Division;
    recipients.push({
      id,
      division,
      name: latest.auditee_name,
      city: latest.auditee_city,
      state: latest.auditee_state,
      zip: latest.auditee_zip,
      uei: lines.find((line) => line.auditee_uei !== null)?.auditee_uei ?? null,
      entity_type: latest.entity_type,
      ein_ciphertext: await cipher.encrypt(latest.auditee_ein, `recipients.ein:${id}`),
      ein_last4: latest.auditee_ein.slice(-4),
    });
    for (const group of groupBy(lines, awardKey).values()) {
      const award = toAward(group, id, division);
      awards.push(award);
      for (const line of group) expenditures.push(toExpenditure(line, award));
    }
  }

  await insertInBatches(trx, 'recipients', recipients);
  await insertInBatches(trx, 'awards', awards);
  await insertInBatches(trx, 'expenditures', expenditures);
  return {
    recipients: recipients.length,
    awards: awards.length,
    expenditures: expenditures.length,
    skipped,
  };
}
