// End-to-end flows in real headless Chromium, with an axe-core audit of
// every page they visit. Usage: node flows.mjs BASE_URL
//
// The flows are done with the keyboard alone, as a person who cannot use a
// mouse would: Tab and Shift+Tab move the focus, Enter follows links and
// presses buttons, Space ticks boxes, the arrow keys choose in a list, and
// text is typed. `page.goto` only opens the first page of a flow; the DOM is
// read for assertions, never clicked or filled. Every page reached is audited
// with axe-core. Exits non-zero listing every failure.
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
const audited = [];

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
  audited.push(label);
  console.log(`audited ${label}: ${result.violations.length} violations, ${bad.length} serious or critical`);
}

// ---- keyboard helpers -------------------------------------------------------

/** What has the focus: enough to recognise it and to see that the focus is visible. */
async function focused(page) {
  return page.evaluate(() => {
    const e = document.activeElement;
    if (!e || e === document.body) return { tag: 'body' };
    const style = getComputedStyle(e);
    const label = e.labels && e.labels.length ? e.labels[0].innerText : '';
    return {
      tag: e.tagName.toLowerCase(),
      id: e.id,
      name: e.getAttribute('name') || '',
      type: e.getAttribute('type') || '',
      value: e.value ?? '',
      href: e.getAttribute('href') || '',
      text: (e.innerText || e.value || '').replace(/\s+/g, ' ').trim(),
      label: label.replace(/\s+/g, ' ').trim(),
      outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
    };
  });
}

function describe(f) {
  return f ? `${f.tag}${f.id ? '#' + f.id : ''}${f.href ? ` href=${f.href}` : ''}${f.text ? ` "${f.text.slice(0, 60)}"` : ''}` : 'nothing';
}

/**
 * Presses Tab (or Shift+Tab) until the focused element matches `want`, at
 * most `limit` times. Fails with the description and where the focus was.
 * The element reached must show a visible focus outline.
 */
async function tabTo(page, want, what, { back = false, limit = 250 } = {}) {
  let f;
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    f = await focused(page);
    if (f.tag !== 'body' && want(f)) {
      if (!f.outline) failures.push(`no visible focus on ${what} (${describe(f)}) at ${page.url()}`);
      return f;
    }
  }
  throw new Error(`keyboard: could not reach ${what} with ${limit} ${back ? 'Shift+Tab' : 'Tab'} presses on ${page.url()}; the focus ended on ${describe(f)}`);
}

const byId = id => f => f.id === id;
const byText = text => f => f.text === text || f.text.startsWith(text);
const linkTo = pattern => f => f.tag === 'a' && (typeof pattern === 'string' ? f.href === pattern : pattern.test(f.href));
const button = text => f => f.tag === 'button' && f.text === text;

/** The next field by Tab must be `id`: a form in its visual order. */
async function nextField(page, id) {
  await page.keyboard.press('Tab');
  const f = await focused(page);
  if (f.id !== id) throw new Error(`keyboard: expected Tab to move to #${id} on ${page.url()}, it moved to ${describe(f)}`);
  if (!f.outline) failures.push(`no visible focus on #${id} at ${page.url()}`);
  return f;
}

/** Types into the focused field, replacing what was there. */
async function typeText(page, text) {
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.type(text);
}

/** Chooses an option of the focused <select> with the arrow keys. */
async function chooseOption(page, value) {
  const { values, index, id } = await page.evaluate(() => {
    const s = document.activeElement;
    return { values: [...s.options].map(o => o.value), index: s.selectedIndex, id: s.id };
  });
  const target = values.indexOf(value);
  if (target < 0) throw new Error(`#${id} has no option ${value} (${values.join(', ')})`);
  const key = target > index ? 'ArrowDown' : 'ArrowUp';
  for (let i = 0; i < Math.abs(target - index); i++) await page.keyboard.press(key);
  const now = await page.evaluate(() => document.activeElement.value);
  if (now !== value) throw new Error(`keyboard: the arrow keys chose ${now} instead of ${value} in #${id}`);
}

/** Presses Enter on what has the focus, waits for the page it leads to and audits it. */
async function pressAndWait(page, label) {
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  await audit(page, label || new URL(page.url()).pathname);
}

