import { accessLogFormat } from '../../../infra/constructs/access-log-format';
import { accessLogLineExample } from '../../../load/lib/cloudwatch-log-lines';
import { LOG_LINE_KINDS, classifyLogLine, logBytesByKind, totalLogBytes } from '../../../load/lib/log-line-kinds';

// Lines as the local runtime wrote them to .local/logs/*.log (npm start, three orders and one invalid body, 2026-12-07).
const WRITTEN = {
  apiColdStartEmf:
    '{"_aws":{"Timestamp":1796613032892,"CloudWatchMetrics":[{"Namespace":"OrdersPipeline","Dimensions":[["service"]],"Metrics":[{"Name":"ColdStart","Unit":"Count"}]}]},"service":"orders-api","ColdStart":1}',
  apiAccepted:
    '{"level":"INFO","message":"order accepted","timestamp":"2026-12-07T03:10:33.038Z","service":"orders-api","cold_start":false,"function_arn":"arn:aws:lambda:us-east-1:000000000000:function:OrdersPipeline-dev-ApiFunctionCE271BD4","function_memory_size":"256","function_name":"OrdersPipeline-dev-ApiFunctionCE271BD4","function_request_id":"1d93c1fd-eaa8-4be9-8e19-67a89683effd","sampling_rate":0,"xray_trace_id":"1-6b1623a9-e6f2cdf4f440cf040dc3ca0e","correlationId":"cYWE3xMutHNH6Rw=","orderId":"ord-123"}',
  apiRejected:
    '{"level":"INFO","message":"order rejected","timestamp":"2026-12-07T03:10:33.143Z","service":"orders-api","cold_start":false,"function_arn":"arn:aws:lambda:us-east-1:000000000000:function:OrdersPipeline-dev-ApiFunctionCE271BD4","function_memory_size":"256","function_name":"OrdersPipeline-dev-ApiFunctionCE271BD4","function_request_id":"0207228b-3c9f-48e2-a043-fa9fb6a45cb1","sampling_rate":0,"xray_trace_id":"1-6b1623a9-847b5b332f342f597e828303","correlationId":"QmG4hMYv4kA9YvY=","status":400,"type":"urn:orders-pipeline:problem:invalid-order","errors":[{"pointer":"/customerId","detail":"customerId must be a string"},{"pointer":"/currency","detail":"currency must be a string"},{"pointer":"/items","detail":"items must be an array of order lines"},{"pointer":"/bad","detail":"bad is not a field of this object; remove it"}],"errorCount":4}',
  apiBatch:
    '{"level":"INFO","message":"batch processed","timestamp":"2026-12-07T04:21:03.112Z","service":"orders-api","function_request_id":"5b0e6a8e-1f0c-4d0a-9b7e-2f4c8d1a6e3b","correlationId":"dGhpcyBpcyBhIHQ=","orders":2,"accepted":2,"orderIds":["ord-1","ord-2"]}',
  consumerBatch:
    '{"level":"INFO","message":"batch processed","timestamp":"2026-12-07T03:10:34.587Z","service":"orders-consumer","cold_start":true,"function_arn":"arn:aws:lambda:us-east-1:000000000000:function:OrdersPipeline-dev-ConsumerFunction40CB859D","function_memory_size":"512","function_name":"OrdersPipeline-dev-ConsumerFunction40CB859D","function_request_id":"4ca296c9-5490-498e-afae-200eb20bed3f","sampling_rate":0,"xray_trace_id":"1-6b1623aa-a2381a8a26673fc83ab76135","records":3,"ordersStored":1,"duplicatesSkipped":2,"batchGetCalls":1,"batchWriteCalls":1,"unprocessedRetries":0,"sentToDlq":0,"failed":0,"heldBack":0,"orders":[{"messageId":"dcd687a7-679c-4459-abf8-51696973ddd0","orderId":"ord-123","correlationId":"o/bAFNNw70dCXCM=","receiveCount":1,"outcome":"written"},{"messageId":"f9a1014a-8e9d-4524-858b-3f69c14b0b41","orderId":"ord-123","correlationId":"cYWE3xMutHNH6Rw=","receiveCount":1,"outcome":"alreadyStored"},{"messageId":"8996f108-ecd4-493a-8b15-14b780515bbe","orderId":"ord-123","correlationId":"yfJvF9Z6Aijkjes=","receiveCount":1,"outcome":"alreadyStored"}]}',
  consumerEmf:
    '{"_aws":{"Timestamp":1796613034590,"CloudWatchMetrics":[{"Namespace":"OrdersPipeline","Dimensions":[["service"]],"Metrics":[{"Name":"ordersStored","Unit":"Count"},{"Name":"duplicatesSkipped","Unit":"Count"},{"Name":"batchGetCalls","Unit":"Count"},{"Name":"batchWriteCalls","Unit":"Count"},{"Name":"unprocessedRetries","Unit":"Count"},{"Name":"recordsFailed","Unit":"Count"},{"Name":"sentToDlq","Unit":"Count"},{"Name":"recordsHeldBack","Unit":"Count"},{"Name":"oldestRecordAgeMs","Unit":"Milliseconds"}]}]},"correlationIds":"o/bAFNNw70dCXCM=,cYWE3xMutHNH6Rw=,yfJvF9Z6Aijkjes=","service":"orders-consumer","ordersStored":1,"duplicatesSkipped":2,"batchGetCalls":1,"batchWriteCalls":1,"unprocessedRetries":0,"recordsFailed":0,"sentToDlq":0,"recordsHeldBack":0,"oldestRecordAgeMs":1631}',
};
// Lambda's own line per invocation, in the shape AWS documents for JSON log format (not written locally).
const PLATFORM_REPORT = JSON.stringify({
  time: '2026-12-07T03:10:34.600Z',
  type: 'platform.report',
  record: { requestId: '4ca296c9-5490-498e-afae-200eb20bed3f', metrics: { durationMs: 53.12, billedDurationMs: 54 }, status: 'success' },
});

