/**
 * The playground as a person uses it: built, served from 127.0.0.1, and driven in headless Chromium. Any page
 * error, console error or failed request fails the test; screenshots land in artifacts/ (git-ignored).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { cpu } from "@neurite/backend-cpu";
import { conv2d, dense, dropout, flatten, maxPool2d, sequential } from "@neurite/layers";
import { setBackend } from "@neurite/tensor-core";
import { saveTraining } from "@neurite/trainer";
import { chromium, type Browser, type Page } from "playwright-core";
import { build, preview, type PreviewServer } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const artifacts = fileURLToPath(new URL("../artifacts/", import.meta.url));

let server: PreviewServer | undefined;
let browser: Browser | undefined;
let origin: string;

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  await build({ root, logLevel: "warn" });
  server = await preview({ root, logLevel: "warn", preview: { host: "127.0.0.1", port: 0, strictPort: false } });
  origin = server.resolvedUrls!.local[0]!.replace(/\/$/, "");
  const launched = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--enable-unsafe-webgpu", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"],
  });
  browser = launched;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

interface Watched {
  readonly page: Page;
  readonly problems: string[];
}

/** A new page that records every page error, console error, failed request and request off the origin. */
async function open(path: string, viewport: { width: number; height: number }): Promise<Watched> {
  const page = await browser!.newPage({ viewport, deviceScaleFactor: viewport.width < 600 ? 2 : 1 });
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()}`);
  });
  page.on("requestfailed", (request) => problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`));
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(origin) && !url.startsWith("data:") && !url.startsWith("blob:")) problems.push(`request off the origin: ${url}`);
  });
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  await page.goto(`${origin}${path}`);
  return { page, problems };
}

/** Waits for two frames, so a screenshot shows the page as laid out after a scroll or resize. */
async function shoot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
  await page.screenshot({ path: `${artifacts}${name}` });
}

const number = async (page: Page, id: string): Promise<number> => Number(await page.locator(`#${id}`).textContent());

/** A fingerprint of the boundary canvas's pixels. */
const boundaryPixels = (page: Page): Promise<string> => page.locator("#boundary").evaluate((c: HTMLCanvasElement) => c.toDataURL());

async function trainSpirals(page: Page, backend: "webgpu" | "cpu", shot: string): Promise<void> {
  await expect.poll(() => page.locator("#backend-status").textContent(), { timeout: 30_000 }).toContain(backend === "webgpu" ? "Training on WebGPU" : "Training on the CPU");
  expect(await page.locator(`#backend-${backend}`).isChecked()).toBe(true);
  await page.selectOption("#dataset", "spirals");
  // Choosing a data set starts a new run: wait for its first numbers (a number shows, at step 0).
  let lossBefore = Number.NaN;
  await expect
    .poll(async () => {
      lossBefore = await number(page, "train-loss");
      return Number.isFinite(lossBefore) && (await number(page, "steps")) === 0;
    }, { timeout: 30_000 })
    .toBe(true);
  const pixelsBefore = await boundaryPixels(page);
  // Training runs in a worker: the page's own thread must never be stuck for long (a frozen page).
  await page.evaluate(() => {
    const seen: number[] = [];
    (window as unknown as { longTasks: number[] }).longTasks = seen;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) seen.push(entry.duration);
    }).observe({ type: "longtask" });
  });
  await page.click("#train");
  await expect.poll(() => number(page, "steps"), { timeout: 60_000 }).toBeGreaterThan(backend === "webgpu" ? 80 : 300);
  await page.click("#train");
  await expect.poll(() => page.locator("body").getAttribute("data-training"), { timeout: 20_000 }).toBe("idle");
  const longest = await page.evaluate(() => Math.max(0, ...(window as unknown as { longTasks: number[] }).longTasks));
  expect(longest).toBeLessThan(1000);
  // Step once by hand: the step count moves by exactly one.
  const steps = await number(page, "steps");
  await page.click("#step");
  await expect.poll(() => number(page, "steps"), { timeout: 20_000 }).toBe(steps + 1);
  const lossAfter = await number(page, "train-loss");
  expect(lossAfter).toBeLessThan(lossBefore * 0.8);
  expect(await boundaryPixels(page)).not.toBe(pixelsBefore);
  await shoot(page, `${shot}.png`);
  // Reset starts again from new initial weights: no steps, and a loss back near ln 2 ≈ 0.69 (a coin toss).
  await page.click("#reset");
  await expect.poll(() => number(page, "train-loss"), { timeout: 20_000 }).toBeGreaterThan(lossAfter);
  expect(await number(page, "steps")).toBe(0);
  await page.locator(".controls").evaluate((e) => {
    e.scrollIntoView();
  });
  await shoot(page, `${shot}-controls.png`);
}

