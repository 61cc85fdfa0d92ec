// An admin sets up access in the browser alone (a role, a person with a pasted key, a host), and that person then
// logs in with the stock OpenSSH client through the bastion to a real sshd; the session, which had no terminal,
// replays as its three streams. Run by control-plane's ConsoleAdminBrowserIT, which starts the gateway and the
// target and creates only the console users.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strict as assert } from 'node:assert';
import { BASE, TIMEOUT, appears, env, launch, refusedByPolicy, shoot, signIn, step } from './kit.mjs';

const ADMIN = { user: env('E2E_ADMIN_USER'), password: env('E2E_ADMIN_PASSWORD') };
const AUDITOR = { user: env('E2E_AUDITOR_USER'), password: env('E2E_AUDITOR_PASSWORD') };
const suffix = env('E2E_SUFFIX');
const LOGIN = env('E2E_LOGIN');
const names = { role: `ops-${suffix}`, person: `alice-${suffix}`, host: `web-${suffix}`, network: `lab-${suffix}` };

const { browser, context } = await launch();
try {
  const admin = await signIn(await context({ colorScheme: 'light' }), ADMIN);

  step('a role: the API refuses a bad login, and says so beside the logins field');
  await admin.getByRole('link', { name: 'Roles' }).click();
  const roleForm = admin.getByRole('form', { name: 'New role' });
  await roleForm.getByLabel('Name').fill(names.role);
  await roleForm.getByLabel('Logins on the targets').fill('Not A Login');
  await roleForm.getByLabel('Hosts labelled').fill(`team=${suffix}`);
  await roleForm.getByRole('button', { name: 'Create role' }).click();
  await roleForm.locator('[data-field=logins]').filter({ hasText: 'must be a Unix login' }).waitFor();
  await shoot(admin, 'admin-role-error');
  await roleForm.getByLabel('Logins on the targets').fill(LOGIN);
  await roleForm.getByRole('button', { name: 'Create role' }).click();
  await admin.locator(`tr[data-role="${names.role}"]`).waitFor();
  await shoot(admin, 'admin-roles');

  step('a person holding the role, with a pasted public key');
  await admin.getByRole('link', { name: 'People' }).click();
  const personForm = admin.getByRole('form', { name: 'New person' });
  await personForm.getByLabel('Username').fill(names.person);
  await personForm.getByRole('checkbox', { name: names.role }).check();
  await personForm.getByRole('button', { name: 'Create person' }).click();
  await admin.locator(`tr[data-user="${names.person}"]`).getByRole('link').click();
  await admin.getByLabel(/^Public key/).fill(env('E2E_PUBLIC_KEY'));
  await admin.getByRole('button', { name: 'Add key' }).click();
  const fingerprint = await admin.getByTestId('fingerprint').first().textContent();
  assert.equal(fingerprint, env('E2E_FINGERPRINT'), 'the console shows the key\'s SHA-256 fingerprint as ssh-keygen -l does');
  await shoot(admin, 'admin-person');

  step('a host the role\'s label selector picks');
  await admin.getByRole('link', { name: 'Hosts', exact: true }).click();
  const hostForm = admin.getByRole('form', { name: 'New host' });
  await hostForm.getByLabel('Name').fill(names.host);
  await hostForm.getByLabel('Address').fill(env('E2E_TARGET_ADDRESS'));
  await hostForm.getByLabel('Labels').fill(`team=${suffix}, env=demo`);
  await hostForm.getByRole('button', { name: 'Add host' }).click();
  await admin.locator(`tr[data-host="${names.host}"]`).waitFor();
  await shoot(admin, 'hosts');

  step('the person logs in with stock ssh (no terminal), stdout and stderr apart');
  const ssh = spawnSync('ssh', ['-F', env('E2E_SSH_CONFIG'), '-p', env('E2E_SSH_PORT'),
    `${LOGIN}@${names.host}@127.0.0.1`, 'echo made-in-the-browser-$((6*7)); echo to-stderr >&2'],
  { encoding: 'utf8', timeout: TIMEOUT, input: '' });
  assert.equal(ssh.status, 0, `ssh exited ${ssh.status}: ${ssh.stderr}`);
  assert.equal(ssh.stdout, 'made-in-the-browser-42\n');
  assert.ok(ssh.stderr.includes('to-stderr'), ssh.stderr);

  step('its replay shows the three streams, with the export downloads');
  await admin.goto(`${BASE}/#/sessions?user=${encodeURIComponent(names.person)}`);
  const row = admin.locator('tr[data-session]').first();
  await appears(row, () => admin.reload());
  await row.getByRole('link').first().click();
  await admin.getByTestId('streams-replay').waitFor();
  await admin.getByRole('button', { name: 'Play' }).click();
  await admin.getByTestId('stream-stdout').filter({ hasText: 'made-in-the-browser-42' }).waitFor();
  await admin.getByTestId('stream-stderr').filter({ hasText: 'to-stderr' }).waitFor();
  assert.match(await admin.getByTestId('export-stdout').getAttribute('href'), /\/export\?format=stdout$/);
  await shoot(admin, 'session-streams');

  step('a network and a join token: the token once, inside an agent command line');
  await admin.getByRole('link', { name: 'Networks' }).click();
  await admin.getByRole('form', { name: 'New network' }).getByLabel('Name').fill(names.network);
  await admin.getByRole('button', { name: 'Create network' }).click();
  await admin.getByRole('cell', { name: names.network, exact: true }).waitFor();
  await admin.getByRole('link', { name: 'Join tokens' }).click();
  const joinForm = admin.getByRole('form', { name: 'New join token' });
  await joinForm.getByLabel('Network').selectOption(names.network);
  await joinForm.getByLabel(/^Agent name/).fill(`edge-${suffix}`);
  await joinForm.getByLabel(/^Gateway tunnel address/).fill(env('E2E_TUNNEL_ADDRESS'));
  await joinForm.getByRole('button', { name: 'Create join token' }).click();
  const command = await admin.getByTestId('agent-command').textContent();
  assert.match(command, new RegExp(`echo 'gh_join_[^']+' \\| java -jar gatehouse-agent.jar join --gateway \\S+ --network ${names.network}`));
  assert.match(command, /-----BEGIN CERTIFICATE-----/);
  await shoot(admin, 'admin-join-token');

  step('the command line, run as shown inside the network, joins a real agent that the Agents page shows connected');
  const agentDir = mkdtempSync(join(tmpdir(), 'gatehouse-agent-'));
  const asShown = command.replaceAll('java -jar gatehouse-agent.jar', env('E2E_AGENT')).split('\n');
  const runLine = asShown.pop();
  const joined = spawnSync('sh', ['-e', '-c', asShown.join('\n')], { cwd: agentDir, encoding: 'utf8', timeout: 60_000 });
  assert.equal(joined.status, 0, `join failed: ${joined.stdout} ${joined.stderr}`);
  writeFileSync(join(agentDir, 'agent.conf'), 'allow = 127.0.0.1:1\n');
  const agent = spawn('sh', ['-c', `exec ${runLine}`], { cwd: agentDir, stdio: 'ignore' });
  try {
    await admin.getByRole('link', { name: 'Agents' }).click();
    const agentRow = admin.locator(`tr[data-agent="edge-${suffix}"]`);
    await appears(agentRow.getByTestId('agent-state').filter({ hasText: /^connected$/ }), () => admin.reload());
    await shoot(admin, 'admin-agents');
  } finally {
    agent.kill('SIGKILL');
  }

  step('an API token, shown once');
  await admin.getByRole('link', { name: 'API tokens' }).click();
  await admin.getByRole('form', { name: 'New API token' }).getByLabel('Name').fill(`ci-${suffix}`);
  await admin.getByRole('button', { name: 'Create token' }).click();
  assert.match(await admin.getByTestId('api-token').textContent(), /^gh_api_/);

  step('an auditor sees the admin pages read-only');
  const auditor = await signIn(await context({ colorScheme: 'dark' }), AUDITOR);
  await auditor.getByRole('link', { name: 'People' }).click();
  await auditor.locator(`tr[data-user="${names.person}"]`).waitFor();
  assert.equal(await auditor.getByRole('form', { name: 'New person' }).count(), 0, 'no form for auditors');
  await auditor.getByRole('link', { name: 'Roles' }).click();
  await auditor.locator(`tr[data-role="${names.role}"]`).waitFor();
  assert.equal(await auditor.getByRole('button', { name: /Edit|Delete/ }).count(), 0, 'no changes for auditors');
  await shoot(auditor, 'admin-people-dark');

  assert.deepEqual(refusedByPolicy, [], 'the Content-Security-Policy refuses nothing the console needs');
  console.log('[e2e] PASS');
} finally {
  await browser.close();
}
