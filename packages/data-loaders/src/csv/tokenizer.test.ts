import { describe, expect, test } from "vitest";
import { CsvTokenizer } from "./tokenizer.js";

interface Row {
  fields: string[];
  line: number;
  lines: number[];
  badQuote: number;
  unclosed: boolean;
}

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Tokenizes `text` pushed in pieces of `size` bytes (all at once by default). */
function tokenize(text: string, size = Infinity, delimiter = ","): Row[] {
  const rows: Row[] = [];
  const t = new CsvTokenizer(delimiter, (r) => {
    const fields = Array.from({ length: r.count }, (_, i) => r.value(i));
    rows.push({ fields, line: r.rowLine, lines: Array.from(r.lines.subarray(0, r.count)), badQuote: r.badQuote, unclosed: r.unclosed });
  });
  const bytes = encode(text);
  const step = Math.min(size, Math.max(1, bytes.length));
  for (let i = 0; i < bytes.length; i += step) t.push(bytes.slice(i, i + step));
  t.finish();
  return rows;
}

const fieldsOf = (text: string, size?: number): string[][] => tokenize(text, size).map((r) => r.fields);

describe("CsvTokenizer (RFC 4180)", () => {
  test("splits rows and fields, with or without a final line break", () => {
    expect(fieldsOf("a,b,c\n1,2,3\n")).toEqual([["a", "b", "c"], ["1", "2", "3"]]);
    expect(fieldsOf("a,b,c\n1,2,3")).toEqual([["a", "b", "c"], ["1", "2", "3"]]);
  });

  test("keeps empty fields, including a trailing one", () => {
    expect(fieldsOf("a,,c\n,,\n1,2,")).toEqual([["a", "", "c"], ["", "", ""], ["1", "2", ""]]);
  });

  test("reads quoted fields with delimiters, escaped quotes and line breaks inside", () => {
    expect(fieldsOf('"a,b","say ""hi""","two\nlines"\n')).toEqual([["a,b", 'say "hi"', "two\nlines"]]);
    expect(fieldsOf('"",x\n')).toEqual([["", "x"]]);
  });

  test("accepts CRLF, LF and lone CR line endings", () => {
    expect(fieldsOf("a,b\r\n1,2\r\n3,4\r\n")).toEqual([["a", "b"], ["1", "2"], ["3", "4"]]);
    expect(fieldsOf("a,b\r1,2\r")).toEqual([["a", "b"], ["1", "2"]]);
    expect(fieldsOf('"x\r\ny",z\r\n')).toEqual([["x\r\ny", "z"]]);
  });

  test("skips blank lines but counts them", () => {
    const rows = tokenize("a\n\n\nb\r\n\r\nc\n");
    expect(rows.map((r) => r.fields)).toEqual([["a"], ["b"], ["c"]]);
    expect(rows.map((r) => r.line)).toEqual([1, 4, 6]);
  });

  test("gives every row and field its line, also after line breaks inside quotes", () => {
    const rows = tokenize('h1,h2\n"multi\nline\nvalue",x\nlast,y\n');
    expect(rows.map((r) => r.line)).toEqual([1, 2, 5]);
    expect(rows[1]!.lines).toEqual([2, 4]);
  });

  test("gives the same rows however the input is cut into chunks", () => {
    const text = 'id,"note, quoted",v\r\n1,"say ""hi""\nthere",3.5\r\n2,,-1e3\r\n"3","",x\r\n\r\n4,"ünïcödé ✓",5';
    const whole = tokenize(text);
    for (let size = 1; size <= 12; size++) expect(tokenize(text, size)).toEqual(whole);
  });

  test("decodes UTF-8 in fields, even when a character is cut between chunks", () => {
    expect(fieldsOf("名前,値\nneurite,✓\n", 1)).toEqual([["名前", "値"], ["neurite", "✓"]]);
  });

  test("drops a UTF-8 byte-order mark", () => {
    expect(fieldsOf("\uFEFFa,b\n1,2\n", 2)).toEqual([["a", "b"], ["1", "2"]]);
  });

  test("treats a quote inside an unquoted field as an ordinary character", () => {
    expect(fieldsOf('5\'10",x\n')).toEqual([['5\'10"', "x"]]);
  });

  test("flags text after a closing quote and a quote that never closes", () => {
    const bad = tokenize('a,b\n"x"y,2\n3,4\n');
    expect(bad[1]!.badQuote).toBe(0);
    expect(bad[2]!.badQuote).toBe(-1);
    const open = tokenize('a,b\n1,"never closed\n2,3\n');
    expect(open).toHaveLength(2);
    expect(open[1]!.unclosed).toBe(true);
  });

  test("honours another delimiter", () => {
    expect(tokenize("a;b\n1,5;2\n", Infinity, ";").map((r) => r.fields)).toEqual([["a", "b"], ["1,5", "2"]]);
    expect(tokenize("a\tb\n1\t2\n", Infinity, "\t").map((r) => r.fields)).toEqual([["a", "b"], ["1", "2"]]);
  });

  test("handles rows with many fields", () => {
    const header = Array.from({ length: 300 }, (_, i) => `c${i}`).join(",");
    const rows = fieldsOf(`${header}\n${header}\n`);
    expect(rows[1]).toHaveLength(300);
    expect(rows[1]![299]).toBe("c299");
  });
});
