import { canonicalJson, canonicalJsonBytes, CanonicalJsonError, isSimpleCanonicalJson } from './canonical-json';

describe('canonicalJson (RFC 8785 for ledger values)', () => {
  it('sorts keys by UTF-16 code units: the RFC 8785 §3.2.3 example', () => {
    // RFC 8785 §3.2.3: the members must come out in this order (U+1F600 is D83D DE00 in UTF-16,
    // so it sorts before U+FB33 although its code point is larger).
    const input = JSON.parse(
      '{"\\u20ac":"Euro Sign","\\r":"Carriage Return","\\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One",' +
        '"\\ud83d\\ude00":"Emoji: Grinning Face","\\u0080":"Control","\\u00f6":"Latin Small Letter O With Diaeresis"}',
    );
    const out = canonicalJson(input);
    // (not checked through JSON.parse: JavaScript objects list the integer-like key "1" first)
    expect(out).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign",' +
        '"\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('orders by code units, not by code points, for non-BMP keys', () => {
    // U+10000 (D800 DC00) < U+FFFF in UTF-16 order, though not in code point order.
    expect(canonicalJson({ '\uffff': 1, '\u{10000}': 2, a: 3, B: 4, '': 5 })).toBe('{"":5,"B":4,"a":3,"\u{10000}":2,"\uffff":1}');
  });

  it('writes strings as RFC 8785 §3.2.2.2 (the §3.2.2.2 escaping example, strings only)', () => {
    // RFC 8785 §3.2.4's example string value "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/" becomes "€$\u000f\nA'B\"\\\\\"/".
    const s = JSON.parse('"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/"');
    expect(canonicalJson(s)).toBe('"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"');
    expect(canonicalJson('\b\t\n\f\r\u0000\u001f\u007f')).toBe('"\\b\\t\\n\\f\\r\\u0000\\u001f\u007f"');
  });

  it('writes the RFC 8785 §3.2.4 example members that are ledger values', () => {
    // §3.2.4 input restricted to strings, integers, booleans, null and arrays (its numbers other than
    // integers are not ledger values).
    const input = JSON.parse(
      '{"literals": [null, true, false], "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "numbers": [333333333, 4.0, 0, -0, 1e3]}',
    );
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333,4,0,0,1000],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('writes integers in plain decimal and nests without whitespace', () => {
    expect(canonicalJson({ b: [1, -2, { d: 9007199254740991, c: -9007199254740991 }], a: 'x' })).toBe(
      '{"a":"x","b":[1,-2,{"c":-9007199254740991,"d":9007199254740991}]}',
    );
    expect(canonicalJson([])).toBe('[]');
    expect(canonicalJson({})).toBe('{}');
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson({ a: undefined, b: [undefined] })).toBe('{"b":[null]}');
    expect(canonicalJsonBytes({ é: 'ü' })).toEqual(Buffer.from('{"é":"ü"}', 'utf8'));
  });

  it('refuses non-integers, non-finite numbers and non-JSON values, saying where', () => {
    expect(() => canonicalJson({ a: [1, 0.5] })).toThrow(CanonicalJsonError);
    expect(() => canonicalJson({ a: [1, 0.5] })).toThrow('non-integer number 0.5 at a[1]');
    expect(() => canonicalJson({ x: { y: NaN } })).toThrow('non-finite number NaN at x.y');
    expect(() => canonicalJson(Infinity)).toThrow('non-finite number Infinity at the top level');
    expect(() => canonicalJson(2 ** 53)).toThrow(/cannot be exact/);
    expect(() => canonicalJson({ d: new Date(0) })).toThrow('a Date at d is not a plain JSON value');
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/function at f/);
    expect(() => canonicalJson(BigInt(1))).toThrow(/bigint/);
    expect(() => canonicalJson({ s: 'a\ud800b' })).toThrow(/lone UTF-16 surrogate/);
    expect(() => canonicalJson({ ['\udc00']: 1 })).toThrow(/lone UTF-16 surrogate/);
  });

  it('accepts fractions and lone surrogates only when asked, written as RFC 8785 / JSON.stringify do', () => {
    expect(canonicalJson({ r: 0.5, e: 1e21, t: 1e-7 }, { allowFractions: true })).toBe('{"e":1e+21,"r":0.5,"t":1e-7}');
    expect(canonicalJson('a\ud800', { allowLoneSurrogates: true })).toBe('"a\\ud800"');
    expect(() => canonicalJson(NaN, { allowFractions: true })).toThrow(/non-finite/);
  });
});

