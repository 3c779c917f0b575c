import { connect } from 'node:net';

import type { HttpFunctionDefinition } from '../../../shared/registry/function-registry.js';

/** A public `GET /api/answer` route; the test's `createHandler` decides what it answers. */
export const ANSWER_ROUTE: HttpFunctionDefinition = {
  name: 'test-get-answer',
  capability: 'test',
  route: 'answer',
  methods: ['GET'],
  access: { public: true },
  summary: 'Answers whatever the test asks for',
  handler: () => Promise.reject(new Error('the test host calls createHandler instead')),
};

/** Sends raw bytes on a new loopback connection; resolves to all the server wrote, once closed. */
export function exchangeUntilClose(port: number, bytes: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
  });
}
