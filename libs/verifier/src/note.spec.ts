import {
  decodeBase64Strict,
  generateSignerKey,
  keyIdOf,
  openNote,
  parseNote,
  parseSignerKey,
  parseVerifierKey,
  signerKeyFromSeed,
  signNote,
  verifierKeyOf,
} from './note';

// The example of Go's golang.org/x/mod/sumdb/note (note_test.go TestSign/TestOpen). Ed25519 is
// deterministic, so our signNote must reproduce Go's signature byte for byte; it does (checked by
// computing it before writing it here, and by this test).
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const PETER_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG = '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const ENOCH_SIG = '\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

describe('signed note (C2SP) with the Go sumdb/note vectors', () => {
  it('derives the Go verifier key from the Go signer key', () => {
    expect(verifierKeyOf(PETER_SKEY)).toBe(PETER_VKEY);
    const v = parseVerifierKey(PETER_VKEY);
    expect(v.name).toBe('PeterNeumann');
    expect(v.keyId.toString('hex')).toBe('c74f20a3');
    expect(keyIdOf('PeterNeumann', v.publicKey).toString('hex')).toBe('c74f20a3');
  });

  it('signs exactly as Go does and opens Go notes', () => {
    expect(signNote(PETER_TEXT, PETER_SKEY)).toBe(PETER_TEXT + '\n' + PETER_SIG);
    expect(openNote(PETER_TEXT + '\n' + PETER_SIG, PETER_VKEY)).toEqual({ text: PETER_TEXT, ok: true });
    // Two signatures: each key verifies its own and ignores the other's.
    const both = PETER_TEXT + '\n' + PETER_SIG + ENOCH_SIG;
    expect(openNote(both, PETER_VKEY).ok).toBe(true);
    expect(openNote(both, ENOCH_VKEY).ok).toBe(true);
    expect(openNote(PETER_TEXT + '\n' + PETER_SIG, ENOCH_VKEY)).toMatchObject({
      ok: false,
      reason: 'no signature by key EnochRoot+af0cfe78',
    });
  });

  it('rejects Go’s invalid and malformed examples', () => {
    const corrupt = PETER_TEXT + '\n' + PETER_SIG.slice(0, 60) + 'ABCD' + PETER_SIG.slice(60);
    expect(openNote(corrupt, PETER_VKEY)).toMatchObject({ ok: false, reason: 'invalid signature for key PeterNeumann+c74f20a3' });
    for (const bad of [
      PETER_TEXT,
      PETER_TEXT + '\n',
      PETER_TEXT + '\n' + PETER_SIG.slice(0, -1),
      '\x01' + PETER_TEXT + '\n' + PETER_SIG,
      PETER_TEXT + '\n' + '\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n',
      PETER_TEXT + '\n' + PETER_SIG + 'Unexpected line.\n',
      PETER_TEXT + '\n' + PETER_SIG.repeat(101),
    ]) {
      expect(openNote(bad, PETER_VKEY)).toMatchObject({ ok: false, reason: 'malformed note' });
    }
  });

  it('accepts only well-formed keys whose id matches', () => {
    expect(() => parseVerifierKey('PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')).toThrow(/key id does not match/);
    expect(() => parseVerifierKey('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==')).toThrow(
      /0x01 followed by 32 bytes/,
    );
    expect(() => parseVerifierKey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')).toThrow(/0x01/);
    expect(() => parseVerifierKey('Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')).toThrow(/name/);
    expect(() => parseVerifierKey(PETER_VKEY.slice(0, -1))).toThrow();
    expect(() => parseSignerKey(PETER_SKEY.replace('PRIVATE', 'PUBLIC'))).toThrow(/PRIVATE\+KEY/);
    expect(() => parseSignerKey(PETER_SKEY.replace('c74f20a3', 'c74f20a4'))).toThrow(/key id does not match/);
    // every truncation of the key is refused, as in Go's TestNewVerifier
    for (let i = 1; i < PETER_VKEY.length; i++) expect(() => parseVerifierKey(PETER_VKEY.slice(0, i))).toThrow();
  });

  it('decodes only strict, canonical base64', () => {
    expect(decodeBase64Strict('AAEC')).toEqual(Buffer.from([0, 1, 2]));
    expect(decodeBase64Strict('AA!C')).toBeUndefined();
    expect(decodeBase64Strict('AAE')).toBeUndefined();
    expect(decodeBase64Strict('AB==')).toBeUndefined(); // non-zero padding bits
    expect(decodeBase64Strict('AA==')).toEqual(Buffer.from([0]));
  });
});

describe('signed note round trip with a generated key', () => {
  const skey = generateSignerKey('jaminan.example/ledger');
  const vkey = verifierKeyOf(skey);
  const text = 'jaminan.example/ledger\n42\n' + Buffer.alloc(32, 7).toString('base64') + '\n';

  it('encodes keys as Go does', () => {
    expect(skey).toMatch(/^PRIVATE\+KEY\+jaminan\.example\/ledger\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/); // 33 bytes: no padding
    expect(vkey).toMatch(/^jaminan\.example\/ledger\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
    expect(vkey.split('+')[1]).toBe(skey.split('+')[3]);
    expect(Buffer.from(vkey.slice(-44), 'base64')[0]).toBe(1);
    expect(Buffer.from(skey.slice(-44), 'base64')[0]).toBe(1);
  });

  it('opens what it signs, and a signer key from a seed is stable', () => {
    const note = signNote(text, skey);
    expect(openNote(note, vkey)).toEqual({ text, ok: true });
    expect(parseNote(note)?.signatures).toHaveLength(1);
    const seed = Buffer.alloc(32, 9);
    expect(signerKeyFromSeed('x', seed)).toBe(signerKeyFromSeed('x', seed));
    expect(openNote(signNote('a\n\nb\n', signerKeyFromSeed('x', seed)), verifierKeyOf(signerKeyFromSeed('x', seed)))).toEqual({
      text: 'a\n\nb\n',
      ok: true,
    });
  });

  it('fails on any changed byte of the text or the signature, and with another key', () => {
    const note = signNote(text, skey);
    const sigStart = note.indexOf('\u2014');
    for (let i = 0; i < note.length; i++) {
      if (i === text.length || note[i] === '\n') continue; // the separators are structure: changing them makes a malformed note
      const ch = note[i] === 'A' ? 'B' : 'A';
      const changed = note.slice(0, i) + ch + note.slice(i + 1);
      const r = openNote(changed, vkey);
      expect(r.ok).toBe(false);
      if (i < sigStart) expect(r.reason).toMatch(/invalid signature|malformed/);
    }
    const other = verifierKeyOf(generateSignerKey('jaminan.example/ledger'));
    expect(openNote(note, other)).toMatchObject({ ok: false, reason: expect.stringMatching(/^no signature by key/) });
    expect(openNote(note, 'not a key').ok).toBe(false);
  });

  it('refuses to sign a text without a final newline or with control characters', () => {
    expect(() => signNote('abc', skey)).toThrow(/newline/);
    expect(() => signNote('a\tb\n', skey)).toThrow(/control/);
  });
});
