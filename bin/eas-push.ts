#!/usr/bin/env tsx
// eas-push command line: `serve`, `user add|list|remove|passwd`. See `eas-push --help`.

import { runCli } from './process-io.js';

await runCli(process.argv.slice(2));
