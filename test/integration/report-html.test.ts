// report.html from a real run, opened in a real browser: a short experiment through the CLI makes a
// latency toxic on a private proxy in front of the catalog trip the hypothesis, then Debian's headless
// Chromium renders the report. No request may leave the page (Network.requestWillBeSent for anything
// but file: and data: URLs), hostile text from the experiment stays text, the page fits a phone, and
// screenshots (desktop, phone) and a PDF print go to .testenv/test-results/artifacts/.
// Needs: the sandbox's Toxiproxy (a private proxy is created here; the shared `catalog` is untouched),
// the sample shop (catalog and storefront), and Debian's `chromium` at /usr/bin/chromium.
//
// Chromium is driven over the DevTools protocol with Node's own WebSocket and fetch: the handful of
// calls needed (navigate, network events, metrics, screenshot, print) do not justify a dependency
// such as playwright-core, whose protocol version would also have to follow Debian's Chromium.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import test from 'ava';
import { ExitCode } from '../../src/exit-codes.ts';
import { runFaultline } from '../helpers/faultline-process.ts';
import { freePort } from '../helpers/free-port.ts';
import { loadSandboxEnv, projectRoot } from '../helpers/sandbox-env.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const chromiumPath = '/usr/bin/chromium';
const sandbox = loadSandboxEnv();
const dir = mkdtempSync(join(tmpdir(), 'faultline-report-html-'));
const artifacts = join(projectRoot, '.testenv', 'test-results', 'artifacts');

type Cdp = {
  send<T = Record<string, unknown>>(method: string, params?: Record<string, unknown>): Promise<T>;
  on(method: string, listener: (params: Record<string, unknown>) => void): void;
  once(method: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  close(): void;
};

async function connectCdp(url: string): Promise<Cdp> {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true });
    socket.addEventListener('error', () => reject(new Error(`cannot connect to ${url}`)), { once: true });
  });
  let nextId = 0;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners: { method: string; listener: (params: Record<string, unknown>) => void }[] = [];
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as {
      id?: number;
      result?: unknown;
      error?: { message: string };
      method?: string;
      params?: Record<string, unknown>;
    };
    if (message.id !== undefined) {
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      if (message.error) waiter?.reject(new Error(message.error.message));
      else waiter?.resolve(message.result);
      return;
    }
    for (const l of [...listeners]) if (l.method === message.method) l.listener(message.params ?? {});
  });
  const cdp: Cdp = {
    send: (method, params = {}) =>
      new Promise((resolve, reject) => {
        const id = ++nextId;
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        socket.send(JSON.stringify({ id, method, params }));
      }),
    on: (method, listener) => listeners.push({ method, listener }),
    once: (method, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${method} within ${timeoutMs} ms`)), timeoutMs);
        const entry = {
          method,
          listener: (params: Record<string, unknown>) => {
            clearTimeout(timer);
            listeners.splice(listeners.indexOf(entry), 1);
            resolve(params);
          },
        };
        listeners.push(entry);
      }),
    close: () => socket.close(),
  };
  return cdp;
}

// Starts headless Chromium with a fresh profile; the DevTools port is the one it picked and wrote down.
async function launchChromium(): Promise<{ page: Cdp; stop: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'faultline-chromium-'));
  const child: ChildProcess = spawn(
    chromiumPath,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--hide-scrollbars',
      `--user-data-dir=${profile}`,
      '--remote-debugging-address=127.0.0.1',
      '--remote-debugging-port=0',
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(profile, { recursive: true, force: true });
  };
  try {
    const portFile = join(profile, 'DevToolsActivePort');
    const port = await waitUntil(
      `Chromium's DevTools port (${portFile})`,
      async () =>
        existsSync(portFile) ? readFileSync(portFile, 'utf8').split('\n')[0] || undefined : undefined,
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as {
      type: string;
      webSocketDebuggerUrl: string;
    }[];
    const target = targets.find((t) => t.type === 'page');
    if (!target) throw new Error('Chromium has no page target');
    return { page: await connectCdp(target.webSocketDebuggerUrl), stop };
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\nChromium's stderr:\n${stderr}`);
  }
}

