// A static server for the built site on 127.0.0.1 (a secure context, so WebGPU is available), resolving
// VitePress's clean URLs (/guide/getting-started → guide/getting-started.html).
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".wasm": "application/wasm",
};

function fileFor(root: string, url: string): string | null {
  const path = normalize(decodeURIComponent(new URL(url, "http://127.0.0.1").pathname));
  if (path.includes("..")) return null;
  const candidates = [join(root, path), join(root, `${path}.html`), join(root, path, "index.html")];
  return candidates.find((file) => existsSync(file) && statSync(file).isFile()) ?? null;
}

/** Serves `root`; resolves to the server and its origin (`http://127.0.0.1:port`). */
export async function serve(root: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((request, response) => {
    const file = fileFor(root, request.url ?? "/");
    if (file === null) {
      response.writeHead(404).end("not found");
      return;
    }
    response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
