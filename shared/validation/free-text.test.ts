import { describe, expect, it } from 'vitest';

import { freeText } from './free-text.js';

describe('freeText', () => {
  const reason = freeText(500, { min: 10, trim: true, audited: true });

  it('refuses text over its limit as too_big without reading its content', () => {
    // Content the credential and tax-id patterns take long over: a quarter of a megabyte of it.
    const huge = `password -${'-'.repeat(250_000)} x ${'1-'.repeat(20_000)}`;
    const started = performance.now();
    const result = reason.safeParse(huge);
    expect(performance.now() - started).toBeLessThan(500);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.code)).toEqual(['too_big']);
  });

  it('refuses text under its minimum as too_small, and reads content within the limits', () => {
    expect(reason.safeParse('short').error?.issues.map((issue) => issue.code)).toEqual([
      'too_small',
    ]);
    expect(reason.safeParse('pwd=hunter2 for the db admin').error?.issues[0]?.message).toBe(
      'token_like',
    );
    expect(reason.safeParse('Verify payee identity for ticket 4521').success).toBe(true);
  });
});
