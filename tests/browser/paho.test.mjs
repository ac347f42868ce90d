// Paho JS (the Eclipse Paho JavaScript client, npm paho-mqtt) in a real browser over ws://, with
// MQTT 3.1.1 (Paho's mqttVersion 4): the QoS levels, bursts in which several MQTT packets share
// one WebSocket message, retained messages, last wills, persistent sessions and binary payloads.
// The other side is an MQTT.js client over TCP, standing in for a sensor or a backend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker, launchBrowser, sensor, pahoBundle } from './harness.mjs';

const WAIT = { timeout: 30000 };

// Runs in the page before its own scripts. Wraps WebSocket so that a test can see what each
// socket received: WebSocket messages, the MQTT packets completed in each (the stream is parsed
// with MQTT's fixed header), the CONNACK's session-present flag and how the socket closed. Then
// promise wrappers around Paho JS, one Paho client per name.
function pageHelpers() {
  const Native = window.WebSocket;
  window.taps = [];
  window.WebSocket = class extends Native {
    constructor(url, protocols) {
      super(url, protocols);
      const tap = { socket: this, protocol: null, frames: 0, packets: 0, shared: 0, most: 0,
        sessionPresent: null, closeCode: null, pending: new Uint8Array(0) };
      window.taps.push(tap);
      window.lastTap = tap;
      tap.sent = [];
      this.addEventListener('open', () => { tap.protocol = this.protocol; });
      this.addEventListener('close', (event) => { tap.closeCode = event.code; });
      this.addEventListener('message', (event) => {
        const frame = new Uint8Array(event.data);
        const bytes = new Uint8Array(tap.pending.length + frame.length);
        bytes.set(tap.pending);
        bytes.set(frame, tap.pending.length);
        let offset = 0;
        let completed = 0;
        for (;;) {
          // Fixed header: type and flags, then the remaining length in at most 4 bytes.
          let length = 0;
          let used = 0;
          let done = false;
          while (used < 4 && offset + 1 + used < bytes.length) {
            const digit = bytes[offset + 1 + used];
            length += (digit & 0x7f) * 128 ** used;
            used += 1;
            if ((digit & 0x80) === 0) { done = true; break; }
          }
          if (!done || offset + 1 + used + length > bytes.length) break;
          if (bytes[offset] >> 4 === 2 && tap.sessionPresent === null) {
            tap.sessionPresent = (bytes[offset + 1 + used] & 1) === 1;
          }
          offset += 1 + used + length;
          completed += 1;
        }
        tap.pending = bytes.slice(offset);
        tap.frames += 1;
        tap.packets += completed;
        if (completed >= 2) tap.shared += 1;
        tap.most = Math.max(tap.most, completed);
      });
    }

    // Keeps the first bytes of the first messages the client sends (CONNECT's protocol level).
    send(data) {
      const tap = window.taps.find((t) => t.socket === this);
      if (tap && tap.sent.length < 4) tap.sent.push(Array.from(new Uint8Array(data).slice(0, 12)));
      super.send(data);
    }
  };

  const toPayload = (payload) => (typeof payload === 'string' ? payload : new Uint8Array(payload));
  window.paho = {
    clients: {},

    // Connects a new Paho client with MQTT 3.1.1; options go to Paho's connect (will, cleanSession).
    connect(name, clientId, options = {}) {
      return new Promise((resolve, reject) => {
        const client = new Paho.Client('127.0.0.1', Number(location.port), '/mqtt', clientId);
        const entry = { client, tap: null, received: [], lost: null, delivered: new Map() };
        window.paho.clients[name] = entry;
        client.onMessageArrived = (message) => entry.received.push({
          topic: message.destinationName,
          text: new TextDecoder().decode(message.payloadBytes),
          bytes: Array.from(message.payloadBytes),
          qos: message.qos,
          retained: message.retained,
          duplicate: message.duplicate,
        });
        client.onMessageDelivered = (message) => {
          const resolveDelivered = entry.delivered.get(message);
          entry.delivered.delete(message);
          if (resolveDelivered) resolveDelivered();
        };
        client.onConnectionLost = (response) => {
          entry.lost = { errorCode: response.errorCode, errorMessage: response.errorMessage };
        };
        const will = options.will;
        delete options.will;
        if (will) {
          const message = new Paho.Message(toPayload(will.payload));
          message.destinationName = will.topic;
          message.qos = will.qos ?? 0;
          message.retained = will.retain ?? false;
          options.willMessage = message;
        }
        client.connect({
          mqttVersion: 4, cleanSession: true, keepAliveInterval: 30, timeout: 10, reconnect: false,
          ...options,
          onSuccess: () => resolve(),
          onFailure: (response) => reject(new Error(`${clientId}: ${response.errorMessage}`)),
        });
        entry.tap = window.lastTap;
      });
    },

    subscribe(name, filter, qos) {
      return new Promise((resolve, reject) => {
        window.paho.clients[name].client.subscribe(filter, {
          qos, timeout: 10,
          onSuccess: (response) => resolve(Array.from(response.grantedQos)),
          onFailure: (response) => reject(new Error(`subscribe ${filter}: ${response.errorMessage}`)),
        });
      });
    },

    // Resolves when Paho reports the message delivered: at once for QoS 0, on PUBACK for QoS 1,
    // on PUBCOMP for QoS 2.
    publish(name, topic, payload, qos, retain = false) {
      const entry = window.paho.clients[name];
      const message = new Paho.Message(toPayload(payload));
      message.destinationName = topic;
      message.qos = qos;
      message.retained = retain;
      const delivered = new Promise((resolve) => entry.delivered.set(message, resolve));
      entry.client.send(message);
      return delivered;
    },

    // A normal disconnect (DISCONNECT, then the socket is closed); resolves when the closing
    // handshake is over, so the broker has read the DISCONNECT.
    disconnect(name) {
      const entry = window.paho.clients[name];
      const closed = new Promise((resolve) => {
        if (entry.tap.closeCode !== null) resolve();
        else entry.tap.socket.addEventListener('close', () => resolve());
      });
      entry.client.disconnect();
      return closed;
    },

    // Drops the connection under Paho's feet: the WebSocket is closed without an MQTT DISCONNECT.
    drop(name) {
      window.paho.clients[name].tap.socket.close(4000, 'dropped by the test');
    },

    received(name, topicPrefix = '') {
      return window.paho.clients[name].received.filter((m) => m.topic.startsWith(topicPrefix));
    },
  };
}

