// Single sign-on in the browser: the sign-in page offers the identity provider (and no password form, switched off),
// the provider's own login page (mock-oauth2-server's) signs the person in with an admin group, and the console
// opens as that person with the admin scope, able to use the admin pages. Run by control-plane's ConsoleSsoBrowserIT,
// which starts the gateway and the provider.
import { strict as assert } from 'node:assert';
import { BASE, env, launch, refusedByPolicy, shoot, step } from './kit.mjs';

const PERSON = env('E2E_SSO_PERSON');
const GROUP = env('E2E_SSO_ADMIN_GROUP');
const NAME = env('E2E_SSO_NAME');

const { browser, context } = await launch();
try {
  const page = await (await context({ colorScheme: 'light' })).newPage();

  step('the sign-in page offers the identity provider, and no password form');
  await page.goto(BASE + '/');
  const button = page.getByRole('link', { name: `Sign in with ${NAME}` });
  await button.waitFor();
  assert.equal(await page.getByLabel('Password').count(), 0, 'password sign-in is switched off');
  await shoot(page, 'sign-in-sso');

  step('the identity provider\'s login page');
  await button.click();
  await page.locator('input[name=username]').fill(PERSON);
  await page.locator('textarea[name=claims]').fill(JSON.stringify({ groups: ['staff', GROUP] }));
  await page.getByRole('button', { name: 'Sign-in' }).click();

  step('back in the console as that person, an admin');
  const who = page.getByTestId('who');
  await who.waitFor();
  assert.equal(await who.textContent(), `oidc:${PERSON} · admin`);
  assert.equal(new URL(page.url()).origin, new URL(BASE).origin, 'the browser is back at the gateway');
  await page.getByRole('link', { name: 'People' }).click();
  await page.locator(`tr[data-user="oidc:${PERSON}"]`).waitFor();
  assert.equal(await page.getByRole('form', { name: 'New person' }).count(), 1, 'an admin may create people');

  step('signing out leads back to the sign-in page');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('link', { name: `Sign in with ${NAME}` }).waitFor();

  assert.deepEqual(refusedByPolicy, [], 'the Content-Security-Policy refuses nothing the console needs');
  console.log('[e2e] PASS');
} finally {
  await browser.close();
}
