/**
 * FHWA division offices: one per state, DC and PR, named by the two-letter postal code.
 */
export const DIVISIONS = [
  'AL',
  'AK',
  'AZ',
  'AR',
  'CA',
  'CO',
  'CT',
  'DE',
  'DC',
  'FL',
  'GA',
  'HI',
  'ID',
  'IL',
  'IN',
  'IA',
  'KS',
  'KY',
  'LA',
  'ME',
  'MD',
  'MA',
  'MI',
  'MN',
  'MS',
  'MO',
  'MT',
  'NE',
  'NV',
  'NH',
  'NJ',
  'NM',
  'NY',
  'NC',
  'ND',
  'OH',
  'OK',
  'OR',
  'PA',
  'PR',
  'RI',
  'SC',
  'SD',
  'TN',
  'TX',
  'UT',
  'VT',
  'VA',
  'WA',
  'WV',
  'WI',
  'WY',
] as const;
export type Division = (typeof DIVISIONS)[number];

export function isDivision(value: string): value is Division {
  return (DIVISIONS as readonly string[]).includes(value);
}

/**
 * The divisions as the comma-separated list the stores' row-level security reads from
 * `eds.divisions`. Division codes are two capitals, so none can hold the separator.
 */
export function divisionSetting(divisions: readonly Division[]): string {
  return divisions.join(',');
}
