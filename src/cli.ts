#!/usr/bin/env node
// The `buzzwatch` command. For `start`, the first thing done is to listen for SIGHUP (a config reload), whose default
// action ends the process (see cli/reload-signal.ts); only then is the command line itself loaded, as its modules
// and the config take a second or more on a busy machine. Other commands keep SIGHUP's default: a hung-up terminal
// ends a report or a backtest.
import { listenForReloadSignals } from './cli/reload-signal.js';

if (process.argv[2] === 'start') listenForReloadSignals();
await import('./cli/command-line.js');
