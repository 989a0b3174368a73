// End-to-end flows in real headless Chromium, with an axe-core audit of
// every page they visit. Usage: node flows.mjs BASE_URL
// Exits non-zero with a message on the first failure. Later issues add their
// flows here.
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const base = process.argv[2];
if (!base) throw new Error('usage: node flows.mjs BASE_URL');

const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const userDataDir = mkdtempSync(join(tmpdir(), 'tryggve-chromium-'));
const failures = [];

function check(cond, message) {
  if (!cond) failures.push(message);
}

async function audit(page, label) {
  // The page's CSP forbids inline script, so axe is added by the automation protocol, not by a <script> tag.
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () =>
    await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  const bad = result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical');
  for (const v of bad) {
    failures.push(`axe ${v.impact} on ${label}: ${v.id} – ${v.help} (${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join('; ')})`);
  }
  console.log(`audited ${label}: ${result.violations.length} violations, ${bad.length} serious or critical`);
}

const browser = await chromium.launchPersistentContext(userDataDir, {
  executablePath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
try {
  const page = browser.pages()[0] || await browser.newPage();
  page.setDefaultTimeout(15000);

  // Log in with the keyboard alone.
  await page.goto(`${base}/samverkan/1`);
  check(page.url().includes('/login'), `not sent to the login page: ${page.url()}`);
  await audit(page, 'login');
  await page.keyboard.press('Tab'); // skip link
  await page.focus('#username');
  await page.keyboard.type('clas');
  await page.keyboard.press('Tab');
  await page.keyboard.type('demo-tryggve');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  check(page.url().endsWith('/samverkan/1'), `after login: ${page.url()}`);
  const h1 = await page.textContent('h1');
  check(h1.includes('Platssamverkan Liljeholmen'), `collaboration heading: ${h1}`);
  const rows = await page.$$eval('table.workdoc tbody tr[id^="rad-"]', r => r.length);
  check(rows === 12, `working-document rows: ${rows}`);
  check((await page.textContent('body')).includes('Demoläge'), 'the demo banner is visible');
  await audit(page, 'collaboration');

  // Open a row and add a follow-up.
  await Promise.all([page.waitForNavigation(), page.click('text=Se över möjligheterna att söka alkoholförbud på platsen.')]);
  await audit(page, 'measure');
  await page.fill('#fu-text', 'Ansökan om alkoholförbud har skickats in.');
  await page.selectOption('#fu-new_status', 'ongoing');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Spara uppföljning")')]);
  const history = await page.textContent('#historik + ol');
  check(history && history.includes('Ansökan om alkoholförbud har skickats in.'), 'the follow-up is in the history');
  check(history && history.includes('Clas Cederlid'), 'the follow-up is signed');

  for (const [path, label] of [['/', 'overview'], ['/moten/1', 'meeting'], ['/prioriteringar/1', 'priority'],
    ['/organisationer', 'organisations'], ['/organisationer/ny', 'new organisation'], ['/omraden', 'areas'],
    ['/uppfoljning', 'follow-up overview'], ['/sedan', 'changes since'], ['/sok?q=klotter', 'search'],
    ['/platser/20', 'place dossier'], ['/handelser', 'incidents'], ['/handelser/ny', 'report an incident']]) {
    await page.goto(`${base}${path}`);
    await audit(page, label);
  }

  // The lägesbild: map and charts as images with text alternatives, a table beside the map.
  await page.goto(`${base}/lagesbild`);
  check((await page.textContent('h1')).includes('Lägesbild'), 'the lägesbild opens');
  const graphics = await page.$$eval('figure.graphic img', imgs => imgs.map(i => ({ alt: i.alt, ok: i.complete && i.naturalWidth > 0 })));
  check(graphics.every(g => g.alt.length > 20 && g.ok), `graphics render with text alternatives: ${JSON.stringify(graphics)}`);
  await audit(page, 'lägesbild');

  // Plan a meeting, give it the council's agenda, approve its minutes and download them.
  await page.goto(`${base}/moten/ny`);
  await page.selectOption('#f-council_id', '1');
  await page.fill('#f-body', 'Hägersten-Älvsjös lokala brottsförebyggande råd');
  await page.fill('#f-date', '2026-12-11');
  await page.fill('#f-start_time', '09:00');
  await page.fill('#f-end_time', '11:00');
  await page.fill('#f-location', 'Telefonvägen 30');
  await page.selectOption('#f-classification', 'public');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Spara")')]);
  check(/\/moten\/\d+$/.test(page.url()), `the meeting is saved: ${page.url()}`);
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Använd rådets dagordning")')]);
  check((await page.textContent('ol.agenda')).includes('Platssamverkan Liljeholmen'), 'the agenda has an item per collaboration');
  await audit(page, 'meeting with agenda');
  const meetingUrl = page.url().split('#')[0];
  await Promise.all([page.waitForNavigation(), page.click('a:has-text("Justera protokollet")')]);
  check((await page.textContent('main')).includes('allmän handling'), 'approval warns that the minutes become a public record');
  await audit(page, 'approve minutes');
  await page.check('input[name="confirm"]');
  await page.check('input[name="publish"]');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Justera")')]);
  check(page.url().includes('/protokoll/'), `approved minutes open: ${page.url()}`);
  await page.goto(meetingUrl);
  const pdfHref = await page.getAttribute('a:has-text("PDF") >> nth=2', 'href');
  const pdf = await page.request.get(`${base}${pdfHref}`);
  check(pdf.ok() && (await pdf.body()).subarray(0, 4).toString() === '%PDF', `the minutes download as PDF (${pdfHref})`);

  // A form with errors is announced and keeps what was typed.
  await page.goto(`${base}/personer/ny`);
  await page.fill('#f-title', 'Fältassistent');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Spara")')]);
  check(await page.isVisible('.error-summary'), 'the error summary is shown');
  check((await page.inputValue('#f-title')) === 'Fältassistent', 'typed text is kept');
  await audit(page, 'form with errors');

  // A phone-sized window still shows the working document.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${base}/samverkan/2`);
  await audit(page, 'collaboration on a phone');
} finally {
  await browser.close();
  rmSync(userDataDir, { recursive: true, force: true });
}

if (failures.length) {
  console.error(failures.join('\n'));
  process.exit(1);
}
console.log('browser flows: all passed');
