// Runs dynalite (DynamoDB) for the local runtime, listening on loopback only, with what dynalite-extensions.js
// adds (TTL, encryption at rest and deletion protection in table descriptions).
// Usage (forked with an IPC channel): node dynamodb-server.js <port> [dataDir]; sends { ready: port }.
// LOCAL_DYNAMODB_TTL_SWEEP_SECONDS: how often expired items are deleted (default 60; tests use 1).
const { createDynamoDbServer } = require('./dynalite-extensions');
const { exitWithParent, reportListenError, reportReady } = require('./emulator-child');

const DEFAULT_TTL_SWEEP_SECONDS = 60;

const [portArg, dataDir] = process.argv.slice(2);
const sweepSeconds = Number(process.env.LOCAL_DYNAMODB_TTL_SWEEP_SECONDS ?? DEFAULT_TTL_SWEEP_SECONDS);
if (!(sweepSeconds > 0)) {
  process.stderr.write(
    `LOCAL_DYNAMODB_TTL_SWEEP_SECONDS must be a number of seconds above 0, not "${process.env.LOCAL_DYNAMODB_TTL_SWEEP_SECONDS}"\n`,
  );
  process.exit(1);
}
const { server, close } = createDynamoDbServer(
  { path: dataDir || undefined, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 },
  { ttlSweepIntervalMs: sweepSeconds * 1000, log: (line) => process.stdout.write(`${line}\n`) },
);

server.on('error', (error) => reportListenError(error));
server.listen(Number(portArg), '127.0.0.1', () => reportReady(server.address().port));
exitWithParent(close);
