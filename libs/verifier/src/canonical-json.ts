/**
 * Canonical JSON: RFC 8785 (JSON Canonicalization Scheme, "JCS") for the values a ledger holds.
 *
 * - Object members are sorted by their names compared as sequences of UTF-16 code units
 *   (RFC 8785 §3.2.3); JavaScript's default string comparison is exactly that.
 * - No whitespace anywhere.
 * - Strings are escaped as RFC 8785 §3.2.2.2 says, which is what ECMAScript's JSON.stringify does:
 *   `"` and `\` escaped, U+0008/09/0A/0C/0D as \b \t \n \f \r, other controls below U+0020 as
 *   \u00xx (lowercase hex), everything else written as is (UTF-8 on the wire).
 * - Numbers: by default only integers (safe integers, |n| ≤ 2^53 − 1), written in plain decimal.
 *   Anything else (fractions, NaN, ±Infinity, integers too large to be exact) is refused with a
 *   CanonicalJsonError naming where it is. With `{ allowFractions: true }` any finite number is
 *   written as RFC 8785 §3.2.2.3 prescribes (ECMAScript Number::toString), e.g. for reports that
 *   carry ratios.
 * - Lone UTF-16 surrogates are not valid I-JSON (RFC 7493 §2.1) and are refused, unless
 *   `{ allowLoneSurrogates: true }` (then written as JSON.stringify writes them: `\udxxx`).
 * - `undefined` members of objects are left out and `undefined` in arrays is `null`, as
 *   JSON.stringify does; functions, symbols, bigints and objects that are not plain objects
 *   or arrays (Date, Map, Buffer, ...) are refused.
 */

export class CanonicalJsonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CanonicalJsonError';
  }
}

