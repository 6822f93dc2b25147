// What dynalite 4 lacks for the tables our template defines, added inside its own process so that every
// client sees the same thing: the runtime, the functions (through their counting proxies) and a user's AWS
// CLI on the DynamoDB port.
// - UpdateTimeToLive and DescribeTimeToLive with AWS's rules (dynamodb-ttl.js), the setting stored in
//   dynalite's LevelDB beside its tables (so it persists when dynalite does), and a sweeper that deletes
//   expired items through dynalite's own DeleteItem, in this process: never through the counting proxies,
//   as TTL deletes are not billed on AWS.
// - SSESpecification and DeletionProtectionEnabled on CreateTable and UpdateTable, shown by DescribeTable as
//   AWS shows them (dynamodb-encryption.js), and an on-demand table's WarmThroughput; DeleteTable refuses a
//   protected table.
// dynalite offers no hooks: this module extends its request validation (exported objects) and wraps three of
// its action modules in the require cache, so it must be loaded before dynalite.
const { randomBytes } = require('node:crypto');
const { crc32 } = require('node:zlib');
const { timeToLiveDescription, isExpired, updateTimeToLive } = require('./dynamodb-ttl');
const { encryptionDescription } = require('./dynamodb-encryption');

const dynaliteVersion = require('dynalite/package.json').version;
if (!dynaliteVersion.startsWith('4.')) {
  throw new Error(`dynalite-extensions.js relies on dynalite 4's module layout; dynalite ${dynaliteVersion} is installed`);
}
if (require.cache[require.resolve('dynalite')]) throw new Error('dynalite-extensions.js must be loaded before dynalite');

const db = require('dynalite/db');
const validations = require('dynalite/validations');

const INVALID = 'One or more parameter values were invalid: ';
const API_PREFIX = 'DynamoDB_20120810.';
/** TTL settings live in dynalite's LevelDB under a prefix of their own (dynalite's are table~, item-, index-, tag-). */
const TTL_PREFIX = 'ttl~';

const location = (store) => ({ account: store.tableDb.awsAccountId, region: store.tableDb.awsRegion });

const callback = (resolve, reject) => (error, value) => (error ? reject(error) : resolve(value));
const getTable = (store, name) => new Promise((resolve, reject) => store.getTable(name, false, callback(resolve, reject)));
const putTable = (store, table) => new Promise((resolve, reject) => store.tableDb.put(table.TableName, table, callback(resolve, reject)));

/** Runs `work` holding dynalite's lock on the table, the one its own table operations take. */
const withTableLock = (store, name, work) =>
  new Promise((resolve, reject) =>
    store.tableDb.lock(name, (release) => {
      const done = release(callback(resolve, reject));
      work().then(
        (value) => done(null, value),
        (error) => done(error),
      );
    }),
  );

// ---- TTL settings ----

/** The table's stored TTL setting; one left by a deleted table of the same name does not count. */
const readTtlSetting = (store, table) =>
  new Promise((resolve, reject) =>
    store.db.get(TTL_PREFIX + table.TableName, (error, setting) => {
      if (error && error.name !== 'NotFoundError') return reject(error);
      resolve(setting?.tableId === table.TableId ? setting : undefined);
    }),
  );

const writeTtlSetting = (store, table, setting) =>
  new Promise((resolve, reject) =>
    store.db.put(
      TTL_PREFIX + table.TableName,
      { ...setting, tableName: table.TableName, tableId: table.TableId },
      callback(resolve, reject),
    ),
  );

const deleteTtlSetting = (store, tableName) => new Promise((resolve) => store.db.del(TTL_PREFIX + tableName, () => resolve()));

const readAllTtlSettings = async (store) => {
  const settings = [];
  for await (const setting of store.db.createValueStream({ gte: TTL_PREFIX, lt: `${TTL_PREFIX}\xff` })) settings.push(setting);
  return settings;
};

// ---- Operations dynalite does not route: its own HTTP handling, validation and error shapes, reproduced ----

const TABLE_NAME_TYPE = { type: 'String', required: true, tableName: true, regex: '[a-zA-Z0-9_.-]+' };

const extraOperations = {
  DescribeTimeToLive: {
    types: { TableName: TABLE_NAME_TYPE },
    run: async (store, { TableName }) => {
      const table = await getTable(store, TableName);
      return { TimeToLiveDescription: timeToLiveDescription(await readTtlSetting(store, table)) };
    },
  },
  UpdateTimeToLive: {
    types: {
      TableName: TABLE_NAME_TYPE,
      TimeToLiveSpecification: {
        type: 'FieldStruct<TimeToLiveSpecification>',
        notNull: true,
        children: {
          Enabled: { type: 'Boolean', notNull: true },
          AttributeName: { type: 'String', notNull: true, lengthGreaterThanOrEqual: 1, lengthLessThanOrEqual: 255 },
        },
      },
    },
    run: (store, { TableName, TimeToLiveSpecification: specification }) =>
      withTableLock(store, TableName, async () => {
        const table = await getTable(store, TableName);
        const { setting, error } = updateTimeToLive(await readTtlSetting(store, table), specification, Date.now());
        if (error) throw db.validationError(error);
        await writeTtlSetting(store, table, setting);
        return { TimeToLiveSpecification: { Enabled: specification.Enabled, AttributeName: specification.AttributeName } };
      }),
  },
};

