// Runs fauxqs (SQS) for the local runtime. Started as a child process because fauxqs is ESM-only.
// Usage (forked with an IPC channel): node sqs-server.mjs <port> [dataDir]; sends { ready: port }.
import net from 'node:net';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startFauxqs } from 'fauxqs';
import { extendFauxqs } from './sqs-extensions.mjs';

const { exitWithParent, reportListenError, reportReady } = createRequire(import.meta.url)('./emulator-child.js');
const [portArg, dataDir] = process.argv.slice(2);

// fauxqs 2.4.1 always listens on 0.0.0.0, which would put an unauthenticated queue on every
// network this machine is on. In this process, every listen on "all addresses" binds loopback.
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenOnLoopback(...args) {
  if (args[0] && typeof args[0] === 'object' && ['0.0.0.0', '::', undefined].includes(args[0].host)) {
    args[0] = { ...args[0], host: '127.0.0.1' };
  }
  return listen.apply(this, args);
};

// fauxqs builds queue URLs as http://sqs.<region>.localhost:<port>/…, a host that does not resolve
// everywhere, and the AWS SDK sends SQS calls to the QueueUrl's host. URLs on 127.0.0.1 work for
// the SDK and the AWS CLI alike; fauxqs looks queues up by name, so the host is free to choose.
const fauxqsDist = path.dirname(fileURLToPath(import.meta.resolve('fauxqs')));
const { SqsStore } = await import(pathToFileURL(path.join(fauxqsDist, 'sqs', 'sqsStore.js')).href);
SqsStore.prototype.buildQueueUrl = (queueName, port) => `http://127.0.0.1:${port}/000000000000/${queueName}`;

// fauxqs 2.4.1 persists "visibility back to 0" (ChangeMessageVisibility with 0, as DLQ inspect and
// redrive use) by writing NULL into the NOT NULL receive-count column: the call fails with a 500
// after the message has left the in-flight set, and the message is lost until a restart. Only the
// in-flight columns need clearing; the receive count stays what it was.
const { PersistenceManager } = await import(pathToFileURL(path.join(fauxqsDist, 'persistence.js')).href);
PersistenceManager.prototype.updateMessageReady = function updateMessageReady(messageId) {
  this.markMessageReady ??= this.db.prepare(
    'UPDATE sqs_messages SET receipt_handle = NULL, visibility_deadline = NULL WHERE message_id = ?',
  );
  this.markMessageReady.run(messageId);
};

// What else fauxqs does differently from SQS in ways a client can see (the redrive actions, system attributes,
// SenderId, receipt handles): see sqs-extensions.mjs.
await extendFauxqs(fauxqsDist);

let server;
try {
  server = await startFauxqs({ port: Number(portArg), logger: false, ...(dataDir ? { dataDir } : {}) });
} catch (error) {
  reportListenError(error);
}
exitWithParent(() => server.stop());
reportReady(server.port);
