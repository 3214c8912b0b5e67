// A throwaway PostgreSQL for run.sh when it is given no URL: the test suite's private cluster
// (scripts/private-postgres.ts: Debian's server binaries, a temp dir, a free loopback port).
// Prints the URL of a fresh empty database, then lives until its standard input closes, which
// happens when run.sh ends however it ends; the cluster and its files go with this process.
// Ctrl-C is ignored here: run.sh stops the nodes first, then closes the pipe.

import { createPgDatabase } from '../../scripts/private-postgres.js';

const db = await createPgDatabase();
process.stdout.write(`${db.url}\n`);
process.on('SIGINT', () => {});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
