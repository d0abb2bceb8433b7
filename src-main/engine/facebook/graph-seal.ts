import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * What a worker needs to send replies and Messenger updates for the Page. No App Secret: the
 * Graph client does not sign page calls with appsecret_proof, and the one call that needs the
 * App Secret (updating the webhook address) stays with the app, so it is never handed out.
 */
export interface PageConnection {
  graphUrl: string;
  graphVersion: string;
  pageId: string;
  pageToken: string;
}

/** The format of the sealed record; a worker that meets a newer one says so instead of guessing. */
export const SEAL_VERSION = 1;

/** The sealed record as stored in Redis (JSON). Only `box` carries the connection, encrypted. */
export interface SealedConnection {
  v: number;
  /** Which operator key sealed it (derived from the key, reveals nothing of it): a rotated key is told apart from a damaged record. */
  kid: string;
  salt: string;
  nonce: string;
  tag: string;
  box: string;
}

const AAD = Buffer.from('voluntree page connection v1');

/** A short public id of the operator key, so app and worker can compare keys without sharing them. */
export function workerKeyId(operatorKey: string): string {
  return Buffer.from(hkdfSync('sha256', operatorKey, Buffer.alloc(0), 'voluntree worker key id', 8)).toString('hex');
}

function sealingKey(operatorKey: string, salt: Buffer): Buffer {
  // HKDF rather than the raw operator key: a fresh salt per seal gives a fresh AES key each time,
  // so one nonce is never reused under one key however often the app re-seals.
  return Buffer.from(hkdfSync('sha256', operatorKey, salt, 'voluntree page connection aes-256-gcm', 32));
}

/** Seals a connection with AES-256-GCM under a key derived from the operator's key (random salt and nonce each time). */
export function sealConnection(operatorKey: string, conn: PageConnection): SealedConnection {
  const salt = randomBytes(16);
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(operatorKey, salt), nonce);
  cipher.setAAD(AAD);
  const box = Buffer.concat([cipher.update(JSON.stringify(conn), 'utf8'), cipher.final()]);
  return { v: SEAL_VERSION, kid: workerKeyId(operatorKey), salt: salt.toString('base64'), nonce: nonce.toString('base64'), tag: cipher.getAuthTag().toString('base64'), box: box.toString('base64') };
}

export type Unsealed =
  | { ok: true; connection: PageConnection }
  | { ok: false; reason: 'other-key' | 'damaged' | 'newer-format'; message: string };

/** Opens a sealed connection; says why when it cannot (never throws). */
export function unsealConnection(operatorKey: string, sealed: SealedConnection): Unsealed {
  if (sealed.v !== SEAL_VERSION) {
    return { ok: false, reason: 'newer-format', message: `the Page connection in Redis is sealed in format ${String(sealed.v)}, which this worker does not know: update the worker to the app's version` };
  }
  const mine = workerKeyId(operatorKey);
  if (sealed.kid !== mine) {
    return { ok: false, reason: 'other-key', message: `the Page connection in Redis is sealed with another VOLUNTREE_WORKER_KEY (key id ${sealed.kid}; this worker's is ${mine}): give the worker the app's key` };
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', sealingKey(operatorKey, Buffer.from(sealed.salt, 'base64')), Buffer.from(sealed.nonce, 'base64'));
    decipher.setAAD(AAD);
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    const plain = Buffer.concat([decipher.update(Buffer.from(sealed.box, 'base64')), decipher.final()]).toString('utf8');
    const c = JSON.parse(plain) as Partial<PageConnection>;
    if (typeof c.graphUrl !== 'string' || typeof c.graphVersion !== 'string' || typeof c.pageId !== 'string' || typeof c.pageToken !== 'string') throw new Error('fields');
    return { ok: true, connection: { graphUrl: c.graphUrl, graphVersion: c.graphVersion, pageId: c.pageId, pageToken: c.pageToken } };
  } catch {
    return { ok: false, reason: 'damaged', message: 'the Page connection in Redis could not be opened with this worker\'s VOLUNTREE_WORKER_KEY (damaged or altered)' };
  }
}