export interface CanonicalJsonOptions {
  /** Accept finite non-integer numbers (written as RFC 8785 says). Default: refuse them. */
  allowFractions?: boolean;
  /** Accept lone surrogates in strings (escaped as \udxxx). Default: refuse them. */
  allowLoneSurrogates?: boolean;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The canonical JSON text of `value`. Throws CanonicalJsonError on values outside the rules above. */
export function canonicalJson(value: unknown, options: CanonicalJsonOptions = {}): string {
  const fractions = options.allowFractions === true;
  const surrogates = options.allowLoneSurrogates === true;
  const sorted = value === undefined ? UNUSUAL : sortedForStringify(value, fractions, surrogates);
  if (sorted !== UNUSUAL) return JSON.stringify(sorted);
  try {
    return writeFast(value, fractions, surrogates);
  } catch (e) {
    if (!(e instanceof CanonicalJsonError)) throw e;
    // Write again, slowly, keeping track of where we are, for a message that says where.
    return write(value, options, []);
  }
}

/**
 * Is `text` canonical JSON as it stands, for any options: the canonical JSON of JSON.parse(text)?
 * A quick scan, without parsing, that answers true only for a simple kind of text: no whitespace, no
 * backslash and no UTF-16 surrogate in strings (nor any character below U+0020), integers of at most
 * 15 digits (so exact), written without leading zeros and never `-0`, member names in strictly
 * increasing order of UTF-16 code units that neither start with a digit (JSON.stringify would move
 * them) nor are `__proto__`. Such a text is its own canonical JSON. False says nothing: parse the
 * text and use canonicalJsonOfParsed. (The embedded ledger stores event data this way.)
 */
export function isSimpleCanonicalJson(text: string): boolean {
  try {
    return typeof text === 'string' && scanValue(text, 0) === text.length;
  } catch {
    return false; // nested too deep for the stack: not simple
  }
}

/** The index after the value that starts at `i`, or -1 when it is not of the simple kind. */
function scanValue(t: string, i: number): number {
  const c = t.charCodeAt(i);
  if (c === 0x22) return scanString(t, i);
  if (c === 0x7b) {
    // {
    if (t.charCodeAt(i + 1) === 0x7d) return i + 2;
    let previousStart = -1;
    let previousEnd = -1;
    for (i++; ;) {
      const keyEnd = scanString(t, i);
      if (keyEnd < 0) return -1;
      const first = t.charCodeAt(i + 1);
      if (first >= 0x30 && first <= 0x39) return -1;
      if (keyEnd - i === 11 && t.startsWith('"__proto__"', i)) return -1;
      if (previousStart >= 0 && !keyAfter(t, previousStart + 1, previousEnd - 1, i + 1, keyEnd - 1)) return -1;
      previousStart = i;
      previousEnd = keyEnd;
      if (t.charCodeAt(keyEnd) !== 0x3a) return -1; // :
      i = scanValue(t, keyEnd + 1);
      if (i < 0) return -1;
      const next = t.charCodeAt(i);
      if (next === 0x7d) return i + 1;
      if (next !== 0x2c) return -1;
      i++;
    }
  }
  if (c === 0x5b) {
    // [
    if (t.charCodeAt(i + 1) === 0x5d) return i + 2;
    for (i++; ;) {
      i = scanValue(t, i);
      if (i < 0) return -1;
      const next = t.charCodeAt(i);
      if (next === 0x5d) return i + 1;
      if (next !== 0x2c) return -1;
      i++;
    }
  }
  if (c === 0x74) return t.startsWith('true', i) ? i + 4 : -1;
  if (c === 0x66) return t.startsWith('false', i) ? i + 5 : -1;
  if (c === 0x6e) return t.startsWith('null', i) ? i + 4 : -1;
  // An integer: -?(0|[1-9][0-9]{0,14}), not -0.
  let j = i;
  if (c === 0x2d) j++;
  const d = t.charCodeAt(j);
  if (d === 0x30) return c === 0x2d || isDigit(t.charCodeAt(j + 1)) || isFractionOrExponent(t.charCodeAt(j + 1)) ? -1 : j + 1;
  if (!(d >= 0x31 && d <= 0x39)) return -1;
  let k = j + 1;
  while (isDigit(t.charCodeAt(k))) k++;
  if (k - j > 15 || isFractionOrExponent(t.charCodeAt(k))) return -1;
  return k;
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isFractionOrExponent = (c: number) => c === 0x2e || c === 0x65 || c === 0x45;

/** The index after the string that starts at `i` (a quote), or -1 unless it is of the simple kind. */
function scanString(t: string, i: number): number {
  if (t.charCodeAt(i) !== 0x22) return -1;
  for (let j = i + 1; j < t.length; j++) {
    const c = t.charCodeAt(j);
    if (c === 0x22) return j + 1;
    if (c < 0x20 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return -1;
  }
  return -1;
}

/** Does the name at t[b, bEnd) come strictly after the one at t[a, aEnd), by UTF-16 code units? */
function keyAfter(t: string, a: number, aEnd: number, b: number, bEnd: number): boolean {
  for (; a < aEnd && b < bEnd; a++, b++) {
    const x = t.charCodeAt(a);
    const y = t.charCodeAt(b);
    if (x !== y) return x < y;
  }
  return a === aEnd && b < bEnd;
}

const REFUSED = new CanonicalJsonError('canonical JSON: value refused');
const UNUSUAL: unique symbol = Symbol('unusual');

/**
 * The quickest way (the hot path of verification): the value with every object's members put in
 * sorted order, for JSON.stringify to write. JSON.stringify writes strings, numbers, true, false and
 * null as the rules above say, and members in the order Object.keys gives them, which for a new
 * object is the order they were added in, EXCEPT for keys that are array indices ("0", "12"): those
 * always come first in numeric order. So any key that starts with a digit, and "__proto__" (which
 * an assignment would not add as a member), sends the value to `writeFast` instead, as does
 * anything the rules refuse or that JSON.stringify would write differently (undefined at the top,
 * functions, symbols, bigints, non-plain objects, non-finite numbers): UNUSUAL.
 */
function sortedForStringify(value: unknown, fractions: boolean, surrogates: boolean): unknown {
  switch (typeof value) {
    case 'string':
      return !surrogates && LONE_SURROGATE.test(value) ? UNUSUAL : value;
    case 'boolean':
      return value;
    case 'number':
      return Number.isSafeInteger(value) || (fractions && Number.isFinite(value)) ? value : UNUSUAL;
    case 'undefined':
      return value; // in an array: null in both; an object member: left out by both
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) {
        let out: unknown[] = value;
        for (let i = 0; i < value.length; i++) {
          const v = sortedForStringify(value[i], fractions, surrogates);
          if (v === UNUSUAL) return UNUSUAL;
          if (v !== value[i]) {
            if (out === value) out = value.slice();
            out[i] = v;
          }
        }
        return out;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return UNUSUAL;
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj);
      let copy = false;
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i];
        const c = key.charCodeAt(0);
        if ((c >= 0x30 && c <= 0x39) || key === '__proto__') return UNUSUAL;
        if (!surrogates && LONE_SURROGATE.test(key)) return UNUSUAL;
        if (i > 0 && !(keys[i - 1] < key)) copy = true;
      }
      if (copy) keys.sort(); // default sort: UTF-16 code units
      const values = new Array<unknown>(keys.length);
      for (let i = 0; i < keys.length; i++) {
        const v = obj[keys[i]];
        const w = sortedForStringify(v, fractions, surrogates);
        if (w === UNUSUAL) return UNUSUAL;
        if (w !== v) copy = true;
        values[i] = w;
      }
      if (!copy) return value;
      const out: Record<string, unknown> = {};
      for (let i = 0; i < keys.length; i++) out[keys[i]] = values[i];
      return out;
    }
    default:
      return UNUSUAL;
  }
}

