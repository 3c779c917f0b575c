import { describe, expect, it } from 'vitest';

import { addressBucketOf } from './address-bucket.js';

describe('addressBucketOf', () => {
  it('puts every spelling of one IPv6 /64 in one bucket', () => {
    const buckets = new Set(
      [
        '2001:db8::1',
        '2001:DB8::1',
        '2001:db8:0:0:0:0:0:1',
        '2001:db8::ffff:2',
        '2001:db8::9%eth0',
      ].map(addressBucketOf),
    );
    expect([...buckets]).toEqual(['2001:db8:0:0::/64']);
  });

  it('keeps different /64 networks apart', () => {
    expect(addressBucketOf('2001:db8:0:1::1')).not.toBe(addressBucketOf('2001:db8:0:2::1'));
    expect(addressBucketOf('::1')).toBe('0:0:0:0::/64');
  });

  it('reads an IPv4-mapped address as its IPv4 address', () => {
    expect(addressBucketOf('::ffff:198.51.100.7')).toBe('198.51.100.7');
    expect(addressBucketOf('::FFFF:c633:6407')).toBe('198.51.100.7');
  });

  it('leaves IPv4 addresses and anything else as they are', () => {
    expect(addressBucketOf('198.51.100.7')).toBe('198.51.100.7');
    expect(addressBucketOf('unknown')).toBe('unknown');
    expect(addressBucketOf('1.2.3.4:80:90')).toBe('1.2.3.4:80:90');
  });
});
