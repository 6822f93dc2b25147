// Makes fauxqs 2.4.1 answer as SQS does where a handler, the AWS SDK or the AWS CLI can tell the difference, from
// inside its process (every client, the CLI included, talks to it directly or through pass-through proxies):
// - the DLQ redrive actions (sqs-move-tasks.js) and ListDeadLetterSourceQueues, which fauxqs does not know;
// - the message system attributes fauxqs drops: DeadLetterQueueSourceArn on a message SQS moved to its DLQ, and
//   AWSTraceHeader (the MessageSystemAttributes of a send, else its X-Amzn-Trace-Id header, as SQS takes it);
// - SenderId and receipt handles shaped like AWS's (sqs-message-identity.js);
// - FIFO queues: receives by message group, group order kept, deduplication for the whole window (sqs-fifo.mjs).
// All three attributes are kept with the message in fauxqs's database, so they survive a restart like the message.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { faithfulFifo } from './sqs-fifo.mjs';

const require = createRequire(import.meta.url);
const { MessageMoveTasks, listDeadLetterSourceQueues } = require('./sqs-move-tasks.js');
const { accessKeyIdOf, decodeReceiptHandle, encodeReceiptHandle, senderIdFor } = require('./sqs-message-identity.js');

/** The system attributes fauxqs does not keep, by their SQS names, held on a message as `systemAttributes`. */
const KEPT_SYSTEM_ATTRIBUTES = ['SenderId', 'AWSTraceHeader', 'DeadLetterQueueSourceArn'];
const FIFO_DEFAULT_GROUP = '__default';

const redrivePolicyOf = (queue) => {
  try {
    return queue.attributes.RedrivePolicy ? JSON.parse(queue.attributes.RedrivePolicy) : undefined;
  } catch {
    return undefined;
  }
};

const traceHeaderOf = (entry) => entry?.MessageSystemAttributes?.AWSTraceHeader?.StringValue;

