/**
 * SHA-256 in lowercase hex. Node's one-shot crypto.hash (Node ≥ 20.12) is several times cheaper
 * than createHash().update().digest() for the small inputs hashed here; where it is missing,
 * createHash gives the same bytes.
 */
import * as crypto from 'node:crypto';

type OneShot = (algorithm: string, data: string | Uint8Array, outputEncoding: 'hex') => string;
const oneShot: OneShot | undefined = (crypto as unknown as { hash?: OneShot }).hash;

/** SHA-256 of `data` (a string is hashed as its UTF-8 bytes), lowercase hex. */
export function sha256Hex(data: string | Uint8Array): string {
  return oneShot ? oneShot('sha256', data, 'hex') : crypto.createHash('sha256').update(data).digest('hex');
}
