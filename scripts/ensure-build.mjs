// Builds when the sources are newer than the last build. Used by `npm start` and the test setup.
//   node scripts/ensure-build.mjs            build server+web if stale
//   node scripts/ensure-build.mjs --web-only build the web UI if stale
//   node scripts/ensure-build.mjs --stamp    record that a full build just finished
//   --test-web (with --web-only)             also the test build of the web UI (dist/web-test, `--mode test`)
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const args = new Set(process.argv.slice(2));

function newest(dir) {
  let latest = 0;
  if (!fs.existsSync(dir)) return latest;
  if (!fs.statSync(dir).isDirectory()) return fs.statSync(dir).mtimeMs;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return latest;
}

const stampFile = (name) => path.join(root, 'dist', `.${name}-stamp`);
const stale = (name, inputs) => {
  const stamp = stampFile(name);
  if (!fs.existsSync(stamp)) return true;
  const built = fs.statSync(stamp).mtimeMs;
  return inputs.some((p) => newest(path.join(root, p)) > built);
};
const stamp = (name) => {
  fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
  fs.writeFileSync(stampFile(name), new Date().toISOString());
};

const webInputs = ['src/web', 'src/sdk', 'src/protocol', 'src/mls', 'index.html', 'vite.config.ts', 'scripts/web-build', 'public'];
const serverInputs = ['src/server', 'src/sdk', 'src/protocol', 'tsconfig.build.json'];

if (args.has('--stamp')) {
  stamp('web');
  stamp('server');
} else {
  const run = (cmd) => execSync(cmd, { cwd: root, stdio: 'inherit' });
  if (stale('web', webInputs)) {
    run('npx vite build --logLevel warn');
    stamp('web');
  }
  if (args.has('--test-web') && stale('web-test', webInputs)) {
    run('npx vite build --mode test --logLevel warn');
    stamp('web-test');
  }
  if (!args.has('--web-only') && stale('server', serverInputs)) {
    run('npx tsc -p tsconfig.build.json');
    stamp('server');
  }
}
