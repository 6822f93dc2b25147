// Runs fauxqs (SQS) for the local runtime. Started as a child process because fauxqs is ESM-only.
// Usage: node sqs-server.mjs <port> [dataDir]; prints "READY <port>" once listening.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startFauxqs } from 'fauxqs';

const [portArg, dataDir] = process.argv.slice(2);

// fauxqs builds queue URLs as http://sqs.<region>.localhost:<port>/…, a host that does not resolve
// everywhere, and the AWS SDK sends SQS calls to the QueueUrl's host. URLs on 127.0.0.1 work for
// the SDK and the AWS CLI alike; fauxqs looks queues up by name, so the host is free to choose.
const fauxqsDist = path.dirname(fileURLToPath(import.meta.resolve('fauxqs')));
const { SqsStore } = await import(pathToFileURL(path.join(fauxqsDist, 'sqs', 'sqsStore.js')).href);
SqsStore.prototype.buildQueueUrl = (queueName, port) => `http://127.0.0.1:${port}/000000000000/${queueName}`;

const server = await startFauxqs({ port: Number(portArg), logger: false, ...(dataDir ? { dataDir } : {}) });
process.stdout.write(`READY ${server.port}\n`);

const stop = async () => {
  await server.stop();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
