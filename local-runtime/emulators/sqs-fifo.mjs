// Makes fauxqs 2.4.1's FIFO queues behave as SQS's where a consumer (Lambda's FIFO event source above all) can tell:
// - ReceiveMessage returns as many messages of one message group as it can, in order, before the next group (fauxqs
//   returns one message per group per call), each group locked while any message of it is in flight;
// - messages of a group that come back (visibility timeout, ChangeMessageVisibility to 0) return in their order
//   (fauxqs puts each back at the front of its group, which reverses several that come back together);
// - deduplication ids are remembered for the whole 5-minute window, however many there are, and across a restart
//   (fauxqs keeps at most 10,000, in memory).
// Sources (checked 2026-12-07): "FIFO queue delivery logic in Amazon SQS" and "Exactly-once processing in Amazon SQS",
// Amazon SQS Developer Guide (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/).

import { randomUUID } from 'node:crypto';

export const DEDUPLICATION_WINDOW_MS = 5 * 60 * 1000;
const MAX_RECEIVE = 10;
/** Expired deduplication ids are dropped from the database every this many sends. */
const PRUNE_EVERY = 100;

// Sequence numbers are 20-digit strings: their order is the order of sending.
const bySequenceNumber = (a, b) => (a.sequenceNumber ?? '').localeCompare(b.sequenceNumber ?? '');

const restoreGroupOrder = (queue) => {
  if (!queue.isFifo()) return;
  for (const group of queue.fifoMessages.values()) group.sort(bySequenceNumber);
};

/** The deduplication ids of a queue within the window, loaded from the database at first use. */
const deduplicationIds = new WeakMap();
const idsOf = (queue) => {
  let ids = deduplicationIds.get(queue);
  if (!ids) {
    ids = new Map();
    for (const row of queue.persistence?.loadDeduplicationIds(queue.name, Date.now()) ?? []) {
      ids.set(row.deduplication_id, { messageId: row.message_id, sequenceNumber: row.sequence_number, expiresAt: row.expires_at });
    }
    deduplicationIds.set(queue, ids);
  }
  return ids;
};

/**
 * Extends fauxqs's SqsQueue and PersistenceManager (from its dist folder) before the server is started;
 * `redrivePolicyOf(queue)` reads a queue's RedrivePolicy as sqs-extensions.mjs does.
 */