async function pahoPage(browser, broker) {
  const page = await browser.context.newPage();
  await page.addInitScript(pageHelpers);
  await page.goto(broker.origin + '/stats');
  await page.addScriptTag({ path: pahoBundle });
  return page;
}

// A broker, a browser page with Paho JS loaded, and a sensor over TCP; stopped whatever happens.
async function withPaho(name, body, wsOptions = '') {
  const broker = await startBroker(name, wsOptions);
  let browser = null;
  let device = null;
  try {
    browser = await launchBrowser();
    device = await sensor(broker.mqttPort);
    const page = await pahoPage(browser, broker);
    await body({ broker, browser, device, page });
  } finally {
    if (device) device.end(true);
    if (browser) await browser.close();
    await broker.stop();
  }
}

// What the sensor receives on the filter, collected in order.
async function collect(device, filter, qos = 2) {
  const messages = [];
  device.on('message', (topic, payload, packet) => {
    if (topic.startsWith(filter.replace(/#$/, ''))) {
      messages.push({ topic, payload: Buffer.from(payload), qos: packet.qos, retain: packet.retain });
    }
  });
  await device.subscribeAsync(filter, { qos });
  return messages;
}

async function until(predicate, what) {
  for (let i = 0; i < 300; i++) {
    if (predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail('timed out waiting for ' + what);
}

// Long sequences compared with a short message saying what differs.
function assertSameSequence(actual, expected, what) {
  const keys = (list) => list.map((item) => JSON.stringify(item));
  const got = keys(actual);
  const want = keys(expected);
  if (got.join('\n') === want.join('\n')) return;
  const counts = new Map();
  for (const k of got) counts.set(k, (counts.get(k) ?? 0) + 1);
  const wanted = new Set(want);
  const some = (list) => (list.length === 0 ? 'none'
    : list.slice(0, 10).join(' ') + (list.length > 10 ? ' ...' : ''));
  const first = want.findIndex((k, i) => k !== got[i]);
  assert.fail(`${what}: ${got.length} received, ${want.length} expected; ` +
    `missing: ${some(want.filter((k) => !counts.has(k)))}; ` +
    `more than once: ${some([...counts].filter(([, n]) => n > 1).map(([k]) => k))}; ` +
    `unexpected: ${some(got.filter((k) => !wanted.has(k)))}; ` +
    `first difference at ${first < 0 ? want.length : first}: ${got[first < 0 ? want.length : first]}`);
}

const waitForPaho = (page, name, topic, payload) => page.waitForFunction(
  ([n, t, p]) => window.paho.received(n).some((m) => m.topic === t && m.text === p),
  [name, topic, payload], WAIT);

test('Paho JS publishes and receives at QoS 0, 1 and 2 over ws:// with MQTT 3.1.1', { timeout: 90000 }, async () => {
  await withPaho('paho-qos', async ({ device, page }) => {
    const fromPaho = await collect(device, 'paho/out/#');
    await page.evaluate(() => window.paho.connect('app', 'paho-qos'));
    // Subprotocol mqtt; CONNECT with protocol name MQTT, level 4 (3.1.1) and clean session.
    const tap = await page.evaluate(() => ({ ...window.paho.clients.app.tap, socket: null, pending: null }));
    assert.equal(tap.protocol, 'mqtt');
    const connect = tap.sent[0];
    assert.equal(connect[0], 0x10);
    assert.deepEqual(connect.slice(2, 10), [0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 0x02]);
    assert.deepEqual(await page.evaluate(() => window.paho.subscribe('app', 'paho/#', 2)), [2]);

    const texts = ['plain ascii 0', 'température 21,5 °C ✓ 1', '{"q":2,"emoji":"\u{1F321}"}'];
    for (const qos of [0, 1, 2]) {
      await page.evaluate(([q, text]) => window.paho.publish('app', `paho/out/q${q}`, text, q),
        [qos, texts[qos]]);
      await device.publishAsync(`paho/in/q${qos}`, texts[qos], { qos });
    }
    // An end marker at QoS 2 from each side: whatever arrives twice arrives before it.
    await page.evaluate(() => window.paho.publish('app', 'paho/out/end', 'end', 2));
    await device.publishAsync('paho/in/end', 'end', { qos: 2 });
    await waitForPaho(page, 'app', 'paho/out/end', 'end');
    await waitForPaho(page, 'app', 'paho/in/end', 'end');
    await until(() => fromPaho.some((m) => m.topic === 'paho/out/end'), 'paho/out/end at the sensor');

    const received = await page.evaluate(() => window.paho.received('app'));
    const byTopic = (list) => [...list].sort((a, b) => a.topic.localeCompare(b.topic));
    assert.deepEqual(byTopic(received).map((m) => [m.topic, m.text, m.qos, m.retained, m.duplicate]), [
      ['paho/in/end', 'end', 2, false, false],
      ['paho/in/q0', texts[0], 0, false, false],
      ['paho/in/q1', texts[1], 1, false, false],
      ['paho/in/q2', texts[2], 2, false, false],
      ['paho/out/end', 'end', 2, false, false],
      ['paho/out/q0', texts[0], 0, false, false],
      ['paho/out/q1', texts[1], 1, false, false],
      ['paho/out/q2', texts[2], 2, false, false],
    ]);
    assert.deepEqual(byTopic(fromPaho).map((m) => [m.topic, m.payload.toString(), m.qos]), [
      ['paho/out/end', 'end', 2],
      ['paho/out/q0', texts[0], 0],
      ['paho/out/q1', texts[1], 1],
      ['paho/out/q2', texts[2], 2],
    ]);
    // The client is still connected: no protocol error on either side.
    assert.equal(await page.evaluate(() => window.paho.clients.app.lost), null);
  });
});

// A burst at each QoS, published over TCP as fast as MQTT.js can, reaches the Paho subscriber
// with several packets in one WebSocket message (the broker writes what it queued during one
// wake-up as one message); with frame_per_packet=1 every message holds one packet.
for (const framePerPacket of [false, true]) {
  const title = framePerPacket
    ? 'with frame_per_packet=1 a burst reaches Paho JS one packet per WebSocket message'
    : 'a burst of 2000 messages reaches Paho JS exactly once and in order, packets sharing WebSocket messages';
  test(title, { timeout: 120000 }, async () => {
    await withPaho(framePerPacket ? 'paho-burst-fpp' : 'paho-burst', async ({ device, page }) => {
      await page.evaluate(() => window.paho.connect('sub', 'paho-burst'));
      assert.deepEqual(await page.evaluate(() => window.paho.subscribe('sub', 'burst/#', 2)), [2]);
      const counts = { 0: 1000, 1: 500, 2: 500 };
      for (const qos of [0, 1, 2]) {
        const topic = `burst/q${qos}`;
        const before = await page.evaluate(() => {
          window.paho.clients.sub.tap.most = 0;
          return { ...window.paho.clients.sub.tap, socket: null, pending: null };
        });
        const started = Date.now();
        const sent = [];
        for (let i = 0; i < counts[qos]; i++) sent.push(device.publishAsync(topic, `${qos}:${i}`, { qos }));
        sent.push(device.publishAsync(topic, 'end', { qos }));
        await Promise.all(sent);
        await waitForPaho(page, 'sub', topic, 'end');
        const elapsed = Date.now() - started;
        const seen = await page.evaluate((t) => ({
          messages: window.paho.received('sub', t).map((m) => [m.text, m.qos]),
          tap: { ...window.paho.clients.sub.tap, socket: null, pending: null },
          lost: window.paho.clients.sub.lost,
        }), topic);
        const frames = seen.tap.frames - before.frames;
        const packets = seen.tap.packets - before.packets;
        const shared = seen.tap.shared - before.shared;
        console.log(`QoS ${qos}: ${counts[qos] + 1} messages in ${elapsed} ms; ${packets} MQTT packets in ` +
          `${frames} WebSocket messages, ${shared} of them with several packets (at most ${seen.tap.most})`);
        assert.equal(seen.lost, null);
        const expected = [...Array(counts[qos]).keys()].map((i) => [`${qos}:${i}`, qos])
          .concat([['end', qos]]);
        assertSameSequence(seen.messages, expected, `the QoS ${qos} burst`);
        if (framePerPacket) {
          assert.equal(shared, 0, 'one MQTT packet per WebSocket message');
          assert.equal(frames, packets);
        } else if (qos === 0) {
          assert.ok(shared > 0, 'several MQTT packets shared a WebSocket message during the burst');
        }
      }
    }, framePerPacket ? 'frame_per_packet=1' : '');
  });
}

test('Paho JS gets a retained message on subscribe with retained=true, and live ones with retained=false', { timeout: 90000 }, async () => {
  await withPaho('paho-retain', async ({ device, page }) => {
    await device.publishAsync('home/door', 'closed', { qos: 1, retain: true });
    await page.evaluate(() => window.paho.connect('writer', 'paho-retain-writer'));
    await page.evaluate(() => window.paho.publish('writer', 'home/light', 'on', 1, true));

    await page.evaluate(() => window.paho.connect('reader', 'paho-retain-reader'));
    assert.deepEqual(await page.evaluate(() => window.paho.subscribe('reader', 'home/#', 1)), [1]);
    await waitForPaho(page, 'reader', 'home/door', 'closed');
    await waitForPaho(page, 'reader', 'home/light', 'on');
    await device.publishAsync('home/door', 'open', { qos: 1, retain: true });
    await waitForPaho(page, 'reader', 'home/door', 'open');

    const received = await page.evaluate(() => window.paho.received('reader'));
    const retained = received.slice(0, 2).sort((a, b) => a.topic.localeCompare(b.topic));
    assert.deepEqual(retained.map((m) => [m.topic, m.text, m.qos, m.retained]),
      [['home/door', 'closed', 1, true], ['home/light', 'on', 1, true]]);
    // To a subscription that already exists the broker forwards with RETAIN 0 [MQTT-3.3.1-9].
    assert.deepEqual(received.slice(2).map((m) => [m.topic, m.text, m.qos, m.retained]),
      [['home/door', 'open', 1, false]]);
  });
});

test('the will of a Paho JS client is published when its WebSocket is dropped, not after a DISCONNECT', { timeout: 90000 }, async () => {
  await withPaho('paho-will', async ({ browser, broker, device, page }) => {
    const status = await collect(device, 'status/#', 1);
    const will = (topic) => ({ will: { topic, payload: `${topic} gone`, qos: 1 } });

    // A normal disconnect discards the will [MQTT-3.1.2-10]: nothing arrives before a marker
    // published after the broker read the DISCONNECT.
    await page.evaluate((o) => window.paho.connect('polite', 'paho-will-polite', o), will('status/polite'));
    await page.evaluate(() => window.paho.disconnect('polite'));
    await device.publishAsync('status/marker', 'after the disconnect', { qos: 1 });
    await until(() => status.some((m) => m.topic === 'status/marker'), 'the marker');

    // The page closes the WebSocket without DISCONNECT: the broker publishes the will [MQTT-3.1.2-8].
    await page.evaluate((o) => window.paho.connect('dropped', 'paho-will-dropped', o), will('status/dropped'));
    await page.evaluate(() => window.paho.drop('dropped'));
    await until(() => status.some((m) => m.topic === 'status/dropped'), 'the will of the dropped client');
    const lost = await page.evaluate(() => window.paho.clients.dropped.lost);
    assert.notEqual(lost?.errorCode ?? 0, 0, 'Paho reports the connection lost');

    // The user closes the tab.
    const tab = await pahoPage(browser, broker);
    await tab.evaluate((o) => window.paho.connect('tab', 'paho-will-tab', o), will('status/tab'));
    await tab.close();
    await until(() => status.some((m) => m.topic === 'status/tab'), 'the will of the closed tab');

    assert.deepEqual(status.map((m) => [m.topic, m.payload.toString(), m.qos, m.retain]), [
      ['status/marker', 'after the disconnect', 1, false],
      ['status/dropped', 'status/dropped gone', 1, false],
      ['status/tab', 'status/tab gone', 1, false],
    ]);
  });
});

test('a persistent Paho JS session gets the QoS 1 messages published while it was away', { timeout: 90000 }, async () => {
  await withPaho('paho-session', async ({ device, page }) => {
    const persistent = { cleanSession: false };
    await page.evaluate((o) => window.paho.connect('first', 'paho-persistent', o), persistent);
    assert.equal(await page.evaluate(() => window.paho.clients.first.tap.sessionPresent), false);
    assert.deepEqual(await page.evaluate(() => window.paho.subscribe('first', 'queue/#', 1)), [1]);
    await page.evaluate(() => window.paho.disconnect('first'));

    const count = 50;
    for (let i = 0; i < count; i++) await device.publishAsync('queue/n', String(i), { qos: 1 });

    // A new Paho client with the same client id, as after a page reload; it does not subscribe.
    await page.evaluate((o) => window.paho.connect('second', 'paho-persistent', o), persistent);
    assert.equal(await page.evaluate(() => window.paho.clients.second.tap.sessionPresent), true);
    await device.publishAsync('queue/n', 'live', { qos: 1 });
    await waitForPaho(page, 'second', 'queue/n', 'live');

    const received = await page.evaluate(() => window.paho.received('second'));
    const expected = [...Array(count).keys()].map(String).concat('live');
    assertSameSequence(received.map((m) => m.text), expected, 'the queued messages');
    assert.ok(received.every((m) => m.qos === 1 && m.topic === 'queue/n'));
    assert.deepEqual(await page.evaluate(() => window.paho.received('first')), []);
  });
});

test('a binary payload (bytes 0..255) travels unchanged to and from Paho JS', { timeout: 90000 }, async () => {
  await withPaho('paho-binary', async ({ device, page }) => {
    const bytes = [...Array(256).keys()];
    const fromPaho = await collect(device, 'bin/paho/#');
    await page.evaluate(() => window.paho.connect('app', 'paho-binary'));
    assert.deepEqual(await page.evaluate(() => window.paho.subscribe('app', 'bin/#', 2)), [2]);
    for (const qos of [0, 1, 2]) {
      await page.evaluate(([q, b]) => window.paho.publish('app', `bin/paho/q${q}`, b, q), [qos, bytes]);
      await device.publishAsync(`bin/sensor/q${qos}`, Buffer.from(bytes), { qos });
    }
    await page.evaluate(() => window.paho.publish('app', 'bin/paho/end', 'end', 2));
    await device.publishAsync('bin/sensor/end', 'end', { qos: 2 });
    await waitForPaho(page, 'app', 'bin/paho/end', 'end');
    await waitForPaho(page, 'app', 'bin/sensor/end', 'end');
    await until(() => fromPaho.some((m) => m.topic === 'bin/paho/end'), 'bin/paho/end at the sensor');

    const received = (await page.evaluate(() => window.paho.received('app', 'bin/')))
      .filter((m) => !m.topic.endsWith('/end'))
      .sort((a, b) => a.topic.localeCompare(b.topic));
    assert.deepEqual(received.map((m) => [m.topic, m.qos]), [
      ['bin/paho/q0', 0], ['bin/paho/q1', 1], ['bin/paho/q2', 2],
      ['bin/sensor/q0', 0], ['bin/sensor/q1', 1], ['bin/sensor/q2', 2]]);
    for (const m of received) assert.deepEqual(m.bytes, bytes, m.topic);
    const atSensor = fromPaho.filter((m) => !m.topic.endsWith('/end'))
      .sort((a, b) => a.topic.localeCompare(b.topic));
    assert.deepEqual(atSensor.map((m) => m.topic), ['bin/paho/q0', 'bin/paho/q1', 'bin/paho/q2']);
    for (const m of atSensor) assert.deepEqual([...m.payload], bytes, m.topic);
  });
});
