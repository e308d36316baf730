// Preload for kill tests (node -r): counts the renames and fsyncs this process makes under
// TUNNELSMITH_TEST_OPS_UNDER (the calls that make a write visible or durable) and kills the process with
// SIGKILL right before call number TUNNELSMITH_TEST_KILL_AT_OP (1-based). With
// TUNNELSMITH_TEST_OPS_FILE set, the list of counted calls is written there when the process exits.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const under = process.env.TUNNELSMITH_TEST_OPS_UNDER;
const killAt = Number(process.env.TUNNELSMITH_TEST_KILL_AT_OP || 0);
const opsFile = process.env.TUNNELSMITH_TEST_OPS_FILE;
const ops = [];

function inside(p) {
  if (!under || typeof p !== 'string') return false;
  const abs = path.resolve(p);
  return abs === under || abs.startsWith(`${under}/`);
}

function fdPath(fd) {
  try {
    return fs.readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return undefined;
  }
}

function step(what, target) {
  if (!inside(target)) return;
  ops.push(`${what} ${path.relative(under, target) || '.'}`);
  if (ops.length === killAt) process.kill(process.pid, 'SIGKILL');
}

const { renameSync, rename, fsync, fsyncSync } = fs;
fs.renameSync = function (from, to) {
  step('rename', String(to));
  return renameSync.apply(this, arguments);
};
fs.rename = function (from, to) {
  step('rename', String(to));
  return rename.apply(this, arguments);
};
const promisesRename = fs.promises.rename;
fs.promises.rename = function (from, to) {
  step('rename', String(to));
  return promisesRename.apply(this, arguments);
};
fs.fsync = function (fd) {
  step('fsync', fdPath(fd));
  return fsync.apply(this, arguments);
};
fs.fsyncSync = function (fd) {
  step('fsync', fdPath(fd));
  return fsyncSync.apply(this, arguments);
};

if (opsFile) process.on('exit', () => fs.writeFileSync(opsFile, JSON.stringify(ops)));
