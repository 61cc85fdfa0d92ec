// Just-in-time access: a person with no role has asked for one from the SSH menu (control-plane's
// AccessRequestBrowserIT did that with a real ssh); an admin approves it in the browser; the person's stock ssh login
// then succeeds, a long session of theirs ends when the grant expires, and new logins are refused from then on.
// The gateway runs with a short minute (gatehouse.access-requests.minute), which the test asks for explicitly.
import { spawn, spawnSync } from 'node:child_process';
import { strict as assert } from 'node:assert';
import { TIMEOUT, env, launch, refusedByPolicy, shoot, signIn, step } from './kit.mjs';

const ADMIN = { user: env('E2E_ADMIN_USER'), password: env('E2E_ADMIN_PASSWORD') };
const PERSON = { user: env('E2E_PERSON_USER'), password: env('E2E_PERSON_PASSWORD') };
const ROLE = env('E2E_ROLE');
const GRANT_MS = Number(env('E2E_GRANT_MS'));
const sshArgs = (command) => ['-F', env('E2E_SSH_CONFIG'), '-p', env('E2E_SSH_PORT'),
  `${env('E2E_LOGIN')}@${env('E2E_HOST')}@127.0.0.1`, command];
const login = () => spawnSync('ssh', sshArgs('echo granted-$((6*7))'), { encoding: 'utf8', timeout: TIMEOUT, input: '' });

const { browser, context } = await launch();
try {
  step('the person sees their request waiting in the console');
  const person = await signIn(await context({ colorScheme: 'light' }), PERSON);
  await person.getByRole('link', { name: 'Access requests' }).click();
  await person.locator(`tr[data-status="pending"]`).filter({ hasText: ROLE }).waitFor();
  assert.equal(await person.getByRole('link', { name: 'Sessions' }).count(), 0, 'a person with no scope sees no audit pages');
  assert.notEqual(login().status, 0, 'no login before the approval');

  step('the admin approves it in the browser');
  const admin = await signIn(await context({ colorScheme: 'light' }), ADMIN);
  await admin.getByRole('link', { name: 'Access requests' }).click();
  const row = admin.locator('tr[data-request]').filter({ hasText: PERSON.user });
  await row.waitFor();
  await shoot(admin, 'access-requests');
  await row.getByRole('button', { name: /^Approve/ }).click();
  const approvedAt = Date.now();
  await row.waitFor({ state: 'detached' });

  step('the person logs in with stock ssh while the grant runs, and holds a session open');
  const granted = login();
  assert.equal(granted.status, 0, `ssh exited ${granted.status}: ${granted.stderr}`);
  assert.equal(granted.stdout, 'granted-42\n');
  const held = spawn('ssh', sshArgs('sleep 600'), { stdio: ['pipe', 'pipe', 'pipe'] });
  const heldEnded = new Promise((resolve) => held.on('exit', () => resolve(Date.now())));

  step('at expiry the held session ends and new logins are refused');
  const deadline = approvedAt + GRANT_MS + 60_000;
  let refusedAt = 0;
  while (Date.now() < deadline) {
    const attempt = login();
    if (attempt.status !== 0) {
      refusedAt = Date.now();
      assert.match(attempt.stderr, /no role of '[^']+' grants access to host/, attempt.stderr);
      break;
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
  assert.ok(refusedAt > 0, 'a login was still allowed a minute after the grant expired');
  assert.ok(refusedAt - approvedAt >= GRANT_MS - 2_000, `refused ${refusedAt - approvedAt} ms after approval, before the grant of ${GRANT_MS} ms ran out`);
  const ended = await Promise.race([heldEnded, new Promise((r) => setTimeout(() => r(0), 30_000))]);
  if (!ended) held.kill();
  assert.ok(ended, 'the session held open under the grant did not end within 30 s of the refusal');
  console.log(`[e2e] approved→refused ${refusedAt - approvedAt} ms, held session ended ${ended - approvedAt} ms after approval`);
  assert.deepEqual(refusedByPolicy, [], 'the Content-Security-Policy refused nothing');
  console.log('[e2e] PASS');
} finally {
  await browser.close();
}
