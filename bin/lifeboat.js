#!/usr/bin/env node
'use strict';
// The `lifeboat` command: a thin launcher for the compiled engine CLI.
const path = require('node:path');
const fs = require('node:fs');
const entry = path.join(__dirname, '..', 'dist', 'electron', 'cli', 'main.js');
if (!fs.existsSync(entry)) {
  process.stderr.write('lifeboat: the engine is not built yet.\nRun `npm run build` (or `npm ci`) in ' + path.dirname(__dirname) + ' first.\n');
  process.exit(1);
}
require(entry).runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
