// A preload (`node -r`) that writes, as the process exits, every file the process loaded through
// require (Node's module cache) as a JSON array into the file named by TUNNELSMITH_TEST_LOADED_MODULES.
'use strict';
const fs = require('node:fs');

const target = process.env.TUNNELSMITH_TEST_LOADED_MODULES;
if (target) process.on('exit', () => fs.writeFileSync(target, JSON.stringify(Object.keys(require.cache))));
