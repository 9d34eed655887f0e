// Part of `npm run build`: runs the bundled CLI once (`--help`, which loads every command) and
// saves V8's code cache for it as dist/cli.cjs.cache (see main/cli/load-bundle.cjs).
'use strict';
const path = require('node:path');
const { loadBundle } = require('../main/cli/load-bundle.cjs');

loadBundle(path.join(__dirname, '..', 'dist', 'cli.cjs'), { writeCache: true });
