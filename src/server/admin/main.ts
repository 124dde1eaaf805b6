import { runAdmin } from './cli.js';

/** Entry of `npm run admin` and the `parley-admin` bin. */
const code = await runAdmin(process.argv.slice(2), process.env, {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
});
process.exitCode = code;
