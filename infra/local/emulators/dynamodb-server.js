// Runs dynalite (DynamoDB) for the local runtime, listening on loopback only.
// Usage: node dynamodb-server.js <port> [dataDir]; prints "READY <port>" once listening.
const dynalite = require('dynalite');

const [portArg, dataDir] = process.argv.slice(2);
const server = dynalite({ path: dataDir || undefined, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });

server.listen(Number(portArg), '127.0.0.1', () => {
  process.stdout.write(`READY ${server.address().port}\n`);
});
server.on('error', (error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