describe('isSimpleCanonicalJson: true only of texts that are their own canonical JSON', () => {
  const chain = { allowFractions: true, allowLoneSurrogates: true };
  const isOwnCanonical = (text: string) => {
    try {
      return canonicalJson(JSON.parse(text), chain) === text;
    } catch {
      return false;
    }
  };

  it.each([
    '{"a":1,"b":{"c":[1,-2,{"d":null,"e":true,"f":false}]},"g":"x y"}',
    '{}',
    '[]',
    '[0,-1,123456789012345]',
    '"plain"',
    '{"":0,"A":1,"a":2,"é":"ü","€":"\u2028"}',
  ])('says true of %s, which is its own canonical JSON', (text) => {
    expect(isSimpleCanonicalJson(text)).toBe(true);
    expect(isOwnCanonical(text)).toBe(true);
  });

  it.each([
    '{"b":1,"a":2}', // out of order
    '{"a":1,"a":2}', // the same name twice
    '{"ab":1,"a":2}',
    '{"10":1}', // a name JSON.stringify would move
    '{"__proto__":1}',
    '{"a": 1}', // whitespace
    ' 1',
    '{"a":"\\u0041"}', // an escape
    '{"a":"say \\"hi\\""}', // an escape that canonical JSON writes too: not the simple kind
    '{"a":"\ud83d\ude00"}', // surrogates, even paired
    '-0',
    '01',
    '1.5',
    '1e3',
    '1234567890123456', // 16 digits
    '{"a":1,}',
    '[1,]',
    '{"a"}',
    'tru',
    'nul',
    '',
    '{"a":1}x',
    '"open',
  ])('says false of %s', (text) => {
    expect(isSimpleCanonicalJson(text)).toBe(false);
  });

  it('never says true of a text that is not its own canonical JSON (random values, written several ways)', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
    const names = ['a', 'b', 'B', 'é', '1', '_', 'ab', 'a b', '__proto__', ''];
    const value = (depth: number): unknown => {
      const kind = depth > 3 ? Math.floor(random() * 4) : Math.floor(random() * 6);
      if (kind === 0) return pick([0, -1, 7, 2 ** 53 - 1, 1.5, -0, 1e21]);
      if (kind === 1) return pick(['', 'x', 'é', '"', '\n', '\u2028', '\ud800']);
      if (kind === 2) return pick([true, false, null]);
      if (kind === 3) return [value(depth + 1), value(depth + 1)].slice(0, Math.floor(random() * 3));
      const o: Record<string, unknown> = {};
      for (let i = Math.floor(random() * 4); i > 0; i--)
        Object.defineProperty(o, pick(names), { value: value(depth + 1), enumerable: true, writable: true, configurable: true });
      return o;
    };
    let simple = 0;
    for (let n = 0; n < 3000; n++) {
      const v = value(0);
      for (const text of [JSON.stringify(v), canonicalJson(v, chain), JSON.stringify(v, null, 1)]) {
        if (text === undefined) continue;
        if (isSimpleCanonicalJson(text)) {
          simple++;
          expect(isOwnCanonical(text)).toBe(true);
        }
      }
    }
    expect(simple).toBeGreaterThan(1000); // the check says true often, so the test can fail
  });
});
