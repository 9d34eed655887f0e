#!/usr/bin/env node
// The `sftp-doctor` command: runs the bundled CLI built by `npm run build` (run by npm ci too).
'use strict';
const path = require('node:path');
const fs = require('node:fs');

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  // The version needs none of the program: answered before the bundle loads, about as fast as
  // Node itself starts (the bundle answers the same from package.json when run directly).
  process.stdout.write(`${require('../../package.json').version}\n`);
} else {
  const built = path.join(__dirname, '..', '..', 'dist', 'cli.cjs');
  if (!fs.existsSync(built)) {
    process.stderr.write('sftp-doctor is not built yet. Run "npm ci" (or "npm run build") in the project folder first.\n');
    process.exit(2);
  }
  require('./load-bundle.cjs').loadBundle(built);
}
