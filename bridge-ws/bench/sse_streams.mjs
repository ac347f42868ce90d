// Holds many GET /events streams open against a running broker and measures what they cost:
// the broker's resident memory per stream, and how fast a burst of messages reaches all of them.
// Node's standard library only.
//
//   node bridge-ws/bench/sse_streams.mjs --port 8080 --pid $(pidof telemq) --streams 1000 --messages 200
//
// Run the broker with enough file descriptors (ulimit -n 4096) for the streams.
import net from 'node:net';
import { readFileSync } from 'node:fs';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) =>
  (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []));
const port = Number(args.port ?? 8080);
const pid = args.pid;
const streamCount = Number(args.streams ?? 1000);
const messages = Number(args.messages ?? 200);
const deadline = (seconds) => Date.now() + seconds * 1000;

function rssKiB() {
  if (!pid) return NaN;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]);
}

function openStream() {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const stream = { socket, events: 0, live: false, tail: '' };
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      // Count complete events whose data starts with {"id": (the live message events).
      const text = stream.tail + chunk;
      const lines = text.split('\n');
      stream.tail = lines.pop();
      for (const line of lines) {
        if (line.startsWith('event: live')) {
          stream.live = true;
          resolve(stream);
        } else if (line.startsWith('data: {"id":') && line.includes('"topic"')) {
          stream.events += 1;
        }
      }
    });
    socket.on('error', reject);
    socket.write(`GET /events?topic=bench%2F%23 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  });
}

function publish(i) {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ n: i, value: Math.random() });
    const socket = net.connect(port, '127.0.0.1', () => socket.end(
      `POST /publish?topic=bench%2Fs${i % 10} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
      `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`));
    socket.on('data', () => {});
    socket.on('close', resolve);
    socket.on('error', reject);
  });
}

const rss0 = rssKiB();
const streams = [];
const openUntil = deadline(120);
while (streams.length < streamCount && Date.now() < openUntil) {
  const batch = Math.min(100, streamCount - streams.length);
  streams.push(...await Promise.all(Array.from({ length: batch }, openStream)));
}
await new Promise((resolve) => setTimeout(resolve, 1000));
const rss1 = rssKiB();

const started = Date.now();
for (let i = 0; i < messages; i++) {
  await publish(i);
}
const deliverUntil = deadline(120);
while (streams.some((s) => s.events < messages) && Date.now() < deliverUntil) {
  await new Promise((resolve) => setTimeout(resolve, 20));
}
const elapsed = (Date.now() - started) / 1000;
const complete = streams.filter((s) => s.events >= messages).length;
const rss2 = rssKiB();
for (const s of streams) s.socket.destroy();

console.log(`streams open:            ${streams.length}`);
console.log(`broker RSS before:       ${(rss0 / 1024).toFixed(1)} MiB`);
console.log(`broker RSS with streams: ${(rss1 / 1024).toFixed(1)} MiB ` +
  `(${((rss1 - rss0) / streams.length).toFixed(1)} KiB per stream)`);
console.log(`broker RSS after burst:  ${(rss2 / 1024).toFixed(1)} MiB`);
console.log(`burst:                   ${messages} messages x ${streams.length} streams in ` +
  `${elapsed.toFixed(2)} s = ${Math.round(messages * streams.length / elapsed)} events/s delivered`);
console.log(`streams with every event: ${complete} of ${streams.length}`);
process.exit(complete === streams.length ? 0 : 1);
