import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import type { DefaultTheme } from "vitepress";

type SidebarItem = DefaultTheme.SidebarItem;

/**
 * One entry per package (and per extra entry point) from the sidebar TypeDoc writes next to the API pages.
 * Only the package pages are listed: each lists its symbols, and a sidebar of all ~700 symbols would be
 * rendered into every one of the ~700 API pages.
 */
export function apiSidebar(): SidebarItem[] {
  const file = fileURLToPath(new URL("../api/typedoc-sidebar.json", import.meta.url));
  const packages = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as SidebarItem[]) : [];
  return [{ text: "API reference", link: "/api/", items: packages.map((pkg) => ({ text: pkg.text ?? "", link: pkg.link ?? `/api/${pkg.text ?? ""}/` })) }];
}
