// Submits a job through the dashboard's form with "live" ticked, opens its player and plays it from the start until
// past the first chunk, then prints one JSON line of what it saw. Run by DashboardTests (the live test), which starts
// the seed and a node paced to real time, and checks the result. Any failure exits non-zero with the reason on stderr.
//
// env: FLOCK_URL (the dashboard), FLOCK_ADMIN_TOKEN, FLOCK_SOURCE (the video to upload), FLOCK_OPTIONS (ffmpeg options),
//      FLOCK_CHUNK_SECONDS, FLOCK_PAST_SECONDS (the position to reach), FLOCK_SCREENSHOT (png once there),
//      FLOCK_TIMEOUT_MS (per wait; default 180000)
import { chromium } from 'playwright-core';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const past = Number(env('FLOCK_PAST_SECONDS'));
const timeout = Number(process.env.FLOCK_TIMEOUT_MS || 180000);

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-dev-shm-usage', '--autoplay-policy=no-user-gesture-required'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  page.setDefaultTimeout(timeout);
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.goto(env('FLOCK_URL'));
  await page.fill('#token-input', env('FLOCK_ADMIN_TOKEN'));
  await page.click('#token-save');
  await page.locator('#submit-section').waitFor({ state: 'visible' });

  await page.setInputFiles('#submit-file', env('FLOCK_SOURCE'));
  await page.fill('#submit-options', env('FLOCK_OPTIONS'));
  await page.fill('#submit-chunk', env('FLOCK_CHUNK_SECONDS'));
  await page.check('#submit-live');
  await page.click('#submit-form button[type=submit]');
  await page.locator('#submit-status', { hasText: /^job \d+ submitted$/ }).waitFor();
  const jobId = (await page.locator('#submit-status').textContent()).match(/^job (\d+)/)[1];
  const card = page.locator(`div.job[data-job-id="${jobId}"]`);

  // As someone would: once the first chunk is verified there is something to watch.
  await card.locator('.grid .chunk[data-index="0"][data-state="done"]').waitFor();
  await card.locator('button.watch-live').click();
  await page.waitForFunction((seconds) => document.getElementById('player').currentTime > seconds, past, { timeout, polling: 100 });
  // Read at once, before anything else: the job must still be encoding when the player is already past chunk 0.
  const stateWhenPast = await page.evaluate((id) => document.querySelector(`div.job[data-job-id="${id}"]`)?.dataset.state, jobId);
  const playlistWhenPast = await page.evaluate(async (id) => {
    const response = await fetch(`/jobs/${id}/live/index.m3u8`, { headers: { Authorization: 'Bearer ' + sessionStorage.getItem('flock.admin-token') } });
    return response.text();
  }, jobId);
  const reached = await page.evaluate(() => document.getElementById('player').currentTime);
  // The subtitles rendition: hls.js turns its WebVTT into the video's text track cues (the one segment is loaded at once).
  await page.waitForFunction(() => Array.from(document.getElementById('player').textTracks).some((t) => t.cues && t.cues.length > 0), null, { timeout: 10000 })
    .catch(() => {});
  const textCues = await page.evaluate(() => Array.from(document.getElementById('player').textTracks)
    .flatMap((t) => Array.from(t.cues ?? []).map((c) => ({ language: t.language, start: c.startTime, end: c.endTime, text: c.text }))));
  // Chromium counts the audio it decoded: the muxed audio track played along, not just the video.
  const audioDecodedBytes = await page.evaluate(() => document.getElementById('player').webkitAudioDecodedByteCount ?? -1);
  await page.locator('#player-section').screenshot({ path: env('FLOCK_SCREENSHOT') });
  const result = {
    jobId,
    stateWhenPast,
    playlistEndedWhenPast: playlistWhenPast.includes('#EXT-X-ENDLIST'),
    reached,
    audioDecodedBytes,
    textCues,
    playerJob: await page.locator('#player').getAttribute('data-job'),
    playerStatus: await page.locator('#player-status').textContent(),
    pageErrors,
  };
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
}