function experimentYaml(proxy: string, port: number): string {
  return `apiVersion: faultline.dev/v1alpha1
kind: Experiment
metadata:
  name: report-html-check
  labels:
    team: shop
    note: "<script>alert('label')</script>"
spec:
  description: >-
    The catalog answers within 300 ms through its proxy even when the network is slow.
    Hostile text for the report: <img src="http://127.0.0.1:9/pixel.png"> ![x](http://127.0.0.1:9/x.png) | \`tick\` *star*
  tags: [report, "<b>bold</b>"]
  duration: 8s
  hypothesis:
    probes:
      - name: catalog-through-proxy
        http: { url: "http://127.0.0.1:${port}/products", timeout: 3s }
        expect: { status: 200, latencyMs: { below: 300 } }
      - name: storefront-answers
        http: { url: "\${STOREFRONT_URL}/", timeout: 3s }
        expect: { status: 200, latencyMs: { below: 1000 } }
    during: { every: 1s, failAfter: 2 }
  faults:
    - name: slow-catalog
      toxiproxy:
        url: \${TOXIPROXY_URL}
        proxy: ${proxy}
        toxic: latency
        attributes: { latency: 600 }
        stream: downstream
      start: 2s
      duration: 5s
  abortWhen:
    - name: storefront-alive
      http: { url: "\${STOREFRONT_URL}/healthz", timeout: 1s }
      expect: { status: 200 }
  recovery: 1s
`;
}

