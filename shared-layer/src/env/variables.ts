/**
 * The names of the environment variables the CDK stack sets on the functions: one spelling for the stack, the
 * handlers and the tests (the local runtime takes them from the synthesized template). The CDK app imports this
 * module by its path rather than the layer's index, which would load Powertools into every synth.
 */
export const ENV = {
  /** API: the orders queue it sends to. */
  QUEUE_URL: 'QUEUE_URL',
  /** API: the Powertools idempotency table. */
  IDEMPOTENCY_TABLE_NAME: 'IDEMPOTENCY_TABLE_NAME',
  /** Consumer and order status: the orders table. */
  ORDERS_TABLE_NAME: 'ORDERS_TABLE_NAME',
  /** Consumer: where non-retryable messages go at once. */
  DEAD_LETTER_QUEUE_URL: 'DEAD_LETTER_QUEUE_URL',
  // Read by Powertools itself.
  POWERTOOLS_SERVICE_NAME: 'POWERTOOLS_SERVICE_NAME',
  POWERTOOLS_METRICS_NAMESPACE: 'POWERTOOLS_METRICS_NAMESPACE',
  POWERTOOLS_LOG_LEVEL: 'POWERTOOLS_LOG_LEVEL',
} as const;