/** Extends fauxqs's classes (from its dist folder) before the server is started. */
export const extendFauxqs = async (fauxqsDist) => {
  const load = (file) => import(pathToFileURL(path.join(fauxqsDist, file)).href);
  const [{ SqsRouter }, { SqsStore, SqsQueue }, { PersistenceManager }, { SqsError, QueueDoesNotExistError }, { md5OfMessageAttributes }] =
    await Promise.all([
      load('sqs/sqsRouter.js'),
      load('sqs/sqsStore.js'),
      load('persistence.js'),
      load('common/errors.js'),
      load('common/md5.js'),
    ]);

  // fauxqs reports every error's query-protocol code as "AWS.SimpleQueueService.<code>"; SQS does that only for its
  // legacy codes, and the CLI shows the header's code. The move-task errors carry their own.
  class SqsApiError extends SqsError {
    get queryErrorHeader() {
      return `${this.queryCode};Sender`;
    }
  }
  const fail = (code, message, statusCode = 400) => new SqsApiError(code, message, statusCode);

  keepSystemAttributesInTheDatabase(PersistenceManager);
  faithfulFifo({ SqsQueue, PersistenceManager, redrivePolicyOf });

  // SenderId and the trace header are the sender's: fauxqs's send handlers create their messages synchronously,
  // so what the request says is at hand while they run.
  let sending;
  const createMessage = SqsStore.createMessage;
  SqsStore.createMessage = function createMessageWithSender(...args) {
    const message = createMessage.apply(this, args);
    if (sending) {
      message.systemAttributes = { ...sending.systemAttributes };
      sending.created.set(message.messageId, message);
    }
    return message;
  };

  // SQS names the queue a message was dead-lettered from; fauxqs moves it to the DLQ inside dequeue, through the
  // resolver it is given, so the resolver hands it a DLQ that marks what it receives.
  const dequeue = SqsQueue.prototype.dequeue;
  SqsQueue.prototype.dequeue = function dequeueMarkingDeadLetters(maxCount, visibilityTimeout, dlqResolver) {
    const source = this;
    const markingResolver =
      dlqResolver &&
      ((arn) => {
        const dlq = dlqResolver(arn);
        return (
          dlq && {
            enqueue(message) {
              message.systemAttributes = { ...message.systemAttributes, DeadLetterQueueSourceArn: source.arn };
              dlq.enqueue(message);
            },
          }
        );
      });
    return dequeue.call(this, maxCount, visibilityTimeout, markingResolver);
  };

  const sendWithSystemAttributes = (handler, batch) => (body, store, request) => {
    const headerTrace = request.headers['x-amzn-trace-id'];
    const requestTrace = batch ? undefined : traceHeaderOf(body);
    sending = {
      systemAttributes: {
        SenderId: senderIdFor(accessKeyIdOf(request.headers.authorization)),
        ...((requestTrace ?? headerTrace) ? { AWSTraceHeader: requestTrace ?? headerTrace } : {}),
      },
      created: new Map(),
    };
    const { created } = sending;
    let result;
    try {
      result = handler(body, store, request);
    } finally {
      sending = undefined;
    }
    if (!batch) {
      if (body.MessageSystemAttributes) result.MD5OfMessageSystemAttributes = md5OfMessageAttributes(body.MessageSystemAttributes);
      return result;
    }
    // A batch entry's own AWSTraceHeader wins over the request's header; known only once fauxqs named the messages.
    const entries = new Map((body.Entries ?? []).map((entry) => [entry.Id, entry]));
    const queue = store.getQueue(body.QueueUrl);
    for (const sent of result.Successful ?? []) {
      const entry = entries.get(sent.Id);
      if (!entry?.MessageSystemAttributes) continue;
      sent.MD5OfMessageSystemAttributes = md5OfMessageAttributes(entry.MessageSystemAttributes);
      const message = created.get(sent.MessageId);
      const trace = traceHeaderOf(entry);
      if (!message || !trace) continue;
      message.systemAttributes = { ...message.systemAttributes, AWSTraceHeader: trace };
      queue?.persistence?.updateSystemAttributes(message);
    }
    return result;
  };

  const receiveWithSystemAttributes = (handler) => async (body, store, request) => {
    const result = await handler(body, store, request);
    if (!result?.Messages) return result;
    const queue = store.getQueue(body.QueueUrl);
    const names = [...(body.AttributeNames ?? []), ...(body.MessageSystemAttributeNames ?? [])];
    const wanted = KEPT_SYSTEM_ATTRIBUTES.filter((name) => names.includes('All') || names.includes(name));
    for (const received of result.Messages) {
      const kept = queue?.inflightMessages.get(received.ReceiptHandle)?.message.systemAttributes ?? {};
      for (const name of wanted) {
        // A message from before these extensions has no sender recorded: it gets the id of an unsigned request.
        const value = name === 'SenderId' ? (kept.SenderId ?? senderIdFor('')) : kept[name];
        if (value !== undefined) received.Attributes = { ...received.Attributes, [name]: value };
      }
      received.ReceiptHandle = encodeReceiptHandle(received.ReceiptHandle);
    }
    return result;
  };

  const withFauxqsHandle = (handler) => (body, store, request) =>
    handler({ ...body, ReceiptHandle: decodeReceiptHandle(body.ReceiptHandle) }, store, request);
  const withFauxqsHandles = (handler) => (body, store, request) =>
    handler(
      { ...body, Entries: body.Entries?.map((entry) => ({ ...entry, ReceiptHandle: decodeReceiptHandle(entry.ReceiptHandle) })) },
      store,
      request,
    );

  const wrappers = {
    SendMessage: (handler) => sendWithSystemAttributes(handler, false),
    SendMessageBatch: (handler) => sendWithSystemAttributes(handler, true),
    ReceiveMessage: receiveWithSystemAttributes,
    DeleteMessage: withFauxqsHandle,
    ChangeMessageVisibility: withFauxqsHandle,
    DeleteMessageBatch: withFauxqsHandles,
    ChangeMessageVisibilityBatch: withFauxqsHandles,
  };
  const register = SqsRouter.prototype.register;
  SqsRouter.prototype.register = function registerExtended(action, handler) {
    return register.call(this, action, wrappers[action]?.(handler) ?? handler);
  };

  // The new actions need the router's store, which exists once the app is built: added at the first request.
  const handle = SqsRouter.prototype.handle;
  SqsRouter.prototype.handle = function handleExtended(request, reply) {
    if (!this.redriveActionsAdded) {
      this.redriveActionsAdded = true;
      const queues = fauxqsQueues(this.store, SqsStore);
      const tasks = new MessageMoveTasks({ queues, fail, newId: randomUUID });
      const queueDoesNotExist = () => new QueueDoesNotExistError();
      this.register('StartMessageMoveTask', (body) => tasks.start(body));
      this.register('ListMessageMoveTasks', (body) => tasks.list(body));
      this.register('CancelMessageMoveTask', (body) => tasks.cancel(body));
      this.register('ListDeadLetterSourceQueues', (body) => listDeadLetterSourceQueues({ queues, fail, queueDoesNotExist }, body));
    }
    return handle.call(this, request, reply);
  };
};