/** A checkpoint of apps/digits' CNN (its models.ts), written by the trainer's saveTraining as the CLI does. */
async function cnnCheckpoint(path: string): Promise<void> {
  await setBackend(cpu());
  const model = sequential([
    conv2d(1, 8, 3, { activation: "relu", init: "heNormal", seed: 1 }),
    maxPool2d(2),
    conv2d(8, 16, 3, { activation: "relu", init: "heNormal", seed: 2 }),
    maxPool2d(2),
    flatten(),
    dropout(0.25),
    dense(400, 10, { seed: 3 }),
  ]);
  writeFileSync(path, await saveTraining(model, null, { app: "neurite-digits", epoch: 1 }));
  model.dispose();
}

describe("the playground in Chromium", () => {
  it("trains on the spirals with WebGPU: the loss falls and the boundary changes", async () => {
    const { page, problems } = await open("/", { width: 1280, height: 900 });
    await trainSpirals(page, "webgpu", "desktop-webgpu");
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it("does the same on the CPU, chosen with the switch", async () => {
    const { page, problems } = await open("/", { width: 390, height: 844 });
    await expect.poll(() => page.locator("#backend-status").textContent(), { timeout: 30_000 }).toContain("Training on WebGPU");
    await page.click("label[for=backend-cpu]");
    await trainSpirals(page, "cpu", "phone-cpu");
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it("reads a digit drawn on the pad after training on MNIST in the page", async () => {
    const { page, problems } = await open("/?backend=cpu", { width: 1280, height: 900 });
    await expect.poll(() => page.locator("#backend-status").textContent(), { timeout: 30_000 }).toContain("Training on the CPU");
    await page.click("#train-digits");
    await expect.poll(() => page.locator("#digits-status").textContent(), { timeout: 90_000 }).toMatch(/right on \d+ test digits/);
    const pad = (await page.locator("#pad").boundingBox())!;
    // A "7": a bar across the top, then a stroke down to the lower left.
    const at = (x: number, y: number): [number, number] => [pad.x + x * pad.width, pad.y + y * pad.height];
    await page.mouse.move(...at(0.25, 0.2));
    await page.mouse.down();
    for (const [x, y] of [[0.5, 0.2], [0.75, 0.2], [0.62, 0.5], [0.5, 0.8]] as const) await page.mouse.move(...at(x, y), { steps: 8 });
    await page.mouse.up();
    await expect.poll(() => page.locator("#digit-prediction").textContent(), { timeout: 10_000 }).toMatch(/^\d$/);
    const percents = await page.locator("#bars .value").allTextContents();
    expect(percents).toHaveLength(10);
    const total = percents.reduce((sum, p) => sum + Number(p.replace("%", "")), 0);
    expect(total).toBeGreaterThan(95);
    expect(total).toBeLessThan(105);
    await page.locator(".digits").screenshot({ path: `${artifacts}digit-pad.png` });
    // Save the model as a checkpoint file, and load it back.
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#save-model")]);
    const saved = `${artifacts}digits-playground.ckpt`;
    await download.saveAs(saved);
    await page.setInputFiles("#checkpoint", saved);
    await expect.poll(() => page.locator("#digits-status").textContent(), { timeout: 30_000 }).toBe("MLP 784 → 128 → 10, loaded from digits-playground.ckpt");
    // With the keyboard only: Delete clears, the arrows draw a stroke down (a "1").
    await page.focus("#pad");
    await page.keyboard.press("Delete");
    await expect.poll(() => page.locator("#digit-prediction").textContent()).toBe("?");
    for (let i = 0; i < 14; i++) await page.keyboard.press("ArrowDown");
    await expect.poll(() => page.locator("#digit-prediction").textContent(), { timeout: 10_000 }).toMatch(/^\d$/);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator("#train-digits").scrollIntoViewIfNeeded();
    await shoot(page, "phone-digit-pad.png");
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it("loads a checkpoint file of apps/digits and reads a test digit with it", async () => {
    const file = `${artifacts}digits-cnn.ckpt`;
    await cnnCheckpoint(file);
    const { page, problems } = await open("/?backend=cpu", { width: 1280, height: 900 });
    await expect.poll(() => page.locator("#backend-status").textContent(), { timeout: 30_000 }).toContain("Training on the CPU");
    await page.setInputFiles("#checkpoint", file);
    await expect.poll(() => page.locator("#digits-status").textContent(), { timeout: 30_000 }).toBe("CNN 3×3 conv ×8, 3×3 conv ×16, 10, loaded from digits-cnn.ckpt after 1 epoch");
    await page.click("#sample-digit");
    await expect.poll(() => page.locator("#digit-prediction").textContent(), { timeout: 30_000 }).toMatch(/^\d$/);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});
