// The WebSocket bridge in a real browser: MQTT.js over ws://, an EventSource that survives its
// stream being cut, and the web console showing what was published.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { execFile } from 'node:child_process';
import { startBroker, launchBrowser, sensor, mqttBundle, outputDir } from './harness.mjs';

const run = promisify(execFile);
const WAIT = { timeout: 30000 };

// A sensor as it exists in the field: a command-line MQTT client over TCP.
async function mosquittoPub(port, topic, message, ...flags) {
  await run('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(port), '-t', topic, '-m', message,
    ...flags], { timeout: 15000 });
}

test('MQTT.js in a page receives over ws:// what a sensor publishes over TCP', { timeout: 90000 }, async () => {
  const broker = await startBroker('mqttjs');
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    await page.goto(broker.origin + '/stats');
    await page.addScriptTag({ path: mqttBundle });
    await page.evaluate((url) => new Promise((resolve, reject) => {
      window.received = [];
      const client = mqtt.connect(url, { protocolVersion: 5, reconnectPeriod: 0 });
      client.on('message', (topic, payload, packet) => window.received.push(
        { topic, payload: payload.toString(), retain: packet.retain, qos: packet.qos }));
      client.on('error', reject);
      client.on('connect', () => client.subscribe('sensors/#', { qos: 1 },
        (error) => (error ? reject(error) : resolve())));
    }), `ws://127.0.0.1:${broker.wsPort}/mqtt`);

    await mosquittoPub(broker.mqttPort, 'sensors/room1/temperature', '21.5', '-q', '1');
    await mosquittoPub(broker.mqttPort, 'sensors/room1/humidity', '40', '-q', '0', '-r');
    await page.waitForFunction(() => window.received.length >= 2, null, WAIT);
    const received = await page.evaluate(() => window.received);
    assert.deepEqual(received.map((m) => `${m.topic}=${m.payload}`),
      ['sensors/room1/temperature=21.5', 'sensors/room1/humidity=40']);
    assert.equal(received[0].qos, 1);
  } finally {
    await browser.close();
    await broker.stop();
  }
});

test('EventSource resumes with Last-Event-ID after the server cuts the stream, without gaps or duplicates', { timeout: 120000 }, async () => {
  // Each stream lives one second, so a few seconds of traffic crosses several cuts.
  const broker = await startBroker('eventsource', 'sse_max_duration=1s');
  const browser = await launchBrowser();
  const publisher = await sensor(broker.mqttPort);
  try {
    const page = await browser.context.newPage();
    await page.goto(broker.origin + '/stats');
    await page.evaluate(() => new Promise((resolve) => {
      window.payloads = [];
      window.opens = 0;
      window.resets = 0;
      const source = new EventSource('/events?topic=' + encodeURIComponent('seq/#'));
      source.addEventListener('open', () => { window.opens += 1; });
      source.addEventListener('reset', () => { window.resets += 1; });
      source.addEventListener('live', () => resolve());
      source.addEventListener('message', (e) => window.payloads.push(JSON.parse(e.data).payload));
    }));
    const count = 80;
    for (let i = 0; i < count; i++) {
      await publisher.publishAsync('seq/n', String(i), { qos: 1 });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await publisher.publishAsync('seq/n', 'end', { qos: 1 });
    await page.waitForFunction(() => window.payloads.includes('end'), null, WAIT);
    const seen = await page.evaluate(() => ({
      payloads: window.payloads, opens: window.opens, resets: window.resets }));
    const expected = [...Array(count).keys()].map(String).concat('end');
    assert.deepEqual(seen.payloads, expected);
    assert.ok(seen.opens >= 3, `the stream was cut and resumed (opened ${seen.opens} times)`);
    assert.equal(seen.resets, 0);
  } finally {
    publisher.end(true);
    await browser.close();
    await broker.stop();
  }
});

test('the web console shows a published value', { timeout: 120000 }, async () => {
  const broker = await startBroker('console');
  const browser = await launchBrowser();
  const device = await sensor(broker.mqttPort);
  try {
    await mosquittoPub(broker.mqttPort, 'building/hall/temperature', '19.8', '-r', '-q', '1');
    const page = await browser.context.newPage();
    await page.goto(broker.origin + '/');
    await page.waitForSelector('#status.live', WAIT);
    // Retained state arrives first.
    await page.waitForSelector('tr[data-topic="building/hall/temperature"] td.value:has-text("19.8")', WAIT);

    // Some live traffic so that the chart and the table have something to show.
    const traffic = setInterval(() => {
      for (const room of ['kitchen', 'office', 'lab']) {
        device.publish(`building/${room}/temperature`, (18 + Math.random() * 6).toFixed(1));
        device.publish(`building/${room}/humidity`, String(35 + Math.round(Math.random() * 20)));
      }
    }, 100);
    try {
      await page.fill('input[name="topic"]', 'building/hall/setpoint');
      await page.fill('textarea[name="payload"]', '21.0');
      await page.selectOption('select[name="qos"]', '1');
      await page.check('input[name="retain"]');
      await page.click('button[type="submit"]');
      await page.waitForSelector('#publish-result.ok', WAIT);
      await page.waitForSelector('tr[data-topic="building/hall/setpoint"] td.value:has-text("21.0")', WAIT);
      // Let the messages/s chart gather a few seconds of points.
      await page.waitForFunction(() => document.querySelector('#stat-rate-in').textContent !== '–' &&
        Number(document.querySelector('#stat-rate-in').textContent) > 0, null, WAIT);
      await page.waitForTimeout(5000);
    } finally {
      clearInterval(traffic);
    }
    assert.match(await page.textContent('#stat-clients'), /^[1-9]/);
    const screenshot = join(outputDir, 'console.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log('console screenshot: ' + screenshot);
  } finally {
    device.end(true);
    await browser.close();
    await broker.stop();
  }
});
