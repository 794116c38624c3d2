// Drives the seed's dashboard in Debian's headless chromium, as a person would, and prints one JSON line of what it
// saw. Run by tests/Flock.Tests/Integration/DashboardTests.cs, which starts the seed, the node and the job and checks
// the result. Any failure exits non-zero with the reason on stderr.
//
// env: FLOCK_URL (seed), FLOCK_ADMIN_TOKEN, FLOCK_READ_TOKEN, FLOCK_NODE (a node expected in the table), FLOCK_SCREENSHOT (png path),
//      FLOCK_DOWNLOAD (where to save the downloaded output), FLOCK_TIMEOUT_MS (per wait; default 180000)
import { chromium } from 'playwright-core';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const url = env('FLOCK_URL');
const token = env('FLOCK_ADMIN_TOKEN');
const readToken = env('FLOCK_READ_TOKEN');
const nodeName = env('FLOCK_NODE');
const screenshot = env('FLOCK_SCREENSHOT');
const downloadPath = env('FLOCK_DOWNLOAD');
const timeout = Number(process.env.FLOCK_TIMEOUT_MS || 180000);

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  // Root in a container has no user namespaces for chromium's sandbox.
  args: ['--no-sandbox', '--disable-dev-shm-usage'],
});
try {
  const context = await browser.newContext({ viewport: { width: 1200, height: 760 }, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(timeout);
  const consoleErrors = [];
  page.on('pageerror', (e) => consoleErrors.push(String(e)));

  await page.goto(url);
  const result = {};

  // Without a token the page shows nothing of the cluster and asks for one.
  await page.locator('#access', { hasText: 'token needed' }).waitFor();
  result.noTokenNodeRows = await page.locator('tr.node-row').count();
  result.noTokenJobs = await page.locator('div.job').count();
  result.noTokenConnection = await page.locator('#connection').textContent();
  result.noTokenNodesNote = await page.locator('#no-nodes').textContent();

  // A read-only token: rows and the grid show, nothing that changes state does.
  await page.fill('#token-input', readToken);
  await page.click('#token-save');
  await page.locator(`tr.node-row[data-node="${nodeName}"]`).waitFor();
  const job = page.locator('div.job').first();
  await job.waitFor();
  result.jobId = await job.getAttribute('data-job-id');
  const card = page.locator(`div.job[data-job-id="${result.jobId}"]`);
  await card.locator('.grid .chunk').first().waitFor();
  result.readOnlyAccess = await page.locator('#access').innerText();
  result.readOnlySubmitVisible = await page.locator('#submit-section').isVisible();
  result.readOnlyCancelButtons = await page.locator('button.cancel').count();

  // A wrong token is refused and leaves the page read-only.
  await page.fill('#token-input', 'not-the-token');
  await page.click('#token-save');
  await page.locator('#access', { hasText: 'token refused' }).waitFor();
  result.wrongTokenCancelButtons = await page.locator('button.cancel').count();

  // The right one unlocks submit and cancel.
  await page.fill('#token-input', token);
  await page.click('#token-save');
  await page.locator('#access', { hasText: 'admin' }).waitFor();
  result.adminSubmitVisible = await page.locator('#submit-section').isVisible();

  // While it runs: some chunks done, one being encoded with the node's live fps shown, the job not finished yet.
  await page.waitForFunction(([id, node]) => {
    const c = document.querySelector(`div.job[data-job-id="${id}"]`);
    const fps = document.querySelector(`tr.node-row[data-node="${node}"] td.fps`);
    return c && c.dataset.state === 'encoding' && c.querySelector('.chunk.done') && c.querySelector('.chunk.encoding')
      && fps && Number(fps.textContent) > 0;
  }, [result.jobId, nodeName]);
  result.nodeFps = Number(await page.locator(`tr.node-row[data-node="${nodeName}"] td.fps`).innerText());
  await card.locator('button.cancel').waitFor();
  result.gridCells = await card.locator('.grid .chunk').count();
  result.nodeRowStatus = await page.locator(`tr.node-row[data-node="${nodeName}"] .status`).innerText();
  await page.screenshot({ path: screenshot, fullPage: true });
  result.stateAfterScreenshot = await card.getAttribute('data-state');
  result.chunkStatesAtScreenshot = await card.locator('.grid .chunk').evaluateAll((cells) => cells.map((c) => c.dataset.state));

  // Completed: every cell done, and the output downloads through the token-guarded endpoint.
  await page.locator(`div.job[data-job-id="${result.jobId}"][data-state="completed"]`).waitFor();
  result.doneCells = await card.locator('.grid .chunk.done').count();
  const [download] = await Promise.all([page.waitForEvent('download'), card.locator('a.download').click()]);
  await download.saveAs(downloadPath);
  result.downloadName = download.suggestedFilename();
  result.pageErrors = consoleErrors;
  console.log(JSON.stringify(result));
} catch (e) {
  // What the page showed when a wait ran out, so a red run says why.
  try {
    const page = browser.contexts()[0]?.pages()[0];
    if (page) console.error('page at failure:\n' + (await page.locator('body').innerText()).slice(0, 4000));
  } catch { /* the original error matters more */ }
  throw e;
} finally {
  await browser.close();
}