export const faithfulFifo = ({ SqsQueue, PersistenceManager, redrivePolicyOf }) => {
  SqsQueue.prototype.dequeueFifo = function dequeueFifoByGroup(maxCount, visibilityTimeoutOverride, dlqResolver) {
    this.processTimers();
    const visibilityTimeout = visibilityTimeoutOverride ?? Number.parseInt(this.attributes.VisibilityTimeout, 10);
    const policy = redrivePolicyOf(this);
    const maxReceiveCount = policy?.maxReceiveCount ?? Number.POSITIVE_INFINITY;
    const count = Math.min(maxCount, MAX_RECEIVE);
    const received = [];
    for (const [groupId, group] of this.fifoMessages) {
      if (received.length >= count) break;
      if (this.fifoLockedGroups.has(groupId)) continue;
      while (received.length < count && group.length > 0) {
        const message = group.shift();
        message.approximateReceiveCount += 1;
        message.approximateFirstReceiveTimestamp ??= Date.now();
        const dlq =
          policy?.deadLetterTargetArn && message.approximateReceiveCount > maxReceiveCount
            ? dlqResolver?.(policy.deadLetterTargetArn)
            : undefined;
        if (dlq) {
          this.persistence?.deleteMessage(message.messageId);
          dlq.enqueue(message);
          continue;
        }
        const receiptHandle = randomUUID();
        const visibilityDeadline = Date.now() + visibilityTimeout * 1000;
        this.inflightMessages.set(receiptHandle, { message, receiptHandle, visibilityDeadline });
        this.persistence?.updateMessageInflight(
          message.messageId,
          receiptHandle,
          visibilityDeadline,
          message.approximateReceiveCount,
          message.approximateFirstReceiveTimestamp,
        );
        received.push({
          MessageId: message.messageId,
          ReceiptHandle: receiptHandle,
          MD5OfBody: message.md5OfBody,
          Body: message.body,
          ...(message.md5OfMessageAttributes ? { MD5OfMessageAttributes: message.md5OfMessageAttributes } : {}),
          ...(Object.keys(message.messageAttributes).length > 0 ? { MessageAttributes: message.messageAttributes } : {}),
        });
        // One lock per message in flight: the group opens again when the last of them is deleted or comes back.
        this.fifoLockedGroups.set(groupId, (this.fifoLockedGroups.get(groupId) ?? 0) + 1);
      }
      if (group.length === 0) this.fifoMessages.delete(groupId);
    }
    return received;
  };

  for (const method of ['processTimers', 'changeVisibility']) {
    const original = SqsQueue.prototype[method];
    SqsQueue.prototype[method] = function keepingGroupOrder(...args) {
      const result = original.apply(this, args);
      restoreGroupOrder(this);
      return result;
    };
  }

  SqsQueue.prototype.checkDeduplication = function checkDeduplicationInWindow(deduplicationId) {
    const seen = idsOf(this).get(deduplicationId);
    if (!seen || seen.expiresAt <= Date.now()) return { isDuplicate: false };
    return { isDuplicate: true, originalMessageId: seen.messageId, originalSequenceNumber: seen.sequenceNumber };
  };

  let sends = 0;
  SqsQueue.prototype.recordDeduplication = function recordDeduplicationForTheWindow(deduplicationId, messageId, sequenceNumber) {
    const now = Date.now();
    const ids = idsOf(this);
    sends += 1;
    if (sends % PRUNE_EVERY === 0) {
      for (const [id, seen] of ids) if (seen.expiresAt <= now) ids.delete(id);
      this.persistence?.pruneDeduplicationIds(now);
    }
    const expiresAt = now + DEDUPLICATION_WINDOW_MS;
    ids.set(deduplicationId, { messageId, sequenceNumber, expiresAt });
    this.persistence?.saveDeduplicationId(this.name, deduplicationId, messageId, sequenceNumber, expiresAt);
  };

  const prepareStatements = PersistenceManager.prototype.prepareStatements;
  PersistenceManager.prototype.prepareStatements = function prepareWithDeduplicationIds() {
    this.db.exec(`CREATE TABLE IF NOT EXISTS sqs_fifo_deduplication (
      queue_name TEXT NOT NULL, deduplication_id TEXT NOT NULL, message_id TEXT NOT NULL, sequence_number TEXT,
      expires_at INTEGER NOT NULL, PRIMARY KEY (queue_name, deduplication_id))`);
    const statements = prepareStatements.call(this);
    statements.saveDeduplicationId = this.db.prepare('INSERT OR REPLACE INTO sqs_fifo_deduplication VALUES (?, ?, ?, ?, ?)');
    statements.loadDeduplicationIds = this.db.prepare('SELECT * FROM sqs_fifo_deduplication WHERE queue_name = ? AND expires_at > ?');
    statements.pruneDeduplicationIds = this.db.prepare('DELETE FROM sqs_fifo_deduplication WHERE expires_at <= ?');
    return statements;
  };
  PersistenceManager.prototype.saveDeduplicationId = function saveDeduplicationId(queueName, id, messageId, sequenceNumber, expiresAt) {
    this.stmts.saveDeduplicationId.run(queueName, id, messageId, sequenceNumber ?? null, expiresAt);
  };
  PersistenceManager.prototype.loadDeduplicationIds = function loadDeduplicationIds(queueName, now) {
    return this.stmts.loadDeduplicationIds.all(queueName, now);
  };
  PersistenceManager.prototype.pruneDeduplicationIds = function pruneDeduplicationIds(now) {
    this.stmts.pruneDeduplicationIds.run(now);
  };
};
