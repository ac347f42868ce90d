// What the browser tests share: a telemq process on private ports, a headless Chromium with a
// fresh profile, and an MQTT client over TCP standing in for a sensor.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync, createWriteStream } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import mqtt from 'mqtt';

const here = dirname(fileURLToPath(import.meta.url));
export const outputDir = process.env.TELEMQ_BROWSER_OUTPUT || join(here, 'output');
export const mqttBundle = join(here, 'node_modules', 'mqtt', 'dist', 'mqtt.min.js');
export const pahoBundle = join(here, 'node_modules', 'paho-mqtt', 'paho-mqtt.js');

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Starts telemq with mqtt:// and ws:// listeners; wsOptions is the ws URL's query.
export async function startBroker(name, wsOptions = '') {
  const mqttPort = await freePort();
  const wsPort = await freePort();
  const work = mkdtempSync(join(tmpdir(), 'telemq-browser-'));
  mkdirSync(outputDir, { recursive: true });
  const log = createWriteStream(join(outputDir, name + '.broker.log'));
  const wsUrl = `ws://127.0.0.1:${wsPort}/mqtt` + (wsOptions ? '?' + wsOptions : '');
  const child = spawn(process.env.TELEMQ_BINARY, [
    '--listen', `mqtt://127.0.0.1:${mqttPort}`, '--listen', wsUrl,
    '--data-dir', join(work, 'data'), '--durability', 'memory', '--admin-listen', 'off'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited = false;
  child.once('exit', () => { exited = true; });
  for (let attempt = 0; attempt < 200 && !exited; attempt++) {
    if (await canConnect(wsPort) && await canConnect(mqttPort)) {
      return {
        mqttPort, wsPort, origin: `http://127.0.0.1:${wsPort}`,
        async stop() {
          if (!exited) {
            child.kill('SIGTERM');
            for (let i = 0; i < 100 && !exited; i++) await sleep(100);
            if (!exited) child.kill('SIGKILL');
          }
          rmSync(work, { recursive: true, force: true });
        },
      };
    }
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`telemq did not start (see ${join(outputDir, name + '.broker.log')})`);
}

// Debian's Chromium, headless, in a profile of its own that is thrown away afterwards.
export async function launchBrowser() {
  const profile = mkdtempSync(join(tmpdir(), 'telemq-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1360, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
      '--disable-component-update', '--no-first-run'],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// An MQTT client over TCP: the sensor side.
export function sensor(port) {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, { protocolVersion: 5, reconnectPeriod: 0 });
    client.once('connect', () => resolve(client));
    client.once('error', reject);
  });
}
