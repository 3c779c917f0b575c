import { describe, expect, it } from 'vitest';

import { createLogger, redactUrl } from './logger.js';

describe('operational logger', () => {
  it('writes only allow-listed fields and strips query strings from URLs', () => {
    const lines: string[] = [];
    const logger = createLogger('info', (line) => lines.push(line));
    const fields = {
      route: 'v1/awards',
      url: 'http://localhost/api/v1/awards?q=secret&token=abc',
      authorization: 'Bearer eyJhbGciOi',
      body: '{"ein":"123456789"}',
    };
    logger.info('http.request', fields);
    const record = JSON.parse(lines[0] ?? '{}');
    expect(record).toMatchObject({ level: 'info', event: 'http.request', route: 'v1/awards' });
    expect(record.url).toBe('http://localhost/api/v1/awards');
    expect(lines[0]).not.toContain('eyJ');
    expect(lines[0]).not.toContain('123456789');
  });

  it('drops events below its level', () => {
    const lines: string[] = [];
    createLogger('warn', (line) => lines.push(line)).info('x.y');
    expect(lines).toEqual([]);
    expect(redactUrl('/a#frag')).toBe('/a');
  });
});
