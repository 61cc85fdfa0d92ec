// The console end to end in real headless Chromium against a running gateway, with real sessions made through the
// bastion by the real OpenSSH client. Run by control-plane's ConsoleBrowserIT (which starts the gateway, an sshd
// target and the people); runnable by hand with the same environment variables against `./gatehouse start`.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { strict as assert } from 'node:assert';
import { BASE, SHOTS, TIMEOUT, appears, env, launch, refusedByPolicy, shoot, signIn, step } from './kit.mjs';

const SSH_CONFIG = env('E2E_SSH_CONFIG');
const SSH_PORT = env('E2E_SSH_PORT');
const SSH_DEST = env('E2E_SSH_DEST');
const PERSON = env('E2E_PERSON');
const ADMIN = { user: env('E2E_ADMIN_USER'), password: env('E2E_ADMIN_PASSWORD') };
const AUDITOR = { user: env('E2E_AUDITOR_USER'), password: env('E2E_AUDITOR_PASSWORD') };
const marker = `m${Date.now().toString(36)}`;
const figures = {};

/** An interactive `ssh -tt` through the bastion whose stdin the test types into. */
function openShell() {
  const child = spawn('ssh', ['-tt', '-F', SSH_CONFIG, '-p', SSH_PORT, SSH_DEST], { stdio: ['pipe', 'pipe', 'pipe'] });
  const shell = { child, out: '', err: '', exited: null };
  child.stdout.on('data', (d) => { shell.out += d.toString(); });
  child.stderr.on('data', (d) => { shell.err += d.toString(); });
  shell.done = new Promise((resolve) => child.on('exit', (code, signal) => { shell.exited = { code, signal }; resolve(shell.exited); }));
  shell.type = (text) => child.stdin.write(text);
  // Type only at a prompt, as a person would: the gateway finds commands where the prompt ends.
  shell.prompt = async () => {
    const deadline = Date.now() + TIMEOUT;
    // Terminal escape sequences (ESC [ ...) are stripped before looking for the prompt.
    // eslint-disable-next-line no-control-regex
    while (!/[$#>%] ?$/.test(shell.out.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').trimEnd() + ' ')) {
      if (Date.now() > deadline || shell.exited) throw new Error(`no shell prompt; stdout: ${shell.out.slice(-300)} stderr: ${shell.err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  shell.run = async (line) => {
    await shell.prompt();
    const before = shell.out.length;
    shell.type(`${line}\n`);
    return before;
  };
  shell.waitFor = async (text) => {
    const deadline = Date.now() + TIMEOUT;
    while (!shell.out.includes(text)) {
      if (Date.now() > deadline || shell.exited) {
        throw new Error(`ssh never printed ${JSON.stringify(text)}; stdout: ${shell.out.slice(-500)} stderr: ${shell.err}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return shell;
}


const { browser, context } = await launch();
const shells = [];
try {
  const light = await context({ colorScheme: 'light', acceptDownloads: true });

  step('a recorded session: the person types a command in a shell through the bastion and leaves');
  {
    const recorded = openShell();
    shells.push(recorded);
    await recorded.run(`echo ${marker}-out$((6*7))`);
    await recorded.waitFor(`${marker}-out42`);
    await recorded.run('exit');
    await recorded.done;
  }

  step('sign in: a wrong password is refused with a reason, the right one lets the admin in');
  {
    const page = await light.newPage();
    await page.goto(BASE + '/');
    await page.getByLabel('Username').fill(ADMIN.user);
    await page.getByLabel('Password').fill('not-the-password');
    await shoot(page, 'sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'wrong username or password' }).waitFor();
    await page.close();
  }
  const admin = await signIn(light, ADMIN);

  step('find the session by the command it ran');
  await admin.getByRole('link', { name: 'Sessions' }).click();
  await admin.getByLabel('Search commands and output').fill(marker);
  await admin.getByRole('button', { name: 'Search' }).click();
  assert.match(admin.url(), new RegExp(`q=${marker}`), 'the URL carries the search');
  const row = admin.locator('tr[data-session]').filter({ hasText: PERSON }).filter({ hasText: 'exit 0' }).first();
  await appears(row, () => admin.getByRole('button', { name: 'Search' }).click());
  await shoot(admin, 'sessions');

  step('the replay shows that command\'s output when the command is picked in the timeline');
  await row.getByRole('link').first().click();
  await admin.getByRole('heading', { name: new RegExp(PERSON) }).waitFor();
  const command = admin.locator('.timeline button').filter({ hasText: `${marker}-out` }).first();
  await command.waitFor();
  await admin.locator('.ap-player, .ap-wrapper').first().waitFor();
  await command.click();
  await admin.waitForFunction((text) => document.querySelector('[data-testid=replay]')?.textContent?.includes(text),
    `${marker}-out42`, { timeout: TIMEOUT });
  await admin.getByRole('button', { name: 'Pause' }).or(admin.getByRole('button', { name: 'Play' })).first().waitFor();
  await shoot(admin, 'session-replay');
  const replayUrl = admin.url();
  const momentHref = await admin.getByTestId('moment-link').getAttribute('href');
  assert.match(momentHref, /#\/sessions\/[^?]+\?t=\d+(\.\d)?$/, 'a link to the current moment');

  step('the audit log shows who viewed the recording, and exports it');
  await admin.getByRole('link', { name: 'Audit log' }).click();
  await admin.getByLabel('Type').fill('recording.viewed');
  await admin.getByRole('button', { name: 'Filter' }).click();
  await appears(admin.locator('table.grid tbody tr').filter({ hasText: ADMIN.user }).first(),
    () => admin.getByRole('button', { name: 'Filter' }).click());
  const [download] = await Promise.all([
    admin.waitForEvent('download'),
    admin.getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  const csv = readFileSync(await download.path(), 'utf8');
  assert.match(csv.split('\r\n')[0], /^id,time,type,actor/);
  assert.ok(csv.includes('recording.viewed') && csv.includes(ADMIN.user), 'the CSV export holds the viewing event');
  await admin.getByRole('button', { name: 'Clear' }).click();
  await admin.locator('table.grid tbody tr').first().waitFor();
  await shoot(admin, 'audit-log');

  await admin.getByRole('link', { name: 'Hosts' }).click();
  await admin.locator('table.grid tbody tr').first().waitFor();
  await shoot(admin, 'hosts');
  await admin.getByRole('link', { name: 'Agents' }).click();
  await admin.getByRole('heading', { name: 'Tunnel agents' }).waitFor();
  await admin.locator('table.grid, .state.empty').first().waitFor();
  await shoot(admin, 'agents');

  step('a live session: keystrokes appear in the console\'s terminal');
  const live = openShell();
  shells.push(live);
  await live.run(`echo ready-${marker}`);
  await live.waitFor(`ready-${marker}`);
  await admin.goto(`${BASE}/#/sessions?user=${encodeURIComponent(PERSON)}&status=running`);
  const liveRow = admin.locator('tr[data-session]').first();
  await appears(liveRow, () => admin.reload());
  await liveRow.getByRole('link').first().click();
  await admin.getByTestId('live-state').filter({ hasText: 'live' }).waitFor();
  await admin.waitForFunction((text) => document.querySelector('[data-testid=live-terminal]')?.textContent?.includes(text),
    `ready-${marker}`, { timeout: TIMEOUT });
  await live.prompt();
  const typedAt = Date.now();
  live.type(`echo typed-${marker}-$((2+3))\n`);
  await admin.waitForFunction((text) => document.querySelector('[data-testid=live-terminal]')?.textContent?.includes(text),
    `typed-${marker}-5`, { timeout: TIMEOUT, polling: 20 });
  figures.liveEchoMillis = Date.now() - typedAt;
  await shoot(admin, 'session-live');

  step('an auditor watches too, but cannot terminate');
  const auditorContext = await context({ colorScheme: 'dark' });
  const auditor = await signIn(auditorContext, AUDITOR);
  await auditor.goto(admin.url());
  await auditor.getByTestId('live-state').filter({ hasText: 'live' }).waitFor();
  assert.equal(await auditor.getByRole('button', { name: /Terminate/ }).count(), 0, 'no terminate button for auditors');
  const refused = await auditor.evaluate(async (url) => {
    const xsrf = document.cookie.split('; ').find((c) => c.startsWith('XSRF-TOKEN='))?.split('=')[1] ?? '';
    const r = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-XSRF-TOKEN': decodeURIComponent(xsrf) },
      body: JSON.stringify({ reason: 'auditor tries' }) });
    return r.status;
  }, `${BASE}/api/v1/sessions/${decodeURIComponent(admin.url().split('/sessions/')[1].split('?')[0])}/terminate`);
  assert.equal(refused, 403, 'the gateway refuses an auditor\'s terminate');
  assert.equal(live.exited, null, 'the session survived the auditor');
  await shoot(auditor, 'session-live-dark');

  step('the admin terminates with a reason; the person\'s ssh ends showing it');
  await admin.getByRole('button', { name: 'Terminate session…' }).click();
  await admin.getByLabel('Reason shown to the user').fill(`incident ${marker}`);
  await admin.getByRole('button', { name: 'Terminate now' }).click();
  const ended = await Promise.race([live.done, new Promise((r) => setTimeout(() => r(null), TIMEOUT))]);
  assert.ok(ended, 'ssh ended after terminate');
  assert.ok((live.out + live.err).includes(`incident ${marker}`), `the user saw the reason: ${live.err}`);
  await auditor.getByTestId('live-state').filter({ hasText: 'ended' }).waitFor();

  step('dark theme screenshots');
  if (SHOTS) {
    const dark = await context({ colorScheme: 'dark' });
    const page = await signIn(dark, ADMIN);
    await page.goto(`${BASE}/#/sessions?q=${marker}`);
    await page.locator('tr[data-session]').first().waitFor();
    await shoot(page, 'sessions-dark');
    await page.goto(replayUrl);
    await page.locator('.ap-player, .ap-wrapper').first().waitFor();
    await page.locator('.timeline button').first().click();
    await page.waitForFunction((text) => document.querySelector('[data-testid=replay]')?.textContent?.includes(text),
      `${marker}-out42`, { timeout: TIMEOUT });
    await shoot(page, 'session-replay-dark');
  }
  assert.deepEqual(refusedByPolicy, [], 'the Content-Security-Policy refuses nothing the console needs');
  console.log(`[e2e] figures ${JSON.stringify(figures)}`);
  console.log('[e2e] PASS');
} finally {
  for (const s of shells) if (!s.exited) s.child.kill('SIGKILL');
  await browser.close();
}
