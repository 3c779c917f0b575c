/**
 * The server side of SCRAM-SHA-256 (RFC 5802, RFC 7677) as Postgres speaks it, for the embedded
 * store's wire server: the client proves it knows the password without sending it, and the
 * server proves the same back. No channel binding (the server offers no TLS).
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

export const SCRAM_MECHANISM = 'SCRAM-SHA-256';
const ITERATIONS = 4096;
/** Printable ASCII but the comma (RFC 5802 `printable`), as a nonce must be. */
const NONCE = /^[\x21-\x2b\x2d-\x7e]+$/;
/** `n,,` (or `y,,`: the client could bind a channel but believes the server cannot). */
const GS2_HEADER = /^[ny],,/;

/** What the server keeps between its first message and the client's proof. */
export interface ScramExchange {
  readonly nonce: string;
  readonly authPrefix: string;
  readonly gs2Header: string;
}

const hmac = (key: Buffer, text: string): Buffer => createHmac('sha256', key).update(text).digest();
const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest();

/** The value of `name=` in a comma-separated SCRAM message. */
function attribute(message: string, name: string): string | undefined {
  const part = message.split(',').find((field) => field.startsWith(`${name}=`));
  return part?.slice(name.length + 1);
}

/**
 * A SCRAM verifier for one password: the salted password is derived once, so each connection
 * costs two HMACs on the server.
 */
export function createScramServer(password: string) {
  const salt = randomBytes(16);
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, ITERATIONS, 32, 'sha256');
  const storedKey = sha256(hmac(salted, 'Client Key'));
  const serverKey = hmac(salted, 'Server Key');

  return {
    /** Answers the client-first message; undefined when it is malformed. */
    begin(clientFirst: string): { serverFirst: string; exchange: ScramExchange } | undefined {
      const header = GS2_HEADER.exec(clientFirst)?.[0];
      if (header === undefined) return undefined;
      const bare = clientFirst.slice(header.length);
      const clientNonce = attribute(bare, 'r');
      if (clientNonce === undefined || !NONCE.test(clientNonce)) return undefined;
      const nonce = `${clientNonce}${randomBytes(18).toString('base64')}`;
      const serverFirst = `r=${nonce},s=${salt.toString('base64')},i=${ITERATIONS}`;
      return {
        serverFirst,
        exchange: { nonce, authPrefix: `${bare},${serverFirst}`, gs2Header: header },
      };
    },

    /** Checks the client's proof; resolves to the server-final message, or undefined. */
    finish(exchange: ScramExchange, clientFinal: string): string | undefined {
      const proofAt = clientFinal.lastIndexOf(',p=');
      if (proofAt === -1) return undefined;
      const withoutProof = clientFinal.slice(0, proofAt);
      const binding = Buffer.from(exchange.gs2Header, 'latin1').toString('base64');
      if (attribute(withoutProof, 'c') !== binding) return undefined;
      if (attribute(withoutProof, 'r') !== exchange.nonce) return undefined;
      const proof = Buffer.from(clientFinal.slice(proofAt + 3), 'base64');
      if (proof.length !== storedKey.length) return undefined;
      const authMessage = `${exchange.authPrefix},${withoutProof}`;
      const signature = hmac(storedKey, authMessage);
      const clientKey = Buffer.from(proof.map((byte, index) => byte ^ (signature[index] ?? 0)));
      if (!timingSafeEqual(sha256(clientKey), storedKey)) return undefined;
      return `v=${hmac(serverKey, authMessage).toString('base64')}`;
    },
  };
}

export type ScramServer = ReturnType<typeof createScramServer>;