/** The queues of a fauxqs store as the move tasks reach them (see sqs-move-tasks.d.ts). */
const fauxqsQueues = (store, SqsStore) => ({
  byArn: (arn) => store.getQueueByArn(arn),
  byUrl: (url) => store.getQueue(url),
  deadLetterSourcesOf: (arn) => [...store.allQueues()].filter((queue) => redrivePolicyOf(queue)?.deadLetterTargetArn === arn),
  visibleCount: (queue) => {
    queue.processTimers();
    return Number(queue.getAttribute('ApproximateNumberOfMessages'));
  },
  nextVisible: (queue) => {
    queue.processTimers();
    if (!queue.isFifo()) return queue.messages[0];
    for (const [group, messages] of queue.fifoMessages) if (!queue.fifoLockedGroups.has(group) && messages.length > 0) return messages[0];
    return undefined;
  },
  deadLetterSourceArnOf: (message) => message.systemAttributes?.DeadLetterQueueSourceArn,
  // "All redriven messages are considered new messages with a new messageID and enqueueTime": body and message
  // attributes go along, the receive count starts again, and the DLQ's own marker stays behind.
  move: (message, from, to) => {
    const delaySeconds = Number.parseInt(to.attributes.DelaySeconds, 10);
    const fifo = to.isFifo();
    const copy = SqsStore.createMessage(
      message.body,
      message.messageAttributes,
      delaySeconds > 0 ? delaySeconds : undefined,
      fifo ? (message.messageGroupId ?? FIFO_DEFAULT_GROUP) : undefined,
      fifo ? message.messageId : undefined,
    );
    const { DeadLetterQueueSourceArn: _, ...carried } = message.systemAttributes ?? {};
    copy.systemAttributes = carried;
    if (fifo) copy.sequenceNumber = to.nextSequenceNumber();
    const transfer = () => {
      takeOut(from, message);
      from.persistence?.deleteMessage(message.messageId);
      to.enqueue(copy);
    };
    // One transaction: a crash between taking the message out and queueing its copy loses neither.
    if (from.persistence) from.persistence.transaction(transfer);
    else transfer();
  },
});

const takeOut = (queue, message) => {
  const list = queue.isFifo() ? queue.fifoMessages.get(message.messageGroupId ?? FIFO_DEFAULT_GROUP) : queue.messages;
  const index = list?.indexOf(message) ?? -1;
  if (index >= 0) list.splice(index, 1);
  if (queue.isFifo() && list?.length === 0) queue.fifoMessages.delete(message.messageGroupId ?? FIFO_DEFAULT_GROUP);
};

/** A `system_attributes` column (JSON) in fauxqs's message table, written with the message and read back at start. */
const keepSystemAttributesInTheDatabase = (PersistenceManager) => {
  const prepareStatements = PersistenceManager.prototype.prepareStatements;
  PersistenceManager.prototype.prepareStatements = function prepareWithSystemAttributes() {
    const columns = this.db.prepare('PRAGMA table_info(sqs_messages)').all();
    if (!columns.some((column) => column.name === 'system_attributes')) {
      this.db.exec('ALTER TABLE sqs_messages ADD COLUMN system_attributes TEXT');
    }
    const statements = prepareStatements.call(this);
    statements.insertMessage = this.db.prepare(`
      INSERT OR REPLACE INTO sqs_messages (
        message_id, queue_name, body, md5_of_body, message_attributes, md5_of_message_attributes,
        sent_timestamp, approximate_receive_count, approximate_first_receive_timestamp,
        delay_until, message_group_id, message_deduplication_id, sequence_number,
        receipt_handle, visibility_deadline, system_attributes
      ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    `);
    statements.updateSystemAttributes = this.db.prepare('UPDATE sqs_messages SET system_attributes = ? WHERE message_id = ?');
    statements.loadSystemAttributes = this.db.prepare(
      'SELECT message_id, system_attributes FROM sqs_messages WHERE queue_name = ? AND system_attributes IS NOT NULL',
    );
    return statements;
  };
  const systemAttributesOf = (message) => (message.systemAttributes ? JSON.stringify(message.systemAttributes) : null);
  // fauxqs's own insert, with the one column more.
  PersistenceManager.prototype.insertMessage = function insertMessage(queueName, message) {
    this.stmts.insertMessage.run(
      message.messageId,
      queueName,
      message.body,
      message.md5OfBody,
      JSON.stringify(message.messageAttributes),
      message.md5OfMessageAttributes,
      message.sentTimestamp,
      message.approximateReceiveCount,
      message.approximateFirstReceiveTimestamp ?? null,
      message.delayUntil ?? null,
      message.messageGroupId ?? null,
      message.messageDeduplicationId ?? null,
      message.sequenceNumber ?? null,
      null,
      null,
      systemAttributesOf(message),
    );
  };
  PersistenceManager.prototype.updateSystemAttributes = function updateSystemAttributes(message) {
    this.stmts.updateSystemAttributes.run(systemAttributesOf(message), message.messageId);
  };
  const loadSqsMessages = PersistenceManager.prototype.loadSqsMessages;
  PersistenceManager.prototype.loadSqsMessages = function loadWithSystemAttributes(queue) {
    loadSqsMessages.call(this, queue);
    const saved = new Map(this.stmts.loadSystemAttributes.all(queue.name).map((row) => [row.message_id, row.system_attributes]));
    if (saved.size === 0) return;
    const messages = [
      ...queue.messages,
      ...queue.delayedMessages,
      ...[...queue.fifoMessages.values()].flat(),
      ...[...queue.fifoDelayed.values()].flat(),
      ...[...queue.inflightMessages.values()].map((entry) => entry.message),
    ];
    for (const message of messages) {
      const json = saved.get(message.messageId);
      if (json) message.systemAttributes = JSON.parse(json);
    }
  };
};
