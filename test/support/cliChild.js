// Runs the tunnelsmith CLI from its TypeScript sources in a child process (kill, lock race and pipe
// tests): the sources load through ./tsRegister.js, then the real bin entry runs.
'use strict';
const path = require('node:path');

require('./tsRegister');
require(path.resolve(__dirname, '..', '..', 'src', 'cli', 'main.ts'));
