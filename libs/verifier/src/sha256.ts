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

/**
 * SHA-256 of `data`, its 32 bytes written into `out` at `offset`. Through hex: a one-shot hash that
 * answers a Buffer costs about twice one that answers hex (Node 20: a new backing store per call).
 */
export function sha256Into(data: string | Uint8Array, out: Uint8Array, offset: number): void {
  const target = Buffer.isBuffer(out) ? out : Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  target.write(sha256Hex(data), offset, 'hex');
}