test('report.html of a real run renders in Chromium without a single request leaving the page', async (t) => {
  t.timeout(180_000);
  t.true(existsSync(chromiumPath), `${chromiumPath} is missing: apt-get install chromium (see .ci/run)`);

  // A private proxy in front of the catalog, removed at the end; the run reverts its own toxic.
  const port = await freePort();
  const proxy = `faultline-report-html-${process.pid}`;
  const created = await fetch(`${sandbox.TOXIPROXY_URL}/proxies`, {
    method: 'POST',
    body: JSON.stringify({
      name: proxy,
      listen: `127.0.0.1:${port}`,
      upstream: new URL(sandbox.CATALOG_URL).host,
    }),
  });
  t.is(created.status, 201, await created.text());
  t.teardown(async () => {
    await fetch(`${sandbox.TOXIPROXY_URL}/proxies/${proxy}`, { method: 'DELETE' });
  });

  const experiment = join(dir, 'experiment.yaml');
  writeFileSync(experiment, experimentYaml(proxy, port));
  const junit = join(dir, 'junit.xml');
  const env = { ...process.env, ...sandbox, FAULTLINE_LEDGER: join(dir, 'ledger.jsonl'), NO_COLOR: '1' };
  const run = await runFaultline(
    ['run', experiment, '--report-dir', join(dir, 'reports'), '--junit', junit],
    env,
  );
  t.is(run.exitCode, ExitCode.deviated, `${run.stdout}\n${run.stderr}`);
  const lines = run.stdout.trim().split('\n');
  const reportFile = /^report: (.+report\.html)$/.exec(lines[lines.length - 1] ?? '')?.[1];
  t.truthy(reportFile, `the last line names report.html:\n${run.stdout}`);
  const html = readFileSync(reportFile as string, 'utf8');
  t.true(existsSync((reportFile as string).replace(/report\.html$/, 'report.md')));
  t.regex(
    readFileSync(junit, 'utf8'),
    /<testcase classname="faultline\.report-html-check\.hypothesis" name="catalog-through-proxy"/,
  );
  t.false(/<script|<img/i.test(html), 'hostile text is escaped');
  const toxics = (await (
    await fetch(`${sandbox.TOXIPROXY_URL}/proxies/${proxy}/toxics`)
  ).json()) as unknown[];
  t.deepEqual(toxics, [], 'the run reverted its toxic');

  const browser = await launchChromium();
  t.teardown(browser.stop);
  const { page } = browser;
  const requests: string[] = [];
  page.on('Network.requestWillBeSent', (params) => {
    requests.push(String((params.request as { url?: string } | undefined)?.url));
  });
  await page.send('Network.enable');
  await page.send('Page.enable');
  const evaluate = async <T>(expression: string) =>
    (await page.send<{ result: { value: T } }>('Runtime.evaluate', { expression, returnByValue: true }))
      .result.value;

  // Desktop: the whole page, as one screenshot.
  await page.send('Emulation.setDeviceMetricsOverride', {
    width: 1200,
    height: 900,
    deviceScaleFactor: 1,
    mobile: false,
  });
  const loaded = page.once('Page.loadEventFired');
  await page.send('Page.navigate', { url: pathToFileURL(reportFile as string).href });
  await loaded;
  await new Promise((r) => setTimeout(r, 500)); // late requests, if any, would show up here
  const external = requests.filter((url) => !url.startsWith('file:') && !url.startsWith('data:'));
  t.deepEqual(external, [], 'no request left the page');
  t.true(
    requests.some((url) => url.startsWith('file:')),
    'the network events were observed',
  );

  t.is(await evaluate<number>('document.querySelectorAll("script, img, iframe, link, object").length'), 0);
  t.is(
    await evaluate<number>('document.querySelectorAll("svg.chart").length'),
    3,
    'a chart per probe with samples',
  );
  t.is(await evaluate<number>('document.querySelectorAll("svg.gantt").length'), 1);
  t.true(
    await evaluate<boolean>('document.querySelectorAll("svg.chart .miss").length > 0'),
    'deviation points',
  );
  t.true(await evaluate<boolean>(`document.body.innerText.includes("<script>alert('label')</script>")`));
  t.true(
    await evaluate<boolean>('document.body.innerText.includes("catalog-through-proxy left its tolerance")'),
  );

  mkdirSync(artifacts, { recursive: true });
  const fullHeight = Math.ceil(await evaluate<number>('document.documentElement.scrollHeight'));
  await page.send('Emulation.setDeviceMetricsOverride', {
    width: 1200,
    height: fullHeight,
    deviceScaleFactor: 1,
    mobile: false,
  });
  const desktop = await page.send<{ data: string }>('Page.captureScreenshot', { format: 'png' });
  writeFileSync(join(artifacts, 'report.png'), Buffer.from(desktop.data, 'base64'));

  // A phone: the page itself never scrolls sideways (wide tables scroll inside their own box).
  const phoneMetrics = { width: 390, deviceScaleFactor: 1, mobile: true };
  await page.send('Emulation.setDeviceMetricsOverride', { ...phoneMetrics, height: 844 });
  await new Promise((r) => setTimeout(r, 200));
  t.true(
    await evaluate<boolean>(
      'document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1',
    ),
    'no horizontal scrolling on a phone',
  );
  const phoneHeight = Math.ceil(await evaluate<number>('document.documentElement.scrollHeight'));
  await page.send('Emulation.setDeviceMetricsOverride', { ...phoneMetrics, height: phoneHeight });
  const phone = await page.send<{ data: string }>('Page.captureScreenshot', { format: 'png' });
  writeFileSync(join(artifacts, 'report-phone.png'), Buffer.from(phone.data, 'base64'));

  // The print stylesheet at the width of A4, as a picture to look at, and the PDF itself.
  await page.send('Emulation.setEmulatedMedia', { media: 'print' });
  await page.send('Emulation.setDeviceMetricsOverride', {
    width: 794,
    height: 1123,
    deviceScaleFactor: 1,
    mobile: false,
  });
  const printHeight = Math.ceil(await evaluate<number>('document.documentElement.scrollHeight'));
  await page.send('Emulation.setDeviceMetricsOverride', {
    width: 794,
    height: printHeight,
    deviceScaleFactor: 1,
    mobile: false,
  });
  const printed = await page.send<{ data: string }>('Page.captureScreenshot', { format: 'png' });
  writeFileSync(join(artifacts, 'report-print.png'), Buffer.from(printed.data, 'base64'));
  await page.send('Emulation.setEmulatedMedia', { media: '' });

  // Printed: A4, backgrounds on (the tolerance bands and fault windows are shaded backgrounds).
  await page.send('Emulation.clearDeviceMetricsOverride');
  const pdf = await page.send<{ data: string }>('Page.printToPDF', {
    printBackground: true,
    paperWidth: 8.27,
    paperHeight: 11.69,
  });
  const pdfBytes = Buffer.from(pdf.data, 'base64');
  t.is(pdfBytes.subarray(0, 5).toString(), '%PDF-');
  writeFileSync(join(artifacts, 'report.pdf'), pdfBytes);
  t.deepEqual(
    requests.filter((url) => !url.startsWith('file:') && !url.startsWith('data:')),
    [],
    'still no request after resizing and printing',
  );
  page.close();
});
