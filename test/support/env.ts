// The module, not @orders-pipeline/shared: the layer's index would create Powertools' logger before its level is set.
import { ENV } from '../../shared-layer/src/tooling';

// What the CDK stack sets on deployed functions; handlers read it once at import.
process.env[ENV.QUEUE_URL] ??= 'https://sqs.us-east-1.amazonaws.com/123456789012/orders-test';
process.env[ENV.ORDERS_TABLE_NAME] ??= 'orders-test';
process.env[ENV.DEAD_LETTER_QUEUE_URL] ??= 'https://sqs.us-east-1.amazonaws.com/123456789012/orders-test-dlq';
process.env[ENV.IDEMPOTENCY_TABLE_NAME] ??= 'idempotency-test';
process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
process.env[ENV.POWERTOOLS_SERVICE_NAME] ??= 'orders-test';
process.env[ENV.POWERTOOLS_METRICS_NAMESPACE] ??= 'OrdersPipelineTest';
// Keep test output readable: Powertools logs only problems and does not print EMF blobs.
process.env[ENV.POWERTOOLS_LOG_LEVEL] ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env[ENV.REDELIVERY_FIRST_DELAY_SECONDS] ??= '30';
