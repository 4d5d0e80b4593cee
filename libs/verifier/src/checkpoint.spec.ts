import { formatCheckpoint, parseCheckpoint } from './checkpoint';
import { generateSignerKey, openNote, signNote, verifierKeyOf } from './note';

describe('checkpoint (C2SP tlog-checkpoint)', () => {
  it('parses the C2SP example body', () => {
    const text = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
    const cp = parseCheckpoint(text);
    expect(cp).toEqual({
      origin: 'example.com/behind-the-sofa',
      treeSize: 20852163,
      rootHash: Buffer.from('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=', 'base64').toString('hex'),
    });
    expect(formatCheckpoint(cp)).toBe(text);
  });

  it('formats origin, decimal size and base64 root, each ending in a newline', () => {
    const rootHash = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    expect(formatCheckpoint({ origin: 'o', treeSize: 0, rootHash })).toBe('o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n');
    expect(formatCheckpoint({ origin: 'o', treeSize: 5, rootHash, extensions: ['x y'] })).toBe(
      'o\n5\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\nx y\n',
    );
    expect(parseCheckpoint('o\n5\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\nx y\n').extensions).toEqual(['x y']);
  });

  it('refuses malformed checkpoints', () => {
    const root = '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=';
    for (const bad of [
      `o\n5\n${root}`,
      `o\n05\n${root}\n`,
      `o\n-1\n${root}\n`,
      `\n5\n${root}\n`,
      `o\n5\n${root.slice(4)}\n`,
      `o\n5\n`,
      `o\n5\n${root}\n\n`,
    ]) {
      expect(() => parseCheckpoint(bad)).toThrow(/checkpoint/);
    }
    expect(() => formatCheckpoint({ origin: 'o', treeSize: 1.5, rootHash: '00'.repeat(32) })).toThrow(/tree size/);
    expect(() => formatCheckpoint({ origin: 'o', treeSize: 1, rootHash: 'AB'.repeat(32) })).toThrow(/hex/);
  });

  it('signs as a note and opens back', () => {
    const skey = generateSignerKey('jaminan.example/ledger');
    const body = formatCheckpoint({ origin: 'jaminan.example/ledger', treeSize: 70, rootHash: 'ab'.repeat(32) });
    const opened = openNote(signNote(body, skey), verifierKeyOf(skey));
    expect(opened.ok).toBe(true);
    expect(parseCheckpoint(opened.text)).toEqual({ origin: 'jaminan.example/ledger', treeSize: 70, rootHash: 'ab'.repeat(32) });
  });
});
