// A score thread (see score-threads.ts): answers each request with what scoring and preparing its mentions gives, in
// the same order, packed (score-answer.ts). Nothing here touches Redis or PostgreSQL.
import { parentPort } from 'node:worker_threads';
import { packedAnswer, StringNumbering } from './score-answer.js';
import { answerScoreRequest } from './score-mention.js';

const port = parentPort;
if (port === null) throw new Error('score-thread.ts runs as a worker thread');
// The strings this thread has numbered for the pool, kept for the thread's life.
const numbering = new StringNumbering();
port.on('message', (request) => {
  const { message, transfer } = packedAnswer(answerScoreRequest(request), numbering);
  port.postMessage(message, transfer);
});
// Loaded (the scorers' code compiled, their tables built): the pool counts a thread ready from here.
port.postMessage({ ready: true });
