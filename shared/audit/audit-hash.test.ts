import { describe, expect, it } from 'vitest';

import { computeAuditHash, GENESIS_HASH } from './audit-hash.js';

describe('computeAuditHash', () => {
  it('hashes the pinned v1 link form (a changed hash here breaks every stored trail)', () => {
    const hash = computeAuditHash({
      seq: 1,
      occurredAt: '2026-12-04T12:00:00.000Z',
      prevHash: GENESIS_HASH,
      event: {
        type: 'security.event',
        name: 'n',
        actor: 'a',
        correlationId: 'c',
        outcome: 'success',
      },
    });
    expect(hash).toBe('4fe3e48cd81b94ff7a85ce6d12032a89052faba3f9026438a3629ccbc1c49c3a');
  });
});
