/**
 * `npm run temporal:cli`: finds (or builds once with `go install`) the Temporal CLI used by the dev stack
 * and the tests, then prints its path and version.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { findTemporalCli, TEMPORAL_CLI_VERSION } from '../src/devstack/temporal-cli.js';

const path = await findTemporalCli().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
});

if (!path) {
  process.stderr.write(
    `No Temporal CLI found. Either:\n` +
      `  - install Go (https://go.dev/dl/) and re-run \`npm run temporal:cli\` (builds v${TEMPORAL_CLI_VERSION}, 3–4 min once),\n` +
      `  - put \`temporal\` v${TEMPORAL_CLI_VERSION} on your PATH (https://docs.temporal.io/cli),\n` +
      `  - or set TEMPORAL_CLI_PATH to its full path.\n`,
  );
  process.exit(1);
}

const { stdout } = await promisify(execFile)(path, ['--version']);
process.stdout.write(`${path}\n${stdout.trim()}\n`);
