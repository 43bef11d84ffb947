#!/usr/bin/env node
// `npm run serve [-- --port N --data-dir DIR]`: browser mode, the same UI and brain served on 127.0.0.1.
import { build, foreground } from './lib.mjs';

build();
foreground(process.execPath, ['out/main/serve.js', ...process.argv.slice(2)]);
