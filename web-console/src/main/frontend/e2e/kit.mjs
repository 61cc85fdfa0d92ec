// What the browser walk-throughs share: their settings from the environment, steps, screenshots, sign-in and a
// headless Chromium that fails the run on anything the Content-Security-Policy refuses.
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is required`);
  return value;
};
export const BASE = env('GATEHOUSE_URL');
export const SHOTS = process.env.E2E_SCREENSHOTS;
export const TIMEOUT = 30_000;

export function step(text) {
  console.log(`[e2e] ${text}`);
}

export async function shoot(page, name) {
  if (!SHOTS) return;
  await page.waitForTimeout(300); // let fonts and the player settle so the picture is what a person sees
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: false });
}

export async function signIn(context, who) {
  const page = await context.newPage();
  await page.goto(BASE + '/');
  await page.getByLabel('Username').fill(who.user);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('who').waitFor();
  return page;
}

/** Waits for `locator`, redoing `retry` (a search, a reload) while the gateway is still indexing what we look for. */
export async function appears(locator, retry) {
  const deadline = Date.now() + TIMEOUT;
  for (;;) {
    try {
      await locator.waitFor({ timeout: 2_000 });
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await retry();
    }
  }
}

// Whatever the gateway's Content-Security-Policy blocks (the player's WebAssembly, xterm's styles, the live socket)
// shows as a "Refused to ..." console error; a walk-through fails on any.
export const refusedByPolicy = [];

export async function launch() {
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.E2E_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
  const context = async (options) => {
    const c = await browser.newContext({ viewport: { width: 1400, height: 900 }, ...options });
    c.setDefaultTimeout(TIMEOUT);
    c.on('page', (page) => page.on('console', (message) => {
      if (/Content Security Policy|Refused to /.test(message.text())) refusedByPolicy.push(message.text());
    }));
    return c;
  };
  return { browser, context };
}
