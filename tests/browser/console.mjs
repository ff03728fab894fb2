// Drives Debian's Chromium through the console of a running bucketfire (for
// tests/integration/test_console.py) and prints, one JSON line at a time, what the page shows:
//   {"step": "ready", nodes: [...]}        the diagram is drawn and the events are live
// then for each line "FUNCTION" read from standard input (an upload the test just made):
//   {"step": "row", function, ms, outcome, waterfall: [...], log}   its row appeared (ms after
//   the line arrived), was opened, and showed its log and its trace's waterfall;
// for a line "browse BUCKET KEY":
//   {"step": "object", cells, filename, bytes}   the bucket's objects were listed (the row of
//   KEY: its cells as shown) and KEY was downloaded through its link (bytes: base64).
// Screenshots go to SHOTS (the console view by view) when it is set.
//
//   node console.mjs URL [SHOTS]

import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const [url, shots] = process.argv.slice(2);
const say = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium', headless: true, timeout: 15000,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const errors = [];
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.setDefaultTimeout(15000);
  page.on('pageerror', (err) => errors.push(String(err)));
  await page.goto(url);
  await page.waitForSelector('body[data-ready]');
  await page.waitForSelector('#status.live');
  const nodes = await page.$$eval('svg#architecture g.node', (gs) => gs.map((g) => g.dataset.id));
  say({ step: 'ready', nodes, errors });

  const lines = createInterface({ input: process.stdin });
  for await (const fn of lines) {
    if (!fn) {
      lines.close();
      break;
    }
    if (fn.startsWith('browse ')) {
      const [, bucket, key] = fn.split(' ');
      await page.locator(`#buckets tbody tr[data-bucket="${bucket}"]`).first().click();
      const row = page.locator(`#objects tbody tr[data-key="${key}"]`);
      await row.waitFor();
      const cells = await row.locator('td').allTextContents();
      const [download] = await Promise.all([page.waitForEvent('download'), row.locator('a.download').click()]);
      const bytes = readFileSync(await download.path()).toString('base64');
      if (shots) await page.locator('#objects-view').screenshot({ path: `${shots}/console-objects.png` });
      say({ step: 'object', cells, filename: download.suggestedFilename(), bytes, errors });
      continue;
    }
    const asked = Date.now();
    const row = page.locator(`#invocations tbody tr:has(td:nth-child(2):text-is("${fn}"))`).first();
    await row.waitFor();
    const ms = Date.now() - asked;
    const outcome = await row.locator('td:nth-child(8)').textContent();
    await row.click();
    await page.waitForSelector('#detail-view:not([hidden])');
    await page.waitForFunction(() => document.getElementById('detail-log').textContent.length > 0);
    const log = await page.textContent('#detail-log');
    let waterfall = [];
    try {
      await page.waitForSelector('#waterfall .bar', { timeout: 5000 });
      waterfall = await page.$$eval('#waterfall .bar .label', (ls) => ls.map((l) => l.textContent.trim()));
    } catch (e) { /* an invocation without a trace */ }
    const detail = await page.textContent('#detail');
    await page.waitForFunction(() => document.getElementById('detail-event').textContent.length > 0);
    const event = await page.textContent('#detail-event');
    const response = await page.textContent('#detail-response');
    if (shots) {
      await page.locator('#invocations-view').screenshot({ path: `${shots}/console-invocations-${outcome}.png` });
      await page.locator('#detail-view').screenshot({ path: `${shots}/console-trace-${outcome}.png` });
    }
    say({ step: 'row', function: fn, ms, outcome, log, waterfall, detail, event, response, errors });
  }
  if (shots) {
    // The diagram once the counters have reached it, after the uploads.
    await page.waitForFunction(() => document.querySelector('g.node[data-id="function:thumbnail"] .counts')
      .textContent.includes(' run'));
    await page.locator('#architecture-view').screenshot({ path: `${shots}/console-architecture.png` });
    await page.locator('#buckets-view').screenshot({ path: `${shots}/console-buckets.png` });
  }
} catch (e) {
  say({ step: 'failed', error: String(e), errors });
} finally {
  await browser.close();
  process.exit(0);  // standard input would keep the process waiting
}
