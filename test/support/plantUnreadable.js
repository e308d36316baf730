// A preload (`node -r`) that makes the first fstat of the process answer nothing, so reading the hub
// file fails inside tunnelsmith's own code (tests read the stack trace --debug prints for it).
'use strict';
const fs = require('node:fs');

const fstatSync = fs.fstatSync;
let planted = false;
fs.fstatSync = function (...args) {
  const stat = fstatSync.apply(this, args);
  if (planted) return stat;
  planted = true;
  return null;
};