describe('classifyLogLine', () => {
  it('tells each kind of line from its content', () => {
    expect({
      apiColdStartEmf: classifyLogLine(WRITTEN.apiColdStartEmf),
      apiAccepted: classifyLogLine(WRITTEN.apiAccepted),
      apiRejected: classifyLogLine(WRITTEN.apiRejected),
      apiBatch: classifyLogLine(WRITTEN.apiBatch),
      consumerBatch: classifyLogLine(WRITTEN.consumerBatch),
      consumerEmf: classifyLogLine(WRITTEN.consumerEmf),
      platform: classifyLogLine(PLATFORM_REPORT),
      accessLog: classifyLogLine(accessLogLineExample(accessLogFormat({ type: 'iam' }))),
    }).toEqual({
      apiColdStartEmf: 'emf',
      apiAccepted: 'apiRequest',
      apiRejected: 'apiRequest',
      apiBatch: 'apiRequest',
      consumerBatch: 'consumerBatch',
      consumerEmf: 'emf',
      platform: 'lambdaPlatform',
      accessLog: 'accessLog',
    });
  });

  it('counts as other a line that is not JSON, not an object, or from another function', () => {
    const statusLine = WRITTEN.apiAccepted.replace('"orders-api"', '"orders-status"').replace('order accepted', 'order read');

    expect([
      classifyLogLine('Error: something broke'),
      classifyLogLine('[1,2]'),
      classifyLogLine('null'),
      classifyLogLine(statusLine),
    ]).toEqual(['other', 'other', 'other', 'other']);
  });
});

describe('logBytesByKind', () => {
  const file = Buffer.from(`${Object.values(WRITTEN).join('\n')}\nnot json\n`);

  it('counts every byte of the file once, newlines included, so the kinds add up to its size', () => {
    expect(totalLogBytes(logBytesByKind(file))).toBe(file.length);
  });

  it('gives each kind the bytes of its own lines', () => {
    const bytes = (...lines: string[]) => lines.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);

    expect(logBytesByKind(file)).toEqual({
      apiRequest: bytes(WRITTEN.apiAccepted, WRITTEN.apiRejected, WRITTEN.apiBatch),
      emf: bytes(WRITTEN.apiColdStartEmf, WRITTEN.consumerEmf),
      consumerBatch: bytes(WRITTEN.consumerBatch),
      lambdaPlatform: 0,
      accessLog: 0,
      other: bytes('not json'),
    });
  });

  it('counts a last line without a newline, and nothing for an empty file', () => {
    const unterminated = Buffer.from(`${WRITTEN.apiAccepted}\n${WRITTEN.consumerEmf}`);

    expect(logBytesByKind(unterminated).emf).toBe(Buffer.byteLength(WRITTEN.consumerEmf));
    expect(totalLogBytes(logBytesByKind(unterminated))).toBe(unterminated.length);
    expect(LOG_LINE_KINDS.map((kind) => logBytesByKind(Buffer.alloc(0))[kind])).toEqual(LOG_LINE_KINDS.map(() => 0));
  });
});