const send = (res, statusCode, data, contentType) => {
  const body = JSON.stringify(data);
  res.statusCode = statusCode;
  res.setHeader('x-amz-crc32', crc32(body));
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
};

const handleExtraOperation = (store, operation, req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', async () => {
    // As dynalite answers: a 52-character request id, the JSON content type the client used.
    res.setHeader('x-amzn-RequestId', randomBytes(39).toString('base64').toUpperCase().replace(/\+|\//g, '0'));
    const contentType = String(req.headers['content-type']).startsWith('application/x-amz-json-1.0')
      ? 'application/x-amz-json-1.0'
      : 'application/json';
    if (!req.headers.authorization && !/[?&]X-Amz-Algorithm=/.test(req.url ?? '')) {
      return send(
        res,
        400,
        { __type: 'com.amazon.coral.service#MissingAuthenticationTokenException', message: 'Request is missing Authentication Token' },
        contentType,
      );
    }
    try {
      const parsed = JSON.parse(Buffer.concat(chunks).toString());
      if (parsed === null || typeof parsed !== 'object') throw new SyntaxError('not an object');
      const data = validations.checkTypes(parsed, operation.types);
      validations.checkValidations(data, operation.types, undefined, store);
      send(res, 200, await operation.run(store, data), contentType);
    } catch (error) {
      if (error instanceof SyntaxError) return send(res, 400, { __type: 'com.amazon.coral.service#SerializationException' }, contentType);
      if (error.statusCode) return send(res, error.statusCode, error.body, contentType);
      send(
        res,
        500,
        { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: String(error?.message ?? error) },
        contentType,
      );
    }
  });
};

// ---- CreateTable, UpdateTable, DeleteTable: encryption at rest and deletion protection ----

const SSE_SPECIFICATION_TYPE = {
  type: 'FieldStruct<SSESpecification>',
  children: {
    Enabled: { type: 'Boolean' },
    SSEType: { type: 'String', enum: ['AES256', 'KMS'] },
    KMSMasterKeyId: { type: 'String' },
  },
};

const extendValidation = (operation, types, custom) => {
  const validation = require(`dynalite/validations/${operation}`);
  Object.assign(validation.types, types);
  const dynaliteCustom = validation.custom;
  validation.custom = (data, store) => custom(data, store, dynaliteCustom);
};

const wrapAction = (operation, wrap) => {
  const file = require.resolve(`dynalite/actions/${operation}`);
  const original = require(file);
  require.cache[file].exports = wrap(original);
};

extendValidation(
  'createTable',
  { SSESpecification: SSE_SPECIFICATION_TYPE, DeletionProtectionEnabled: { type: 'Boolean' } },
  (data, store, dynaliteCustom) => dynaliteCustom(data, store) ?? encryptionDescription(data.SSESpecification, location(store)).error,
);

// dynalite stores the validated request as the table's description: the request's members become the description's.
wrapAction('createTable', (createTable) => (store, data, cb) => {
  const { description } = encryptionDescription(data.SSESpecification, location(store));
  delete data.SSESpecification;
  if (description) data.SSEDescription = description;
  data.DeletionProtectionEnabled = data.DeletionProtectionEnabled === true;
  // What AWS gives a new on-demand table, and shows in its description.
  if (data.BillingMode === 'PAY_PER_REQUEST')
    data.WarmThroughput = { ReadUnitsPerSecond: 12000, WriteUnitsPerSecond: 4000, Status: 'ACTIVE' };
  createTable(store, data, cb);
});

/** UpdateTable members that AWS accepts only alone, in the order its message names them. */
const exclusiveUpdate = (data) => {
  if (data.SSESpecification) return 'Server-Side Encryption';
  if (data.DeletionProtectionEnabled !== undefined) return 'DeletionProtection';
  return undefined;
};

extendValidation(
  'updateTable',
  { SSESpecification: SSE_SPECIFICATION_TYPE, DeletionProtectionEnabled: { type: 'Boolean' } },
  (data, store, dynaliteCustom) => {
    const exclusive = exclusiveUpdate(data);
    if (!exclusive) return dynaliteCustom(data, store);
    const members = Object.keys(data).filter((member) => member !== 'TableName');
    if (members.length > 1) return `${INVALID}${exclusive} modification must be the only operation in the request`;
    if (data.SSESpecification) return encryptionDescription(data.SSESpecification, location(store)).error;
    return undefined;
  },
);

