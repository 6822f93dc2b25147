// Runs dynalite (DynamoDB) for the local runtime, listening on loopback only.
// Usage (forked with an IPC channel): node dynamodb-server.js <port> [dataDir]; sends { ready: port }.
const dynalite = require('dynalite');
const { exitWithParent, reportListenError, reportReady } = require('./emulator-child');

const [portArg, dataDir] = process.argv.slice(2);
const server = dynalite({ path: dataDir || undefined, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });

server.on('error', (error) => reportListenError(error));
server.listen(Number(portArg), '127.0.0.1', () => reportReady(server.address().port));
exitWithParent(() => new Promise((resolve) => server.close(() => resolve())));
