// Reading a packed package (.tgz) without unpacking it to disk: its file list, its package.json, a file's text.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { inject } from "vitest";
import type { Manifest } from "./workspace.js";

/** The files of an npm tarball, keyed by their path inside the package (without the leading "package/"). */
export function readTarball(file: string): Map<string, Uint8Array> {
  const tar = gunzipSync(readFileSync(file));
  const files = new Map<string, Uint8Array>();
  let offset = 0;
  // A tar stream is 512-byte headers, each followed by its file's bytes padded to 512; two zero blocks end it.
  while (offset + 512 <= tar.length && tar[offset] !== 0) {
    const header = tar.subarray(offset, offset + 512);
    const text = (from: number, length: number): string => header.subarray(from, from + length).toString("latin1").replace(/\0.*$/s, "");
    const name = text(0, 100);
    const prefix = text(345, 155);
    const size = parseInt(text(124, 12).trim() || "0", 8);
    const type = text(156, 1);
    const path = (prefix === "" ? name : `${prefix}/${name}`).replace(/^package\//, "");
    if (type === "0" || type === "") files.set(path, tar.subarray(offset + 512, offset + 512 + size));
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

export function textOf(files: Map<string, Uint8Array>, path: string): string {
  const bytes = files.get(path);
  if (bytes === undefined) throw new Error(`the tarball has no ${path}; it holds ${[...files.keys()].join(", ")}`);
  return new TextDecoder().decode(bytes);
}

export function manifestOf(files: Map<string, Uint8Array>): Manifest {
  return JSON.parse(textOf(files, "package.json")) as Manifest;
}

/** The folder of tarballs, for a test that needs them. */
export function packedDir(): string {
  const error = inject("packError");
  if (error !== "") throw new Error(error);
  return inject("packDir");
}
