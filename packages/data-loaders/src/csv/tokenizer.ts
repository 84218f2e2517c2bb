const QUOTE = 34;
const LF = 10;
const CR = 13;

const decoder = new TextDecoder("utf-8");

/**
 * An incremental RFC 4180 tokenizer over UTF-8 bytes. Bytes arrive in chunks of any size (`push`); each
 * complete row is handed to `onRow` as field offsets into one reused byte buffer, without making a string
 * per field. It handles quoted fields, `""` escapes, delimiters and line breaks inside quotes, and LF, CRLF
 * or CR line endings, and counts lines so that errors can say where they are. Blank lines are not rows.
 *
 * Why bytes: the delimiter, quote and line breaks are ASCII, and UTF-8 never uses ASCII bytes inside a
 * multi-byte character, so scanning bytes is exact; and one `Uint8Array` keeps the hot loop monomorphic,
 * where strings arrive in several internal representations (decoded, concatenated, sliced) that made the
 * same loop three to four times slower.
 *
 * Lenient where RFC 4180 is silent and real files differ: a quote inside an unquoted field is an ordinary
 * character (`5'10"`). Malformed where it cannot be read one way only: text after a closing quote
 * (`"a"b`) and a quote that never closes; such a row is still handed over, with `badQuote` or `unclosed`
 * set, so the caller can refuse or skip it. A row that spans chunks is scanned again from its start when
 * the next chunk arrives, which costs little for rows much shorter than a chunk.
 *
 * ```ts
 * const t = new CsvTokenizer(",", (row) => console.log(row.value(0), row.value(1)));
 * t.push(new TextEncoder().encode('a,"b\n')); t.push(new TextEncoder().encode('c"\n')); t.finish(); // a  b\nc
 * ```
 */
export class CsvTokenizer {
  /** Field i of the current row is `bytes[starts[i], ends[i])` (inside the quotes for a quoted field). */
  starts: Int32Array = new Int32Array(64);
  ends: Int32Array = new Int32Array(64);
  /** 0: plain, 1: quoted, 2: quoted with `""` escapes to undo. */
  quoted: Uint8Array = new Uint8Array(64);
  /** The line each field starts on (fields after a quoted line break start on later lines). */
  lines: Int32Array = new Int32Array(64);
  /** Fields in the current row. */
  count = 0;
  /** The bytes the current row's offsets point into (valid during `onRow` only: the buffer is reused). */
  bytes: Uint8Array = new Uint8Array(1 << 16);
  /** The line the current row starts on (1-based). */
  rowLine = 0;
  /** The first field with text after its closing quote, or -1. */
  badQuote = -1;
  /** The current row ends inside a quoted field that never closes (only at the end of the input). */
  unclosed = false;

  readonly #delimiter: number;
  readonly #onRow: (row: CsvTokenizer) => void;
  /** Bytes [0, #length) of `bytes` are unread: the start of a row that the next chunk completes. */
  #length = 0;
  #line = 1;
  #started = false;

  constructor(delimiter: string, onRow: (row: CsvTokenizer) => void) {
    const code = new TextEncoder().encode(delimiter);
    if (code.length !== 1) throw new RangeError(`the delimiter must be one ASCII character, got ${JSON.stringify(delimiter)}`);
    this.#delimiter = code[0]!;
    this.#onRow = onRow;
  }

  /** The line the next row would start on: one past the last line read. */
  get line(): number {
    return this.#line;
  }

  /** Field i of the current row as a string, quotes removed and `""` turned back into `"`. */
  value(i: number): string {
    const start = this.starts[i]!;
    const end = this.ends[i]!;
    const bytes = this.bytes;
    let text: string;
    if (end - start <= 24) {
      // Short fields (categories, tokens such as NA) are usually ASCII: skip the decoder's call overhead.
      text = "";
      for (let k = start; k < end; k++) {
        const b = bytes[k]!;
        if (b >= 128) {
          text = decoder.decode(bytes.subarray(start, end));
          break;
        }
        text += String.fromCharCode(b);
      }
    } else {
      text = decoder.decode(bytes.subarray(start, end));
    }
    return this.quoted[i] === 2 ? text.replaceAll('""', '"') : text;
  }

