/**
 * The names of the environment variables the CDK stack sets on the functions: one spelling for the stack, the
 * handlers and the tests (the local runtime takes them from the synthesized template). The CDK app imports this
 * module by its path rather than the layer's index, which would load Powertools into every synth.
 */
export const ENV = {
  /** API: the orders queue it sends to. Consumer: the queue whose failed records it holds back. */
  QUEUE_URL: 'QUEUE_URL',
  /** API: the Powertools idempotency table. */
  IDEMPOTENCY_TABLE_NAME: 'IDEMPOTENCY_TABLE_NAME',
  /** Consumer and order status: the orders table. */
  ORDERS_TABLE_NAME: 'ORDERS_TABLE_NAME',
  /** Consumer: where non-retryable messages go at once. */
  DEAD_LETTER_QUEUE_URL: 'DEAD_LETTER_QUEUE_URL',
  /** Consumer: the redelivery backoff's first delay in seconds (RedeliveryBackoff), sized by the stack to the stage's storm. */
  REDELIVERY_FIRST_DELAY_SECONDS: 'REDELIVERY_FIRST_DELAY_SECONDS',
  // Read by Powertools itself.
  POWERTOOLS_SERVICE_NAME: 'POWERTOOLS_SERVICE_NAME',
  POWERTOOLS_METRICS_NAMESPACE: 'POWERTOOLS_METRICS_NAMESPACE',
  POWERTOOLS_LOG_LEVEL: 'POWERTOOLS_LOG_LEVEL',
} as const;
