// Stands in for the `bindings` package inside the single-file binary (build/binary.ts aliases
// it). better-sqlite3 asks `bindings('better_sqlite3.node')` for its native addon; here the
// addon is an SEA asset, so it is written to a private temporary file, loaded with
// process.dlopen, and the file removed at once (the loaded library stays mapped).
'use strict';

const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const sea = require('node:sea');

const loaded = new Map();

function loadAsset(name) {
  let bytes;
  try {
    bytes = Buffer.from(sea.getAsset(name));
  } catch (err) {
    throw new Error(`native addon ${name} is not inside this binary (${err.message}); rebuild it with npm run build:binary`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'eas-push-native-'));
  try {
    const file = join(dir, name);
    writeFileSync(file, bytes, { mode: 0o700 });
    const module = { exports: {} };
    try {
      process.dlopen(module, file);
    } catch (err) {
      throw new Error(`cannot load native addon ${name} from ${dir}: ${err.message} (is the temp directory mounted noexec? set TMPDIR to one that is not)`);
    }
    return module.exports;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = function bindings(name) {
  const file = name.endsWith('.node') ? name : `${name}.node`;
  if (!loaded.has(file)) loaded.set(file, loadAsset(file));
  return loaded.get(file);
};