/** Opens the first page of a flow and audits it. */
async function open(page, path, label) {
  await page.goto(`${base}${path}`);
  await audit(page, label || new URL(page.url()).pathname);
}

/** Logs in from the login page with the keyboard alone. */
async function logIn(page, username, password) {
  await tabTo(page, byId('username'), 'the user name field');
  await typeText(page, username);
  await nextField(page, 'password');
  await page.keyboard.type(password);
  await pressAndWait(page);
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

  // Log in.
  await open(page, `/samverkan/1`, 'login');
  check(page.url().includes('/login'), `not sent to the login page: ${page.url()}`);
  await logIn(page, 'clas', 'demo-tryggve');
  check(page.url().endsWith('/samverkan/1'), `after login: ${page.url()}`);
  const h1 = await page.textContent('h1');
  check(h1.includes('Platssamverkan Liljeholmen'), `collaboration heading: ${h1}`);
  const rows = await page.$$eval('table.workdoc tbody tr[id^="rad-"]', r => r.length);
  check(rows === 12, `working-document rows: ${rows}`);
  check((await page.textContent('body')).includes('Demoläge'), 'the demo banner is visible');

  // The skip link is the first stop and moves the focus past the navigation.
  const skip = await tabTo(page, linkTo('#main'), 'the skip link', { limit: 1 });
  check(skip.text === 'Hoppa till innehållet', `skip link text: ${skip.text}`);
  await page.keyboard.press('Enter');
  check((await page.evaluate(() => document.activeElement.id)) === 'main', 'the skip link moves the focus to the content');

  // Open a row and add a follow-up.
  await tabTo(page, byText('Se över möjligheterna att söka alkoholförbud på platsen.'), 'the measure in the working document');
  await pressAndWait(page, 'measure');
  check(/\/atgarder\/\d+$/.test(page.url()), `the measure opens: ${page.url()}`);
  await tabTo(page, byId('fu-text'), 'the follow-up text');
  await typeText(page, 'Ansökan om alkoholförbud har skickats in.');
  await nextField(page, 'fu-new_status');
  await chooseOption(page, 'ongoing');
  // Shift+Tab goes back through the same order.
  const back = await tabTo(page, byId('fu-text'), 'the follow-up text, backwards', { back: true, limit: 1 });
  check(back.value === 'Ansökan om alkoholförbud har skickats in.', `the text is kept when going back: ${back.value}`);
  await tabTo(page, button('Spara uppföljning'), 'the save button of the follow-up');
  await pressAndWait(page, 'measure after a follow-up');
  const history = await page.textContent('#historik + ol');
  check(history && history.includes('Ansökan om alkoholförbud har skickats in.'), 'the follow-up is in the history');
  check(history && history.includes('Clas Cederlid'), 'the follow-up is signed');

  for (const [path, label] of [['/', 'overview'], ['/moten/1', 'meeting'], ['/prioriteringar/1', 'priority'],
    ['/organisationer', 'organisations'], ['/organisationer/ny', 'new organisation'], ['/omraden', 'areas'],
    ['/uppfoljning', 'follow-up overview'], ['/sedan', 'changes since'], ['/sok?q=klotter', 'search'],
    ['/platser/20', 'place dossier'], ['/handelser', 'incidents'], ['/logg/mina', 'who read our records']]) {
    await open(page, path, label);
  }

  // Report an incident in a phone-sized window (it is then in the lägesbild's period).
  const day = new Date(Date.now() - 86400000);
  const yesterday = `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;
  await page.setViewportSize({ width: 390, height: 844 });
  await open(page, `/handelser/ny`, 'report an incident on a phone');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  check(overflow <= 0, `the incident form fits a phone without sideways scrolling (${overflow}px too wide)`);
  const category = await page.$eval('#f-category', s => [...s.options].map(o => o.value).find(v => v));
  await tabTo(page, byId('f-category'), 'what happened');
  await chooseOption(page, category);
  await nextField(page, 'f-area_id');
  const place = await page.$eval('#f-area_id', s => [...s.options].map(o => o.value).find(v => v));
  await chooseOption(page, place);
  await nextField(page, 'f-date');
  await typeText(page, yesterday);
  await nextField(page, 'f-time');
  await typeText(page, '21:30');
  await nextField(page, 'f-description');
  const description = 'Nytt klotter på gångtunneln vid busshållplatsen, anmält från telefonen.';
  await typeText(page, description);
  await tabTo(page, button('Spara'), 'the save button of the incident');
  await pressAndWait(page, 'saved incident on a phone');
  check(/\/handelser\/\d+$/.test(page.url()), `the incident is saved: ${page.url()}`);
  check((await page.inputValue('#f-description')) === description, 'the saved incident shows its description');
  await open(page, `/samverkan/2`, 'collaboration on a phone');
  await page.setViewportSize({ width: 1280, height: 900 });

  // The lägesbild, reached from the main menu: map and charts as images with
  // text alternatives, the map's figures in a table beside it.
  await open(page, `/`);
  await tabTo(page, linkTo('/lagesbild'), 'Lägesbild in the main menu');
  await pressAndWait(page);
  check((await page.textContent('h1')).includes('Lägesbild'), 'the lägesbild opens');
  const graphics = await page.$$eval('figure.graphic img', imgs => imgs.map(i => ({ alt: i.alt, ok: i.complete && i.naturalWidth > 0 })));
  check(graphics.length >= 1 && graphics.every(g => g.alt.length > 20 && g.ok), `graphics render with text alternatives: ${JSON.stringify(graphics)}`);
  const mapAlt = await page.getAttribute('h2:has-text("Karta") + figure img', 'alt');
  check(mapAlt && mapAlt.startsWith('Karta över stadsdelarna'), `the map has its text alternative: ${mapAlt}`);
  const mapTable = await page.$$eval('table caption', cs => cs.map(c => c.textContent).filter(t => t.includes('tabell till kartan')).length);
  check(mapTable >= 1, 'the map has its table beside it');
  // The filters work from the keyboard too.
  await tabTo(page, byId('lb-gran'), 'the lägesbild granularity');
  await chooseOption(page, 'month');
  await tabTo(page, button('Visa'), 'the lägesbild filter button');
  await pressAndWait(page, 'lägesbild');
  check(page.url().includes('granularity=month'), `the lägesbild is filtered by keyboard: ${page.url()}`);

  // Plan a meeting, give it the council's agenda, approve its minutes and download them.
  await open(page, `/moten/ny`, 'new meeting');
  await tabTo(page, byId('f-council_id'), 'the council of the meeting');
  await chooseOption(page, '1');
  await nextField(page, 'f-body');
  await typeText(page, 'Hägersten-Älvsjös lokala brottsförebyggande råd');
  await nextField(page, 'f-date');
  await typeText(page, '2026-12-11');
  await nextField(page, 'f-start_time');
  await typeText(page, '09:00');
  await nextField(page, 'f-end_time');
  await typeText(page, '11:00');
  await nextField(page, 'f-location');
  await typeText(page, 'Telefonvägen 30');
  await tabTo(page, byId('f-classification'), 'the classification of the meeting');
  await chooseOption(page, 'public');
  await tabTo(page, button('Spara'), 'the save button of the meeting');
  await pressAndWait(page);
  check(/\/moten\/\d+$/.test(page.url()), `the meeting is saved: ${page.url()}`);
  const meetingUrl = page.url().split('#')[0];
  await tabTo(page, button('Använd rådets dagordning'), 'the button for the council’s agenda');
  await pressAndWait(page, 'meeting with agenda');
  check((await page.textContent('ol.agenda')).includes('Platssamverkan Liljeholmen'), 'the agenda has an item per collaboration');
  await tabTo(page, byText('Justera protokollet'), 'the link to approve the minutes');
  await pressAndWait(page, 'approve minutes');
  check((await page.textContent('main')).includes('allmän handling'), 'approval warns that the minutes become a public record');
  await tabTo(page, f => f.name === 'confirm', 'the confirmation box');
  await page.keyboard.press('Space');
  await page.keyboard.press('Tab');
  const publish = await focused(page);
  check(publish.name === 'publish', `Tab moves from the confirmation to the publish box: ${describe(publish)}`);
  await page.keyboard.press('Space');
  check(await page.evaluate(() => document.querySelector('input[name="confirm"]').checked && document.querySelector('input[name="publish"]').checked),
    'Space ticks both boxes');
  await tabTo(page, button('Justera'), 'the approve button');
  await pressAndWait(page, 'approved minutes');
  check(page.url().includes('/protokoll/'), `approved minutes open: ${page.url()}`);
  await page.goto(meetingUrl);
  await audit(page, 'meeting with approved minutes');
  const pdfLink = await tabTo(page, linkTo(/^\/protokoll\/\d+\/offentlig\/pdf$/), 'the PDF of the approved minutes');
  const pdf = await page.request.get(`${base}${pdfLink.href}`);
  check(pdf.ok() && (await pdf.body()).subarray(0, 4).toString() === '%PDF', `the minutes download as PDF (${pdfLink.href})`);

  // A form with errors is announced and keeps what was typed.
  await open(page, `/personer/ny`);
  await tabTo(page, byId('f-title'), 'the title of a new person');
  await typeText(page, 'Fältassistent');
  await tabTo(page, button('Spara'), 'the save button of the person');
  await pressAndWait(page, 'form with errors');
  check(await page.isVisible('.error-summary'), 'the error summary is shown');
  check((await page.inputValue('#f-title')) === 'Fältassistent', 'typed text is kept');
  // The summary's links lead to the fields.
  await tabTo(page, f => f.tag === 'a' && f.href.startsWith('#f-'), 'the first link of the error summary');
  await page.keyboard.press('Enter');
  const target = await page.evaluate(() => location.hash);
  check(target.startsWith('#f-'), `the error summary links to its field: ${target}`);

  // Log out; the accessibility statement is linked from every page's footer and open to everyone.
  await open(page, `/`);
  await tabTo(page, button('Logga ut'), 'the logout button');
  await pressAndWait(page);
  check(page.url().endsWith('/login'), `logged out: ${page.url()}`);
  await tabTo(page, linkTo('/tillganglighet'), 'Tillgänglighet in the footer');
  await pressAndWait(page, 'accessibility statement');
  check((await page.textContent('h1')).includes('Tillgänglighet'), 'the accessibility statement opens without logging in');
  const statement = await page.textContent('main');
  check(statement.includes('(2018:1937)') && statement.includes('Myndigheten för digital förvaltning'), 'the statement names the law and DIGG');
  // An empty report is refused with a field error, then a real one is received.
  await tabTo(page, button('Skicka rapporten'), 'the report button');
  await pressAndWait(page, 'accessibility statement with errors');
  check(await page.isVisible('.error-summary'), 'an empty report is refused');
  check((await page.textContent('.error-summary')).includes('Beskriv problemet.'), 'the error names the field');
  await tabTo(page, byId('f-description'), 'the description of the problem');
  await typeText(page, 'Diagrammen i lägesbilden går inte att läsa med min skärmläsare.');
  await nextField(page, 'f-page');
  await typeText(page, '/lagesbild');
  await tabTo(page, button('Skicka rapporten'), 'the report button');
  await pressAndWait(page, 'accessibility report receipt');
  check((await page.textContent('main')).includes('Tack för din rapport'), 'the report is received with a receipt');

  // An administrator's pages.
  await open(page, `/login`);
  await logIn(page, 'admin', 'demo-tryggve');
  check(!page.url().includes('/login'), `admin logged in: ${page.url()}`);
  await tabTo(page, linkTo('/admin/tillganglighet'), 'the accessibility reports in the main menu');
  await pressAndWait(page, 'accessibility reports');
  check((await page.textContent('main')).includes('Diagrammen i lägesbilden går inte att läsa med min skärmläsare.'),
    'the administrator reads the report');
  for (const [path, label] of [['/admin/klassning', 'classification defaults'], ['/lagrum', 'legal references'],
    ['/lagrum/ny', 'new legal reference'], ['/anvandare', 'users'], ['/admin/logg', 'audit log']]) {
    await open(page, path, label);
  }
} catch (e) {
  failures.push(String(e && e.stack || e));
} finally {
  await browser.close();
  rmSync(userDataDir, { recursive: true, force: true });
}

if (failures.length) {
  console.error(failures.join('\n'));
  process.exit(1);
}
console.log(`browser flows: all passed (${audited.length} pages audited)`);
