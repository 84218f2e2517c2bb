// Decimal numbers straight from UTF-8 bytes: CSV files are mostly numbers, and decoding a string plus
// Number() per field would be most of the cost of reading one.

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
const decoder = new TextDecoder();
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?%?$/;

/**
 * The number written in the bytes `text[start, end)`: an optional sign, digits with an optional decimal point, an
 * optional exponent, and an optional trailing `%` that divides by 100 (so `78%` reads as 0.78). Spaces and
 * tabs around it are ignored. Returns NaN for anything else (hex, `Infinity`, `NaN`, words, an empty field).
 *
 * Digits that form an integer below 2⁵³ and a decimal exponent within ±22 take Clinger's fast path: one exact integer,
 * one multiplication or division by an exact power of ten, so the result is correctly rounded. Other
 * numbers go through `Number()`.
 */
export function parseNumber(text: Uint8Array, start: number, end: number): number {
  while (start < end && (text[start] === 32 || text[start] === 9)) start++;
  while (end > start && (text[end - 1] === 32 || text[end - 1] === 9)) end--;
  let i = start;
  let negative = false;
  if (i < end) {
    const sign = text[i];
    if (sign === 45) {
      negative = true;
      i++;
    } else if (sign === 43) {
      i++;
    }
  }
  // Digits before and after the point go into one integer; `scale` counts those after.
  const first = i;
  let mantissa = 0;
  let d: number;
  while (i < end && (d = text[i]! - 48) >= 0 && d <= 9) {
    mantissa = mantissa * 10 + d;
    i++;
  }
  let digits = i - first;
  let scale = 0;
  if (i < end && text[i] === 46) {
    i++;
    const fraction = i;
    while (i < end && (d = text[i]! - 48) >= 0 && d <= 9) {
      mantissa = mantissa * 10 + d;
      i++;
    }
    scale = i - fraction;
    digits += scale;
  }
  if (digits === 0) return NaN;
  let exponent = 0;
  const e = i < end ? text[i] : 0;
  if (e === 101 || e === 69) {
    i++;
    let expNegative = false;
    const s = i < end ? text[i] : 0;
    if (s === 45 || s === 43) {
      expNegative = s === 45;
      i++;
    }
    const expStart = i;
    while (i < end) {
      const d = text[i]! - 48;
      if (d < 0 || d > 9) break;
      if (exponent < 100000) exponent = exponent * 10 + d;
      i++;
    }
    if (i === expStart) return NaN;
    if (expNegative) exponent = -exponent;
  }
  let percent = false;
  if (i < end && text[i] === 37) {
    percent = true;
    i++;
  }
  if (i !== end) return NaN;
  const power = exponent - scale - (percent ? 2 : 0);
  // The integer grows monotonically, so if it ends within 2^53 every step was exact.
  if (mantissa > Number.MAX_SAFE_INTEGER || power < -22 || power > 22) return slowParse(decoder.decode(text.subarray(start, end)));
  const value = power < 0 ? mantissa / POW10[-power]! : mantissa * POW10[power]!;
  return negative ? -value : value;
}

/** The same grammar as {@link parseNumber}, for a string. */
export function parseNumberString(text: string): number {
  const bytes = new TextEncoder().encode(text);
  return parseNumber(bytes, 0, bytes.length);
}

function slowParse(trimmed: string): number {
  if (!NUMBER.test(trimmed)) return NaN;
  if (trimmed.endsWith("%")) return Number(trimmed.slice(0, -1)) / 100;
  return Number(trimmed);
}
