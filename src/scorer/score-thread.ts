// A score thread (see score-threads.ts): answers each request with what scoring and preparing its mentions gives, in
// the same order. Nothing here touches Redis or PostgreSQL.
import { parentPort } from 'node:worker_threads';
import { answerScoreRequest } from './score-mention.js';

const port = parentPort;
if (port === null) throw new Error('score-thread.ts runs as a worker thread');
port.on('message', (request) => port.postMessage(answerScoreRequest(request)));
// Loaded (the scorers' code compiled, their tables built): the pool counts a thread ready from here.
port.postMessage({ ready: true });
