// Runs the browser tests with node's test runner, or exits 77 (ctest: skipped) saying what is
// missing: the npm packages (bash tests/browser/prepare.sh), Chromium, or the broker binary.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const missing = [];
if (!['playwright-core', 'mqtt', 'paho-mqtt'].every((name) => existsSync(join(here, 'node_modules', name)))) {
  missing.push('npm packages (run: bash tests/browser/prepare.sh)');
}
if (!existsSync('/usr/bin/chromium')) {
  missing.push('/usr/bin/chromium (apt-get install chromium)');
}
if (!process.env.TELEMQ_BINARY || !existsSync(process.env.TELEMQ_BINARY)) {
  missing.push('the telemq binary (TELEMQ_BINARY)');
}
if (missing.length > 0) {
  console.log('browser tests skipped, missing: ' + missing.join('; '));
  process.exit(77);
}
// One file at a time: two brokers and browsers at once would compete for the cores.
const result = spawnSync(process.execPath, ['--test', '--test-reporter=spec', '--test-concurrency=1',
  join(here, 'bridge.test.mjs'), join(here, 'paho.test.mjs')], { stdio: 'inherit' });
process.exit(result.status ?? 1);