/**
 * The same rules as `write` below, without tracking the path (the hot path of verification);
 * throws REFUSED on anything `write` would refuse, so that `write` can say where.
 */
function writeFast(value: unknown, fractions: boolean, surrogates: boolean): string {
  switch (typeof value) {
    case 'string':
      if (!surrogates && LONE_SURROGATE.test(value)) throw REFUSED;
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (Number.isSafeInteger(value)) return value === 0 ? '0' : String(value);
      if (fractions && Number.isFinite(value)) return JSON.stringify(value);
      throw REFUSED;
    case 'undefined':
      return 'null';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ',';
          out += writeFast(value[i], fractions, surrogates);
        }
        return out + ']';
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw REFUSED;
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj);
      if (keys.length > 1) keys.sort(); // default sort: UTF-16 code units
      let out = '{';
      let first = true;
      for (const key of keys) {
        const v = obj[key];
        if (v === undefined) continue;
        if (!surrogates && LONE_SURROGATE.test(key)) throw REFUSED;
        out += (first ? '' : ',') + JSON.stringify(key) + ':' + writeFast(v, fractions, surrogates);
        first = false;
      }
      return out + '}';
    }
    default:
      throw REFUSED;
  }
}

/** The UTF-8 bytes of canonicalJson(value, options). */
export function canonicalJsonBytes(value: unknown, options: CanonicalJsonOptions = {}): Buffer {
  return Buffer.from(canonicalJson(value, options), 'utf8');
}

function where(path: (string | number)[]): string {
  if (path.length === 0) return 'the top level';
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
    .join('')
    .replace(/^\./, '');
}

function writeString(s: string, options: CanonicalJsonOptions, path: (string | number)[]): string {
  if (!options.allowLoneSurrogates && LONE_SURROGATE.test(s)) {
    throw new CanonicalJsonError(`canonical JSON: lone UTF-16 surrogate in a string at ${where(path)}`);
  }
  return JSON.stringify(s);
}

function write(value: unknown, options: CanonicalJsonOptions, path: (string | number)[]): string {
  switch (typeof value) {
    case 'string':
      return writeString(value, options, path);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) {
        throw new CanonicalJsonError(`canonical JSON: non-finite number ${value} at ${where(path)}`);
      }
      if (Number.isInteger(value)) {
        if (!options.allowFractions && !Number.isSafeInteger(value)) {
          throw new CanonicalJsonError(`canonical JSON: integer ${value} at ${where(path)} is beyond ±(2^53 − 1) and cannot be exact`);
        }
        if (Number.isSafeInteger(value)) return value === 0 ? '0' : String(value); // -0 is written 0
        return JSON.stringify(value);
      }
      if (!options.allowFractions) {
        throw new CanonicalJsonError(`canonical JSON: non-integer number ${value} at ${where(path)} (ledger values are integers)`);
      }
      return JSON.stringify(value); // ECMAScript Number::toString, as RFC 8785 §3.2.2.3 prescribes
    case 'undefined':
      return 'null'; // only reachable at the top level or in arrays (object members are skipped)
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ',';
          path.push(i);
          out += write(value[i], options, path);
          path.pop();
        }
        return out + ']';
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        const kind = (proto && proto.constructor && proto.constructor.name) || 'object';
        throw new CanonicalJsonError(`canonical JSON: a ${kind} at ${where(path)} is not a plain JSON value`);
      }
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj).sort(); // default sort: UTF-16 code units
      let out = '{';
      let first = true;
      for (const key of keys) {
        const v = obj[key];
        if (v === undefined) continue;
        if (!first) out += ',';
        first = false;
        path.push(key);
        out += writeString(key, options, path);
        out += ':';
        out += write(v, options, path);
        path.pop();
      }
      return out + '}';
    }
    default:
      throw new CanonicalJsonError(`canonical JSON: a ${typeof value} at ${where(path)} is not a JSON value`);
  }
}
