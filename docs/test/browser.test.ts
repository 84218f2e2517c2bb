// The built site in headless Chromium: every page is opened, every sample's Run is pressed and its output
// awaited; any page error, console error, failed request or request beyond the site's origin fails the test.
// Screenshots of every page go to docs/test-artifacts/.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import type { Server } from "node:http";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docsRoot, pages, samplesOf } from "./pages.js";
import { serve } from "./serve.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const artifacts = join(docsRoot, "test-artifacts");
const dist = join(docsRoot, ".vitepress", "dist");

let browser: Browser;
let server: Server;
let origin: string;
const backends: string[] = [];
let plots = 0;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`the browser test needs Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  // Build what is tested (API pages, then the site), unless a build of this very tree was just made.
  if (process.env.DOCS_REUSE_BUILD !== "1" || !existsSync(dist)) {
    execFileSync("npx", ["typedoc"], { cwd: docsRoot, stdio: "inherit" });
    execFileSync("npx", ["vitepress", "build", "."], { cwd: docsRoot, stdio: "inherit" });
  }
  mkdirSync(artifacts, { recursive: true });
  ({ server, origin } = await serve(dist));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--enable-unsafe-webgpu", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"],
  });
});

afterAll(async () => {
  await browser.close();
  await new Promise((resolve) => server.close(resolve));
});

const urlOf = (page: string): string => `/${page.replace(/\.md$/, "").replace(/(^|\/)index$/, "$1")}`;
const extraPages = ["api/index.md", "api/@neurite/autograd/functions/grad.md"];

describe.each([...pages(), ...extraPages])("page %s", (file) => {
  it("loads, runs every sample without an error, and makes no request beyond the site", async () => {
    const problems: string[] = [];
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console error: ${message.text()}`);
    });
    page.on("requestfailed", (request) => problems.push(`failed request: ${request.url()} (${request.failure()?.errorText ?? "?"})`));
    page.on("response", (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
    });
    await context.route("**/*", async (route) => {
      const url = route.request().url();
      if (url.startsWith(origin) || url.startsWith("data:") || url.startsWith("blob:")) return route.continue();
      problems.push(`request beyond the site: ${url}`);
      return route.abort();
    });
    try {
      await page.goto(`${origin}${urlOf(file)}`, { waitUntil: "load" });
      const expected = extraPages.includes(file) ? [] : samplesOf(file).map((s) => s.sample);
      await expect.poll(() => page.locator(".sample").count()).toBe(expected.length);
      for (const name of expected) {
        const sample = page.locator(`.sample[data-sample="${name}"]`);
        const run = sample.locator("button.sample-run");
        await run.waitFor({ state: "visible" });
        await expect.poll(() => run.isEnabled(), { timeout: 30_000 }).toBe(true);
        await run.click();
        await expect.poll(() => sample.getAttribute("data-state"), { timeout: 180_000, interval: 250 }).not.toBe("running");
        const errors = await sample.locator(".sample-error").allTextContents();
        expect(errors, `sample ${name}`).toEqual([]);
        expect(await sample.getAttribute("data-state"), `sample ${name}`).toBe("done");
        expect(await sample.locator(".sample-output > *").count(), `sample ${name} printed nothing`).toBeGreaterThan(0);
        backends.push((await sample.getAttribute("data-backend")) ?? "");
        plots += await sample.locator(".sample-plot svg").count();
      }
      await page.screenshot({ path: join(artifacts, `${file.replace(/\.md$/, "").replaceAll("/", "__").replaceAll("@", "")}.png`), fullPage: true,
        // The fixed bar and sidebar would be painted once, mid-page, in a full-page shot.
        style: ".VPNav, .VPSidebar, .VPLocalNav { position: absolute !important; }" });
    } finally {
      await context.close();
    }
    expect(problems).toEqual([]);
  });
});

describe("across the site", () => {
  it("at least one sample ran on WebGPU, and samples drew plots", () => {
    expect(backends.length).toBeGreaterThan(10);
    expect(backends).toContain("webgpu");
    expect(plots).toBeGreaterThan(0);
  });
});

describe("a sample's controls", () => {
  it("streams output while running, and Stop ends the run", async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${origin}/guides/webgpu`, { waitUntil: "load" });
      const sample = page.locator('.sample[data-sample="webgpu"]');
      const run = sample.locator("button.sample-run");
      await expect.poll(() => run.isEnabled(), { timeout: 30_000 }).toBe(true);
      await run.click();
      // The loss curve is drawn before training ends.
      await sample.locator(".sample-plot svg").first().waitFor({ timeout: 60_000 });
      expect(await sample.getAttribute("data-state")).toBe("running");
      await sample.locator("button.sample-stop").click();
      expect(await sample.getAttribute("data-state")).toBe("stopped");
      expect(await sample.locator(".sample-error").allTextContents()).toEqual(["stopped"]);
    } finally {
      await page.close();
    }
  });

  it("keeps a checkpoint in IndexedDB across runs (indexedDbStorage in a real browser)", async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${origin}/guides/checkpoints`, { waitUntil: "load" });
      const sample = page.locator('.sample[data-sample="checkpoints"]');
      const run = sample.locator("button.sample-run");
      const output = async (): Promise<string> => {
        await expect.poll(() => run.isEnabled(), { timeout: 60_000 }).toBe(true);
        await run.click();
        await expect.poll(() => sample.getAttribute("data-state"), { timeout: 120_000 }).toBe("done");
        return (await sample.locator(".sample-output").textContent()) ?? "";
      };
      const first = await output();
      expect(first).toContain("storage: IndexedDB");
      expect(first).toContain("identical predictions");
      const second = await output();
      expect(second).toMatch(/found a checkpoint of \d+ bytes from an earlier run/);
    } finally {
      await page.close();
    }
  });

  it("shows a Neurite error's message in the output area", async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${origin}/guide/getting-started`, { waitUntil: "load" });
      const sample = page.locator('.sample[data-sample="first-tensor"]');
      const run = sample.locator("button.sample-run");
      await expect.poll(() => run.isEnabled(), { timeout: 30_000 }).toBe(true);
      await sample.locator(".cm-content").click();
      await page.keyboard.press("Control+A");
      await page.keyboard.insertText('import { tensor } from "@neurite/tensor-core";\ntensor([[1, 2]]).matmul(tensor([[1, 2]]));\n');
      await run.click();
      await expect.poll(() => sample.getAttribute("data-state"), { timeout: 60_000 }).toBe("failed");
      const [message] = await sample.locator(".sample-error").allTextContents();
      expect(message).toMatch(/^ShapeError: .*matmul/);
      expect(message).toMatch(/\[1, 2\]/);
    } finally {
      await page.close();
    }
  });
});
