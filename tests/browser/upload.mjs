// Drives Debian's Chromium with playwright-core through the upload page that
// tests/integration/test_browser.py serves, and prints what the page saw as one JSON object.
//
//   node upload.mjs JOB.json
//
// JOB.json: {pageUrl, deniedPageUrl, formAction, files: {put, postFetch, postForm, denied}},
// each file {path, name, mimeType}. The page (not this script) makes every request to the
// bucket: fetch() with a presigned PUT URL, fetch() with the form's FormData, a real <form>
// submit, and fetch() GETs to read the objects back.

import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const STEP_TIMEOUT_MS = 15000;
const TOTAL_TIMEOUT_MS = 50000;

const job = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const out = { console: [], pageErrors: [], failedRequests: [] };

const watchdog = setTimeout(() => {
  out.fatal = `gave up after ${TOTAL_TIMEOUT_MS} ms`;
  process.stdout.write(JSON.stringify(out) + '\n');
  process.exit(2);
}, TOTAL_TIMEOUT_MS);

function fileFor(spec) {
  return { name: spec.name, mimeType: spec.mimeType, buffer: readFileSync(spec.path) };
}

// Clicks a button whose handler writes its JSON result into <pre id=resultId data-done>.
async function clickForResult(page, button, resultId) {
  await page.click(button);
  const pre = await page.waitForSelector(`#${resultId}[data-done]`);
  return JSON.parse(await pre.textContent());
}

let browser;
try {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    timeout: STEP_TIMEOUT_MS,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic',
           '--no-first-run', '--disable-background-networking', '--disable-component-update',
           '--disable-sync'],
  });
  out.browserVersion = browser.version();
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  page.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
  page.on('console', (msg) => out.console.push(`${msg.type()}: ${msg.text()}`));
  page.on('pageerror', (err) => out.pageErrors.push(String(err)));
  page.on('requestfailed', (req) =>
    out.failedRequests.push(`${req.method()} ${req.url()}: ${req.failure()?.errorText}`));

  // (a) presigned PUT with fetch.
  await page.goto(job.pageUrl);
  await page.setInputFiles('#put-file', fileFor(job.files.put));
  out.put = await clickForResult(page, '#put-button', 'put-result');

  // (b1) the upload form's FormData sent with fetch (a CORS request: the page reads the answer).
  await page.setInputFiles('#post-file', fileFor(job.files.postFetch));
  out.postFetch = await clickForResult(page, '#post-fetch-button', 'post-fetch-result');

  // (b2) the same form submitted for real: the browser navigates to the bucket's answer.
  await page.setInputFiles('#post-file', fileFor(job.files.postForm));
  const isFormPost = (r) => r.request().method() === 'POST' && r.url() === job.formAction;
  const [formResponse] = await Promise.all([
    page.waitForResponse(isFormPost),
    page.click('#post-submit'),
  ]);
  const formRequest = formResponse.request();
  out.postForm = {
    status: formResponse.status(),
    headers: await formResponse.allHeaders(),
    body: (await formResponse.body()).toString('utf8'),
    requestHeaders: await formRequest.allHeaders(),
  };
  await page.waitForURL(job.formAction);

  // Read all three objects back from the page with CORS GETs.
  await page.goto(job.pageUrl);
  out.verify = await clickForResult(page, '#verify-button', 'verify-result');

  // (c) a page on an origin the bucket's CORS rules do not name: the browser must block it.
  await page.goto(job.deniedPageUrl);
  await page.setInputFiles('#put-file', fileFor(job.files.denied));
  out.denied = await clickForResult(page, '#put-button', 'put-result');
} catch (err) {
  out.fatal = String(err && err.stack ? err.stack : err);
} finally {
  if (browser) await browser.close().catch(() => {});
  clearTimeout(watchdog);
}
process.stdout.write(JSON.stringify(out) + '\n');
process.exit(out.fatal ? 1 : 0);
