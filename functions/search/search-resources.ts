import type { SearchResource } from '../../shared/search/search-resource.js';

/**
 * What search covers: each resource's text fields, classified as the data capability's
 * resources classify them (a test holds the two together). The fields of each resource are
 * exactly the columns of its table's generated `search` tsvector (migration 0001).
 *
 * Account obligations have no text of their own and are found through their account. A
 * recipient's EIN is RESTRICTED and is not, and may not be, listed here.
 */
export const SEARCH_RESOURCES = [
  {
    name: 'awards',
    table: 'awards',
    titleField: 'programName',
    fields: [
      { name: 'aln', column: 'aln', classification: 'PUBLIC' },
      { name: 'programName', column: 'program_name', classification: 'PUBLIC' },
      { name: 'catalogTitle', column: 'catalog_title', classification: 'PUBLIC' },
      { name: 'clusterName', column: 'cluster_name', classification: 'PUBLIC' },
      { name: 'awardIdentification', column: 'award_identification', classification: 'INTERNAL' },
      { name: 'passthroughEntities', column: 'passthrough_entities', classification: 'INTERNAL' },
      {
        name: 'passthroughAwardIds',
        column: 'passthrough_award_ids',
        classification: 'CONFIDENTIAL',
      },
    ],
  },
  {
    name: 'expenditures',
    table: 'expenditures',
    titleField: 'programName',
    fields: [
      { name: 'aln', column: 'aln', classification: 'PUBLIC' },
      { name: 'programName', column: 'program_name', classification: 'PUBLIC' },
    ],
  },
  {
    name: 'recipients',
    table: 'recipients',
    titleField: 'name',
    fields: [
      { name: 'name', column: 'name', classification: 'PUBLIC' },
      { name: 'city', column: 'city', classification: 'PUBLIC' },
      { name: 'uei', column: 'uei', classification: 'CONFIDENTIAL' },
    ],
  },
  {
    name: 'vendors',
    table: 'vendors',
    titleField: 'name',
    fields: [
      { name: 'name', column: 'name', classification: 'PUBLIC' },
      { name: 'duns', column: 'duns', classification: 'PUBLIC' },
      { name: 'countyName', column: 'county_name', classification: 'PUBLIC' },
    ],
  },
  {
    name: 'contracts',
    table: 'contracts',
    titleField: 'piid',
    fields: [
      { name: 'piid', column: 'piid', classification: 'PUBLIC' },
      { name: 'description', column: 'description', classification: 'INTERNAL' },
      { name: 'naicsDescription', column: 'naics_description', classification: 'PUBLIC' },
      { name: 'pscDescription', column: 'psc_description', classification: 'PUBLIC' },
      { name: 'awardingSubagency', column: 'awarding_subagency', classification: 'PUBLIC' },
    ],
  },
  {
    name: 'contract-transactions',
    table: 'contract_transactions',
    titleField: 'modificationNumber',
    fields: [
      { name: 'modificationNumber', column: 'modification_number', classification: 'PUBLIC' },
      { name: 'description', column: 'description', classification: 'INTERNAL' },
    ],
  },
  {
    name: 'accounts',
    table: 'accounts',
    titleField: 'title',
    fields: [
      { name: 'code', column: 'code', classification: 'PUBLIC' },
      { name: 'title', column: 'title', classification: 'PUBLIC' },
      { name: 'subagency', column: 'subagency', classification: 'PUBLIC' },
    ],
  },
] as const satisfies readonly SearchResource[];

/** The resource names a search may name. */
export const SEARCH_RESOURCE_NAMES = SEARCH_RESOURCES.map((resource) => resource.name);
export type SearchResourceName = (typeof SEARCH_RESOURCES)[number]['name'];
