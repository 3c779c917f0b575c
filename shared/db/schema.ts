/** Kysely table types for the relational store. Filled in by the data layer. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- placeholder until tables land
export interface Database {}