  /** Reads a chunk; rows it completes are handed over now, an incomplete last row waits for more bytes. */
  push(chunk: Uint8Array): void {
    let from = 0;
    if (!this.#started) {
      this.#started = true;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) from = 3; // a byte-order mark is not data
    }
    const size = this.#length + chunk.length - from;
    if (size > this.bytes.length) {
      const bigger = new Uint8Array(Math.max(size, this.bytes.length * 2));
      bigger.set(this.bytes.subarray(0, this.#length));
      this.bytes = bigger;
    }
    this.bytes.set(from === 0 ? chunk : chunk.subarray(from), this.#length);
    this.#length = size;
    this.#keep(this.#scan(size, false));
  }

  /** Ends the input: the last row needs no line break. */
  finish(): void {
    this.#scan(this.#length, true);
    this.#length = 0;
  }

  /** Moves the unread tail, from `start`, to the front of the buffer. */
  #keep(start: number): void {
    if (start < this.#length) this.bytes.copyWithin(0, start, this.#length);
    this.#length -= start;
  }

  #grow(): void {
    const size = this.starts.length * 2;
    const grow32 = (a: Int32Array): Int32Array => {
      const b = new Int32Array(size);
      b.set(a);
      return b;
    };
    this.starts = grow32(this.starts);
    this.ends = grow32(this.ends);
    this.lines = grow32(this.lines);
    const quoted = new Uint8Array(size);
    quoted.set(this.quoted);
    this.quoted = quoted;
  }

  /** Hands over every complete row of `bytes[0, n)`; returns where the first incomplete row starts. */
  #scan(n: number, final: boolean): number {
    const text = this.bytes;
    const delimiter = this.#delimiter;
    let rowStart = 0;
    while (rowStart < n) {
      let pos = rowStart;
      let line = this.#line;
      const first = text[pos];
      if (first === LF || first === CR) {
        // A blank line.
        if (first === CR) {
          if (pos + 1 >= n && !final) return rowStart;
          pos += pos + 1 < n && text[pos + 1] === LF ? 2 : 1;
        } else {
          pos++;
        }
        this.#line++;
        rowStart = pos;
        continue;
      }
      let count = 0;
      let badQuote = -1;
      let unclosed = false;
      for (;;) {
        if (count === this.starts.length) this.#grow();
        this.lines[count] = line;
        if (pos < n && text[pos] === QUOTE) {
          let q = pos + 1;
          let escaped = false;
          for (;;) {
            if (q >= n) {
              if (!final) return rowStart;
              unclosed = true;
              break;
            }
            const ch = text[q];
            if (ch === QUOTE) {
              if (q + 1 >= n) {
                if (!final) return rowStart; // cannot tell an escape from a closing quote yet
                break;
              }
              if (text[q + 1] === QUOTE) {
                escaped = true;
                q += 2;
                continue;
              }
              break;
            }
            if (ch === LF || (ch === CR && (q + 1 >= n || text[q + 1] !== LF))) line++;
            q++;
          }
          this.starts[count] = pos + 1;
          this.ends[count] = q;
          this.quoted[count] = escaped ? 2 : 1;
          pos = unclosed ? n : q + 1;
          if (pos < n) {
            const ch = text[pos];
            if (ch !== delimiter && ch !== LF && ch !== CR) {
              // Text after the closing quote: note it and read on to the field's end.
              if (badQuote < 0) badQuote = count;
              while (pos < n) {
                const c = text[pos];
                if (c === delimiter || c === LF || c === CR) break;
                pos++;
              }
            }
          }
        } else {
          let p = pos;
          while (p < n) {
            const ch = text[p];
            if (ch === delimiter || ch === LF || ch === CR) break;
            p++;
          }
          this.starts[count] = pos;
          this.ends[count] = p;
          this.quoted[count] = 0;
          pos = p;
        }
        count++;
        if (pos >= n) {
          if (!final) return rowStart;
          break; // the last row, without a line break
        }
        const ch = text[pos];
        if (ch === delimiter) {
          pos++;
          continue;
        }
        if (ch === CR) {
          if (pos + 1 >= n && !final) return rowStart; // a LF may follow in the next chunk
          pos += pos + 1 < n && text[pos + 1] === LF ? 2 : 1;
        } else {
          pos++;
        }
        line++;
        break;
      }
      this.count = count;
      this.rowLine = this.#line;
      this.badQuote = badQuote;
      this.unclosed = unclosed;
      this.#line = line;
      this.#onRow(this);
      rowStart = pos;
    }
    return rowStart;
  }
}
