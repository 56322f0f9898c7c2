/** Shell realism in the browser (issue #13, item 12): Ctrl-R reverse incremental history search, ping until Ctrl-C. */
import { expect, test } from '@playwright/test';
import { logicalLines, openSandbox, run, screen } from './helpers.js';

/** The empty sandbox's prompt. */
const PROMPT = 'admin@laptop:~$ ';

test('Ctrl-R finds an earlier command as the query is typed, Ctrl-R again an older one, Enter runs it', async ({ page }) => {
  await openSandbox(page);
  await run(page, 'echo first-alpha', /^first-alpha$/m);
  await run(page, 'echo second-alpha', /^second-alpha$/m);
  await run(page, 'echo beta', /^beta$/m);
  await page.keyboard.press('Control+R');
  await page.keyboard.type('alp');
  await expect.poll(() => screen(page)).toMatch(/\(reverse-i-search\)`alp': echo second-alpha$/m);
  await page.keyboard.press('Control+R');
  await expect.poll(() => screen(page)).toMatch(/\(reverse-i-search\)`alp': echo first-alpha$/m);
  await page.keyboard.press('Enter');
  // The line runs after its prompt, as if typed; the search prompt is gone.
  await expect.poll(() => logicalLines(page)).toContain(`${PROMPT}echo first-alpha`);
  await expect.poll(async () => (await screen(page)).match(/^first-alpha$/gm)?.length).toBe(2);
  expect(await screen(page)).not.toContain('reverse-i-search');
});

test('Ctrl-R on a line wider than the terminal: one copy; Esc takes it for editing; Ctrl-G gives the line back', async ({ page }) => {
  await openSandbox(page);
  const long = `echo ${'wide-'.repeat(40)}end`;
  await run(page, long, /wide-end$/m);
  await page.keyboard.type('draft');
  await page.keyboard.press('Control+R');
  await page.keyboard.type('wide-end');
  await expect.poll(() => logicalLines(page)).toContain(`(reverse-i-search)\`wide-end': ${long}`);
  expect((await logicalLines(page)).filter((l) => l.includes('reverse-i-search'))).toHaveLength(1);
  await page.keyboard.press('Escape');
  await page.keyboard.press('End');
  await page.keyboard.type(' more');
  await expect.poll(() => logicalLines(page)).toContain(`${PROMPT}${long} more`);
  expect((await logicalLines(page)).filter((l) => l.includes('reverse-i-search'))).toHaveLength(0);
  // Ctrl-G: the search is dropped and the line is as it was before Ctrl-R.
  await page.keyboard.press('Control+R');
  await page.keyboard.type('zzz-nothing');
  await expect.poll(() => logicalLines(page)).toContain(`(failed reverse-i-search)\`zzz-nothing': ${long} more`);
  await page.keyboard.press('Control+G');
  await expect.poll(() => logicalLines(page)).toContain(`${PROMPT}${long} more`);
  await page.keyboard.press('Enter');
  await expect.poll(() => screen(page)).toMatch(/wide-end more$/m);
});

/**
 * The blog's steps that make the floating IP 180.180.180.3 answer ping from the network node. The
 * learner's seed is random here, so the gateway gets a fixed address: a random one is .3 once in 99.
 */
const FLOATING = [
  'openstack network create --external --provider-network-type flat --provider-physical-network default public -f value -c name',
  'openstack subnet create --network public --subnet-range 180.180.180.0/24 --no-dhcp --gateway 180.180.180.1 --allocation-pool start=180.180.180.2,end=180.180.180.100 public-subnet -f value -c name',
  'openstack router set --external-gateway public --fixed-ip subnet=public-subnet,ip-address=180.180.180.2 my-router',
  'ovs-vsctl add-port br-ex eth3',
  'openstack floating ip create --floating-ip-address 180.180.180.3 public -f value -c name',
  'openstack server add floating ip vm2 180.180.180.3',
  'openstack security group rule create --proto icmp default -f value -c protocol',
];

test('ping without -c runs until Ctrl-C, a reply a second, then the real summary and the prompt', async ({ page }) => {
  await openSandbox(page, 'network-node');
  const prompts = async () => (await screen(page)).split('root@network:~# ').length;
  for (const line of FLOATING) {
    const before = await prompts();
    await page.keyboard.type(line);
    await page.keyboard.press('Enter');
    await expect.poll(prompts, { timeout: 10_000 }).toBeGreaterThan(before);
  }
  await page.keyboard.type('ping 180.180.180.3');
  await page.keyboard.press('Enter');
  await expect.poll(() => screen(page), { timeout: 15_000 }).toMatch(/icmp_seq=3 ttl=63 time=/);
  // Still running: no summary, no prompt after it.
  expect(await screen(page)).not.toContain('ping statistics');
  await page.keyboard.press('Control+C');
  await expect.poll(() => screen(page)).toMatch(/icmp_seq=\d+ ttl=63 time=[\d.]+ ms\n\^C\n--- 180\.180\.180\.3 ping statistics ---\n(\d+) packets transmitted, \1 received, 0% packet loss, time \d+ms\nrtt min\/avg\/max\/mdev = [\d./]+ ms\nroot@network:~# /);
  // The replies shown are the replies counted.
  const text = await screen(page);
  const shown = text.match(/icmp_seq=/g)?.length ?? 0;
  expect(text).toContain(`${shown} packets transmitted, ${shown} received`);
  await run(page, 'echo after-ping', /^after-ping$/m);
});
