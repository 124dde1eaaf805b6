/**
 * axe-core in Chromium for the accessibility checks: injected as an init script through the DevTools protocol (which
 * the page's strict CSP does not apply to), the app itself served unchanged; run in the light and the dark scheme.
 */
import { createRequire } from 'node:module';
import fs from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Every page this context opens from now on has axe. */
export async function injectAxe(context: BrowserContext): Promise<void> {
  await context.addInitScript({ content: AXE_SOURCE });
}

/** Runs axe on the page as it is, in both colour schemes; returns the violations, described one per line. */
export async function violations(page: Page, label: string): Promise<string[]> {
  const found: string[] = [];
  // A page opened before the init script was added has no axe yet.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' });
    // Two frames: the new scheme's styles are applied and painted before axe reads computed colours.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    const result = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
      const r = await axe.run(document, { resultTypes: ['violations'] });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
    });
    for (const v of result) {
      for (const n of v.nodes) found.push(`${label} [${colorScheme}] ${v.id} (${v.impact}): ${v.help} at ${n.target.join(' ')} — ${n.failureSummary ?? ''}`);
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return found;
}
