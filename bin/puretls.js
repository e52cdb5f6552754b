#!/usr/bin/env node
// Entry point of the installed package: runs the compiled CLI (src/tools/cli.ts).
import '../dist/tools/cli.js';