// AWS shows an encryption change as UPDATING for some 20 s and a protection change at once; locally both are at once.
wrapAction('updateTable', (updateTable) => (store, data, cb) => {
  if (!exclusiveUpdate(data)) return updateTable(store, data, cb);
  withTableLock(store, data.TableName, async () => {
    const table = await getTable(store, data.TableName);
    if (data.DeletionProtectionEnabled !== undefined) table.DeletionProtectionEnabled = data.DeletionProtectionEnabled;
    if (data.SSESpecification) {
      const { description } = encryptionDescription(data.SSESpecification, location(store));
      if (description) table.SSEDescription = description;
      else delete table.SSEDescription;
    }
    await putTable(store, table);
    return { TableDescription: table };
  }).then((result) => cb(null, result), cb);
});

wrapAction('deleteTable', (deleteTable) => (store, data, cb) => {
  store.getTable(data.TableName, false, (error, table) => {
    if (!error && table.DeletionProtectionEnabled) {
      return cb(
        db.validationError('Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.'),
      );
    }
    deleteTable(store, data, (deleteError, result) => {
      if (deleteError) return cb(deleteError);
      deleteTtlSetting(store, data.TableName).then(() => cb(null, result));
    });
  });
});

// ---- The TTL sweeper ----

const deleteItemValidation = require('dynalite/validations/deleteItem');
const deleteItem = require('dynalite/actions/deleteItem');

/** Deletes `item` through dynalite's DeleteItem, on condition that its TTL value is still the one found expired. */
const deleteExpiredItem = (store, table, item, attributeName) =>
  new Promise((resolve, reject) => {
    const request = validations.checkTypes(
      {
        TableName: table.TableName,
        Key: Object.fromEntries(table.KeySchema.map(({ AttributeName }) => [AttributeName, item[AttributeName]])),
        ConditionExpression: '#ttl = :expiresAt',
        ExpressionAttributeNames: { '#ttl': attributeName },
        ExpressionAttributeValues: { ':expiresAt': item[attributeName] },
      },
      deleteItemValidation.types,
    );
    validations.checkValidations(request, deleteItemValidation.types, deleteItemValidation.custom, store);
    deleteItem(store, request, (error) => {
      if (!error) return resolve(true);
      // Updated since it was found expired: its new TTL value is judged at the next sweep.
      if (String(error.body?.__type).endsWith('ConditionalCheckFailedException')) return resolve(false);
      reject(error);
    });
  });

class TtlSweeper {
  constructor(store, { intervalMs, log }) {
    this.store = store;
    this.intervalMs = intervalMs;
    this.log = log;
    this.stopped = false;
  }

  start() {
    this.timer = setTimeout(() => {
      this.sweeping = this.sweep()
        .catch((error) => this.log(`[ttl] sweep failed: ${error?.stack ?? error}`))
        .finally(() => {
          this.sweeping = undefined;
          if (!this.stopped) this.start();
        });
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Deletes every expired item of every table with TTL enabled; returns the count per table. */
  async sweep() {
    const deleted = {};
    for (const setting of await readAllTtlSettings(this.store)) {
      if (!setting.enabled || this.stopped) continue;
      const table = await getTable(this.store, setting.tableName).catch(() => undefined);
      if (table?.TableId !== setting.tableId || table.TableStatus !== 'ACTIVE') continue;
      const nowSeconds = Date.now() / 1000;
      const expired = [];
      for await (const item of this.store.getItemDb(table.TableName).createValueStream()) {
        if (isExpired(item, setting.attributeName, nowSeconds)) expired.push(item);
      }
      let count = 0;
      for (const item of expired) {
        if (this.stopped) break;
        if (await deleteExpiredItem(this.store, table, item, setting.attributeName)) count += 1;
      }
      if (count > 0) {
        deleted[table.TableName] = count;
        this.log(`[ttl] ${table.TableName}: deleted ${count} expired item${count === 1 ? '' : 's'} (${setting.attributeName})`);
      }
    }
    return deleted;
  }

  async stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.sweeping;
  }
}

/**
 * A dynalite server with these extensions and a TTL sweeper every `ttlSweepIntervalMs`. `close()` stops the
 * sweeper (letting a sweep under way finish its current delete) and then the server.
 */
const createDynamoDbServer = (dynaliteOptions, { ttlSweepIntervalMs, log }) => {
  let store;
  const createStore = db.create;
  db.create = (options) => {
    store = createStore(options);
    return store;
  };
  let server;
  try {
    server = require('dynalite')(dynaliteOptions);
  } finally {
    db.create = createStore;
  }
  const [dynaliteHandler] = server.listeners('request');
  server.removeAllListeners('request');
  server.on('request', (req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const name = target.startsWith(API_PREFIX) ? target.slice(API_PREFIX.length) : '';
    if (req.method === 'POST' && Object.hasOwn(extraOperations, name)) handleExtraOperation(store, extraOperations[name], req, res);
    else dynaliteHandler(req, res);
  });
  const sweeper = new TtlSweeper(store, { intervalMs: ttlSweepIntervalMs, log });
  sweeper.start();
  const close = async () => {
    await sweeper.stop();
    await new Promise((resolve) => server.close(() => resolve()));
  };
  return { server, sweeper, close };
};

module.exports = { createDynamoDbServer };
