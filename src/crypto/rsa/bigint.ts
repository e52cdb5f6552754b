/**
 * @module rsa/bigint
 * The integer layer under RSA: the octet-string/integer conversions OS2IP and I2OSP
 * (RFC 8017 §4.1, §4.2), a fixed-window modular exponentiation (and a binary one for public
 * exponents) and a modular inverse, all on native `bigint`. Nothing here is constant time; see the note on `modPow`.
 */

/** RFC 8017 §4.2 OS2IP: a big-endian unsigned octet string as a non-negative integer. */
export function os2ip(bytes: Uint8Array): bigint {
  let hex = '';
  for (const b of bytes) hex += HEX_BYTE[b] as string;
  return hex.length === 0 ? 0n : BigInt('0x' + hex);
}

/**
 * RFC 8017 §4.1 I2OSP: `x` as exactly `len` big-endian octets, or undefined when
 * `x >= 256^len` ("integer too large") or `x` is negative.
 */
export function i2osp(x: bigint, len: number): Uint8Array | undefined {
  if (x < 0n) return undefined;
  const out = new Uint8Array(len);
  if (x === 0n) return out;
  let hex = x.toString(16);
  if (hex.length % 2 === 1) hex = '0' + hex;
  const n = hex.length / 2;
  if (n > len) return undefined;
  for (let i = 0; i < n; i++) out[len - n + i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** The number of significant bits of `x` (0 for 0n). */
export function bitLength(x: bigint): number {
  if (x <= 0n) return 0;
  const hex = x.toString(16);
  return (hex.length - 1) * 4 + (NIBBLE_BITS[Number.parseInt(hex[0] as string, 16)] as number);
}

/**
 * `base^exp mod m` by left-to-right fixed-window exponentiation with 4-bit windows: the
 * exponent's hex digits are its windows, so every window costs exactly four squarings and one
 * multiplication by a table entry (also for a zero window, multiplying by 1).
 *
 * Timing: the *sequence* of operations depends only on the exponent's length, not on its bits,
 * but a JavaScript engine promises nothing about the time of each step. V8's `bigint`
 * multiplication and division take time that depends on the operands' lengths (including
 * leading zero limbs of intermediate values), multiplying by `1n` is faster than by a full-size
 * number, the table lookup is a data-dependent memory access, and JIT tiering and garbage
 * collection add noise that neither helps nor can be controlled. The private-key caller
 * therefore blinds the base (RFC 8017 §5.1.2 note; `private.ts`) so that operand values are
 * unrelated to the attacker's input; it does not make the exponentiation constant time.
 */
export function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  if (m <= 0n) throw new RangeError('modPow: modulus must be positive');
  if (exp < 0n) throw new RangeError('modPow: negative exponent');
  if (m === 1n) return 0n;
  const b = ((base % m) + m) % m;
  // table[i] = b^i mod m for the 16 possible window values.
  const table: bigint[] = [1n, b];
  for (let i = 2; i < 16; i++) table.push(((table[i - 1] as bigint) * b) % m);
  const digits = exp.toString(16);
  let acc = 1n;
  for (let i = 0; i < digits.length; i++) {
    if (i > 0) {
      acc = (acc * acc) % m;
      acc = (acc * acc) % m;
      acc = (acc * acc) % m;
      acc = (acc * acc) % m;
    }
    acc = (acc * (table[Number.parseInt(digits[i] as string, 16)] as bigint)) % m;
  }
  return acc;
}

/**
 * `base^exp mod m` for a public exponent (an RSA key's e): left-to-right binary
 * square-and-multiply, one squaring per bit of `exp` after the first and one multiplication per
 * set bit. Which steps run depends on the exponent's bits, so it is only for exponents that are
 * not secret; for e = 65537 it costs 16 squarings and one multiplication where `modPow`'s
 * windows cost 35 operations (its 16-entry table alone is 14).
 */
export function modPowPublic(base: bigint, exp: bigint, m: bigint): bigint {
  if (m <= 0n) throw new RangeError('modPowPublic: modulus must be positive');
  if (exp < 0n) throw new RangeError('modPowPublic: negative exponent');
  if (m === 1n) return 0n;
  if (exp === 0n) return 1n;
  const b = ((base % m) + m) % m;
  const bits = exp.toString(2);
  let acc = b;
  for (let i = 1; i < bits.length; i++) {
    acc = (acc * acc) % m;
    if (bits.charCodeAt(i) === 0x31 /* '1' */) acc = (acc * b) % m;
  }
  return acc;
}

/** `a^-1 mod m` by the extended Euclidean algorithm, or undefined when gcd(a, m) != 1. */
export function modInverse(a: bigint, m: bigint): bigint | undefined {
  let [oldR, r] = [((a % m) + m) % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) return undefined;
  return ((oldS % m) + m) % m;
}

const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const NIBBLE_BITS: readonly number[] = [0, 1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4];
