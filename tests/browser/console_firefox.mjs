// The console in Debian's Firefox ESR, driven over WebDriver BiDi by puppeteer-core (Playwright
// drives only its own patched Firefox): the same steps and the same JSON lines as console.mjs,
// for tests/integration/test_console.py. A download is read by fetching the link the page
// shows, as the browser would, since headless Firefox's download prompts are not scriptable here.
//
//   node console_firefox.mjs URL

import { createInterface } from 'node:readline';
import puppeteer from 'puppeteer-core';

const [url] = process.argv.slice(2);
const say = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');
const STEP_MS = 15000;

const browser = await puppeteer.launch({
  browser: 'firefox', executablePath: '/usr/bin/firefox-esr', headless: true, protocolTimeout: STEP_MS,
});
const errors = [];
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 1000 });
  page.setDefaultTimeout(STEP_MS);
  page.on('pageerror', (err) => errors.push(String(err)));
  await page.goto(url);
  await page.waitForSelector('body[data-ready]');
  await page.waitForSelector('#status.live');
  const nodes = await page.$$eval('svg#architecture g.node', (gs) => gs.map((g) => g.dataset.id));
  say({ step: 'ready', nodes, errors, browser: await browser.version() });

  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (!line) {
      lines.close();
      break;
    }
    if (line.startsWith('browse ')) {
      const [, bucket, key] = line.split(' ');
      await page.waitForSelector(`#buckets tbody tr[data-bucket="${bucket}"]`);
      await page.click(`#buckets tbody tr[data-bucket="${bucket}"] td`);
      const row = await page.waitForSelector(`#objects tbody tr[data-key="${key}"]`);
      const cells = await row.$$eval('td', (tds) => tds.map((td) => td.textContent));
      const got = await row.$eval('a.download', async (a) => {
        const res = await fetch(a.href);
        const bytes = new Uint8Array(await res.arrayBuffer());
        let binary = '';
        for (const b of bytes) binary += String.fromCharCode(b);
        return { disposition: res.headers.get('Content-Disposition'), bytes: btoa(binary) };
      });
      const filename = /filename="([^"]*)"/.exec(got.disposition || '')?.[1];
      say({ step: 'object', cells, filename, bytes: got.bytes, errors });
      continue;
    }
    const asked = Date.now();
    const handle = await page.waitForFunction((fn) => [...document.querySelectorAll('#invocations tbody tr')]
      .find((tr) => tr.cells[1]?.textContent === fn), { polling: 'mutation' }, line);
    const ms = Date.now() - asked;
    const outcome = await handle.evaluate((tr) => tr.cells[7].textContent);
    await handle.evaluate((tr) => tr.click());
    await page.waitForSelector('#detail-view:not([hidden])');
    await page.waitForFunction(() => document.getElementById('detail-log').textContent.length > 0);
    const log = await page.$eval('#detail-log', (e) => e.textContent);
    let waterfall = [];
    try {
      await page.waitForSelector('#waterfall .bar', { timeout: 5000 });
      waterfall = await page.$$eval('#waterfall .bar .label', (ls) => ls.map((l) => l.textContent.trim()));
    } catch (e) { /* an invocation without a trace */ }
    const detail = await page.$eval('#detail', (e) => e.textContent);
    await page.waitForFunction(() => document.getElementById('detail-event').textContent.length > 0);
    const event = await page.$eval('#detail-event', (e) => e.textContent);
    const response = await page.$eval('#detail-response', (e) => e.textContent);
    say({ step: 'row', function: line, ms, outcome, log, waterfall, detail, event, response, errors });
  }
} catch (e) {
  say({ step: 'failed', error: String(e), errors });
} finally {
  await browser.close();
  process.exit(0);
}
