// Drives the seed's dashboard in Debian's headless chromium, as a person would, and prints one JSON line of what it
// saw. Run by tests/Flock.Tests/Integration/DashboardTests.cs, which starts the seed, the node and the job and checks
// the result. Any failure exits non-zero with the reason on stderr.
//
// env: FLOCK_URL (the dashboard, with ?jobs=2: two settled jobs a page), FLOCK_ADMIN_TOKEN, FLOCK_READ_TOKEN,
//      FLOCK_NODE (a node expected in the table), FLOCK_JOB (the job watched while it runs), FLOCK_FAILING_JOB (one that
//      fails), FLOCK_QUICK_JOB (the newest, short one), FLOCK_SCREENSHOT (png while the job runs),
//      FLOCK_FINAL_SCREENSHOT (png once all three are settled), FLOCK_DOWNLOAD (where to save the downloaded output),
//      FLOCK_TIMEOUT_MS (per wait; default 180000)
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
const finalScreenshot = env('FLOCK_FINAL_SCREENSHOT');
const jobId = env('FLOCK_JOB');
const failingJobId = env('FLOCK_FAILING_JOB');
const quickJobId = env('FLOCK_QUICK_JOB');
const downloadPath = env('FLOCK_DOWNLOAD');
const timeout = Number(process.env.FLOCK_TIMEOUT_MS || 180000);

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  // Root in a container has no user namespaces for chromium's sandbox.
  args: ['--no-sandbox', '--disable-dev-shm-usage'],
});
const consoleWarnings = [];
try {
  const context = await browser.newContext({ viewport: { width: 1200, height: 760 }, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(timeout);
  const consoleErrors = [];
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'warning' || m.type() === 'error') consoleWarnings.push(m.text()); });

  await page.goto(url);
  const result = {};

  // Without a token the page shows nothing of the cluster and asks for one.
  await page.locator('#access', { hasText: 'token needed' }).waitFor();
  result.noTokenNodeRows = await page.locator('tr.node-row').count();
  result.noTokenJobs = await page.locator('div.job').count();
  result.noTokenConnection = await page.locator('#connection').textContent();
  result.noTokenNodesNote = await page.locator('#no-nodes').textContent();
  result.noTokenEventsVisible = await page.locator('#events-section').isVisible();

  // A read-only token: rows and the grid show, nothing that changes state does.
  await page.fill('#token-input', readToken);
  await page.click('#token-save');
  await page.locator(`tr.node-row[data-node="${nodeName}"]`).waitFor();
  result.jobId = jobId;
  const card = page.locator(`div.job[data-job-id="${jobId}"]`);
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

  // While it runs: some chunks done, one being encoded with the node's live fps shown and named in its row, the fps
  // chart drawn, the job not finished yet.
  await page.waitForFunction(([id, node]) => {
    const c = document.querySelector(`div.job[data-job-id="${id}"]`);
    const row = document.querySelector(`tr.node-row[data-node="${node}"]`);
    const fps = row?.querySelector('td.fps');
    const chart = c?.querySelector('svg.fps-chart');
    return c && c.dataset.state === 'encoding' && c.querySelector('.chunk.done') && c.querySelector('.chunk.encoding')
      && fps && Number(fps.textContent) > 0 && Number(row.dataset.encoding) > 0 && chart && Number(chart.dataset.points) >= 2
      // the seed's average over the encode and the size so far of what it extrapolates to, as `pbm job watch` has them
      && / fps$/.test(c.querySelector('[data-stat="avg"] b')?.textContent || '')
      && / of ~/.test(c.querySelector('[data-stat="size"] b')?.textContent || '');
  }, [jobId, nodeName]);
  result.nodeFps = Number(await page.locator(`tr.node-row[data-node="${nodeName}"] td.fps`).innerText());
  await card.locator('button.cancel').waitFor();
  result.gridCells = await card.locator('.grid .chunk').count();
  result.nodeRowStatus = await page.locator(`tr.node-row[data-node="${nodeName}"] .status`).innerText();
  await page.screenshot({ path: screenshot, fullPage: true });
  // Read in one go, so all come from the same render.
  Object.assign(result, await card.evaluate((c) => Object.fromEntries(['elapsed', 'fps', 'avg', 'size', 'eta']
    .map((name) => ['running' + name[0].toUpperCase() + name.slice(1), c.querySelector(`[data-stat="${name}"] b`).textContent]))));
  result.nodeEncodingAtScreenshot = await page.locator(`tr.node-row[data-node="${nodeName}"] td.encoding`).innerText();
  result.nodeReservedAtScreenshot = await page.locator(`tr.node-row[data-node="${nodeName}"] td.reserved`).innerText();
  result.chartPointsWhileRunning = Number(await card.locator('svg.fps-chart').getAttribute('data-points'));
  result.stateAfterScreenshot = await card.getAttribute('data-state');
  result.chunkStatesAtScreenshot = await card.locator('.grid .chunk').evaluateAll((cells) => cells.map((c) => c.dataset.state));

  // Completed: every cell done, and the output downloads through the token-guarded endpoint.
  await page.locator(`div.job[data-job-id="${jobId}"][data-state="completed"]`).waitFor();
  result.doneCells = await card.locator('.grid .chunk.done').count();
  const statOf = (name) => card.locator(`[data-stat="${name}"] b`).innerText();
  for (const name of ['submitted', 'elapsed', 'finished', 'output', 'size', 'bitrate', 'avg']) result[name] = await statOf(name);
  result.chartPointsWhenDone = Number(await card.locator('svg.fps-chart').getAttribute('data-points'));
  const [download] = await Promise.all([page.waitForEvent('download'), card.locator('a.download').click()]);
  await download.saveAs(downloadPath);
  result.downloadName = download.suggestedFilename();

  // The failing job says why; the feed shows what went wrong along the way (the test kills the quarantined node).
  const failed = page.locator(`div.job[data-job-id="${failingJobId}"][data-state="failed"]`);
  await failed.waitFor();
  result.failedJobError = await failed.locator('p.error').innerText();
  await page.waitForFunction(() => {
    const kinds = [...document.querySelectorAll('#events li.event')].map((e) => e.dataset.kind);
    return ['quarantined', 'chunk-failed', 'chunk-retried', 'job-failed', 'job-completed'].every((k) => kinds.includes(k))
      && kinds.some((k) => ['unreachable', 'downed', 'removed'].includes(k));
  });
  result.eventKinds = await page.locator('#events li.event').evaluateAll((items) => items.map((e) => e.dataset.kind));
  result.eventTexts = await page.locator('#events li.event').evaluateAll((items) => items.map((e) => e.innerText.replace(/\s+/g, ' ')));

  // Paging: with every job settled, two a page; the oldest is on the next page.
  await page.locator(`div.job[data-job-id="${quickJobId}"][data-state="completed"]`).waitFor();
  const shownIds = () => page.locator('div.job').evaluateAll((cards) => cards.map((c) => c.dataset.jobId));
  await page.waitForFunction(() => document.querySelectorAll('div.job').length === 2);
  result.firstPage = await shownIds();
  await page.screenshot({ path: finalScreenshot, fullPage: true });
  await page.click('#jobs-older');
  await page.waitForFunction((id) => document.querySelectorAll('div.job').length === 1 && document.querySelector(`div.job[data-job-id="${id}"]`), jobId);
  result.olderPage = await shownIds();
  await page.click('#jobs-newest');
  await page.waitForFunction((id) => document.querySelectorAll('div.job').length === 2 && document.querySelector(`div.job[data-job-id="${id}"]`), quickJobId);
  result.backToNewest = await shownIds();
  result.pageErrors = consoleErrors;
  console.log(JSON.stringify(result));
} catch (e) {
  // What the page showed when a wait ran out, so a red run says why.
  try {
    const page = browser.contexts()[0]?.pages()[0];
    if (page) console.error('page at failure:\n' + (await page.locator('body').innerText()).slice(0, 4000));
    if (consoleWarnings.length) console.error('console warnings (last 5):\n' + consoleWarnings.slice(-5).join('\n'));
  } catch { /* the original error matters more */ }
  throw e;
} finally {
  await browser.close();
}
