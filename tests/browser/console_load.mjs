// Keeps Debian's Chromium on a running bucketfire's console while bench/console_load.py drives
// invocations at it, and reports how the page coped. Prints {"step": "ready"} once the console
// is live; on the line "start" it starts watching the page ({"step": "started"}); on the next
// line it reports one JSON object:
//   shown      the invocation count the page shows ("N since this page opened")
//   rows       rows in the invocation table (the page keeps the newest 200)
//   lagMaxMs   the longest a 50 ms timer was late while the load ran (how long the page froze)
//   lagP99Ms   its 99th percentile
//   longTasks  main-thread tasks over 50 ms (the browser's own Long Tasks count), and their total ms
//   clickMs    how long opening the newest row took after the load (the page still answers)
//
//   node console_load.mjs URL

import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const [url] = process.argv.slice(2);
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
  say({ step: 'ready', errors });
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  await lines.next();
  await page.evaluate(() => {
    const watch = { lags: [], longTasks: 0, longTaskMs: 0 };
    let expected = performance.now() + 50;
    setInterval(() => {
      const now = performance.now();
      watch.lags.push(Math.max(0, now - expected));
      expected = now + 50;
    }, 50);
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) { watch.longTasks += 1; watch.longTaskMs += e.duration; }
    }).observe({ type: 'longtask' });
    window.loadWatch = watch;
  });
  say({ step: 'started', errors });
  await lines.next();
  const watched = await page.evaluate(() => {
    const lags = window.loadWatch.lags.slice().sort((a, b) => a - b);
    return {
      shown: parseInt(document.getElementById('invocation-count').textContent, 10),
      rows: document.querySelectorAll('#invocations tbody tr').length,
      lagMaxMs: lags[lags.length - 1] || 0,
      lagP99Ms: lags[Math.floor(lags.length * 0.99)] || 0,
      longTasks: window.loadWatch.longTasks,
      longTaskMs: window.loadWatch.longTaskMs,
    };
  });
  const started = Date.now();
  await page.locator('#invocations tbody tr').first().click();
  await page.waitForSelector('#detail-view:not([hidden])');
  await page.waitForFunction(() => document.getElementById('detail-log').textContent.length > 0);
  say({ step: 'done', ...watched, clickMs: Date.now() - started, errors });
} catch (e) {
  say({ step: 'failed', error: String(e), errors });
} finally {
  await browser.close();
  process.exit(0);
}
