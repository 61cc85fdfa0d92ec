// An SSH login approved in the browser: the stock ssh client, on a pseudo-terminal (util-linux `script`), logs in
// with no key as person+login@host, waits at keyboard-interactive showing the short link and code; another person
// cannot approve it; the person signs in in a second browser session, sees what is asking and approves, and the
// shell works. A second login is denied with a reason, which the client shows. Run by control-plane's
// SshApprovalBrowserIT, which starts the gateway and the target and creates the people, role and host.
import { spawn } from 'node:child_process';
import { strict as assert } from 'node:assert';
import { BASE, TIMEOUT, env, launch, refusedByPolicy, shoot, signIn, step } from './kit.mjs';

const PERSON = { user: env('E2E_PERSON'), password: env('E2E_PASSWORD') };
const OTHER = { user: env('E2E_OTHER'), password: env('E2E_PASSWORD') };
const LOGIN = env('E2E_LOGIN');
const HOST = env('E2E_HOST');

/** `ssh` on a pty: what it shows, what to type, and its end. */
function terminal() {
  const command = ['ssh', '-F', env('E2E_SSH_CONFIG'), '-tt', '-p', env('E2E_SSH_PORT'),
    `${PERSON.user}+${LOGIN}@${HOST}@127.0.0.1`].map((w) => `'${w}'`).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let seen = '';
  child.stdout.on('data', (d) => { seen += d.toString(); });
  child.stderr.on('data', (d) => { seen += d.toString(); });
  const ended = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    seen: () => seen,
    type: (text) => child.stdin.write(text),
    ended,
    kill: () => child.kill('SIGKILL'),
    async await(pattern) {
      const deadline = Date.now() + TIMEOUT;
      for (;;) {
        const match = seen.match(pattern);
        if (match) return match;
        if (Date.now() > deadline) throw new Error(`the terminal never showed ${pattern}; it showed:\n${seen}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
}

const { browser, context } = await launch();
const terminals = [];
try {
  step('ssh with no key waits at keyboard-interactive, showing the link and the code');
  const first = terminal();
  terminals.push(first);
  const [link, code] = await first.await(/(\S+\/approve\/([A-Z0-9]{4}-[A-Z0-9]{4}))/).then((m) => [m[1], m[2]]);
  assert.ok(first.seen().includes(`code ${code}`), first.seen());

  step('another person, signed in, may neither see nor approve it');
  const other = await signIn(await context({ colorScheme: 'light' }), OTHER);
  await other.goto(`${BASE}/approve/${code}`);
  await other.getByRole('alert').filter({ hasText: `this login is for ${PERSON.user}` }).waitFor();
  assert.equal(await other.getByRole('button', { name: 'Approve' }).count(), 0);

  step('the person opens the short link in a second browser session, signs in, sees what asks, approves');
  const page = await (await context({ colorScheme: 'light' })).newPage();
  await page.goto(link.replace(/^https?:\/\/[^/]+/, BASE));
  await page.getByLabel('Username').fill(PERSON.user);
  await page.getByLabel('Password').fill(PERSON.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'An SSH login is waiting for you' }).waitFor();
  assert.equal(await page.getByTestId('approval-target').textContent(), `${LOGIN}@${HOST}`);
  assert.match(await page.getByTestId('approval-source').textContent(), /^127\.0\.0\.1:\d+$/);
  await shoot(page, 'ssh-approval');
  const clicked = Date.now();
  await page.getByRole('button', { name: 'Approve' }).click();
  first.type('echo approved-$((6*7))\r');
  await page.getByTestId('approval-outcome').filter({ hasText: 'goes on' }).waitFor();
  await first.await(/approved-42/);
  step(`the shell answered ${Date.now() - clicked} ms after the click on Approve`);
  first.type('exit\r');
  assert.equal(await first.ended, 0, first.seen());

  step('a second login is denied with a reason, which ssh shows');
  const second = terminal();
  terminals.push(second);
  const [, code2] = await second.await(/\/approve\/([A-Z0-9]{4}-[A-Z0-9]{4})/);
  await page.goto(`${BASE}/approve/${code2}`);
  await page.getByRole('heading', { name: 'An SSH login is waiting for you' }).waitFor();
  await page.getByLabel(/^Reason/).fill('not me');
  await page.getByRole('button', { name: 'Deny' }).click();
  await page.getByTestId('approval-outcome').filter({ hasText: 'not me' }).waitFor();
  assert.notEqual(await second.ended, 0);
  assert.ok(second.seen().includes(`login refused: denied by ${PERSON.user} in the browser: not me`), second.seen());

  step('the used code is gone');
  await page.goto(`${BASE}/approve/${code}`);
  await page.getByRole('alert').filter({ hasText: 'no login is waiting for approval' }).waitFor();

  assert.deepEqual(refusedByPolicy, [], 'the Content-Security-Policy refuses nothing the console needs');
  console.log('[e2e] PASS');
} finally {
  terminals.forEach((t) => t.kill());
  await browser.close();
}
