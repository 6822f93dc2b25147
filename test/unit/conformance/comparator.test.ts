import { CONFORMING, type ConformanceFixture, conformance, loadFixture } from '../../conformance/fixture';
import { formatOf, shapeDifferences, shapeOf } from '../../conformance/shape';

/** What AWS delivers in a small event: a request id, a time, a header map and a list of records. */
const aws = {
  requestId: 'JKJaXmPLvHcESHA=',
  time: '30/Nov/2026:15:27:35 +0000',
  timeEpoch: 1796052455000,
  headers: { 'content-type': 'application/json', 'x-amzn-trace-id': 'Root=1-5e6a8b3e-9f1a3a4c2d5e6f7a8b9c0d1e' },
  records: [{ messageId: '059f36b4-87a3-44ab-83d2-661975830a7d', attempts: '1' }],
  isBase64Encoded: false,
};
type Delivery = Record<string, unknown> & { headers: Record<string, string>; records: Record<string, string>[] };
const clone = (): Delivery => structuredClone(aws);

const fixture = (overrides: Partial<ConformanceFixture> = {}): ConformanceFixture => ({
  source: 'a test fixture',
  aws,
  openMaps: ['headers'],
  absent: [],
  exact: {},
  knownDifferences: {},
  ...overrides,
});

describe('formatOf', () => {
  it.each([
    ['30/Nov/2026:15:27:35 +0000', 'apigw-time'],
    ['2026-11-30T15:27:35.123Z', 'iso-time'],
    ['059f36b4-87a3-44ab-83d2-661975830a7d', 'uuid'],
    ['JKJaXmPLvHcESHA=', 'apigw-request-id'],
    ['arn:aws:sqs:us-east-1:123456789012:orders', 'arn'],
    ['1796052455000', 'epoch-ms'],
    ['hello', 'string'],
  ])('recognises %s as %s', (value, format) => {
    expect(formatOf(value)).toBe(format);
  });
});

describe('shapeOf', () => {
  it('describes objects by key, arrays by element, and scalars by type and format', () => {
    expect(shapeOf({ id: 'JKJaXmPLvHcESHA=', at: 1796052455000, n: 3, ok: true, none: null, list: ['x'] })).toEqual({
      id: 'string:apigw-request-id',
      at: 'number:epoch-ms',
      n: 'number:integer',
      ok: 'boolean',
      none: 'null',
      list: ['string:string'],
    });
  });
});

describe('shapeDifferences', () => {
  it('finds none between two deliveries whose values differ but whose shapes and formats agree', () => {
    const local = clone();
    local.requestId = 'AbCdEfGhIjKlMnO=';
    local.timeEpoch = 1796052999999;
    local.records = [{ messageId: '11111111-2222-4333-8444-555555555555', attempts: '2' }];

    expect(shapeDifferences(aws, local, ['headers'])).toEqual([]);
  });

  it('names the path of a value in another format, a key AWS sends and the local delivery lacks, and a key only the local one has', () => {
    const local: Record<string, unknown> = { ...clone(), time: '2026-11-30T15:27:35Z', extra: 1 };
    delete local.isBase64Encoded;

    expect(shapeDifferences(aws, local, ['headers'])).toEqual([
      { path: 'extra', aws: 'absent', local: 'number:integer' },
      { path: 'isBase64Encoded', aws: 'boolean', local: 'absent' },
      { path: 'time', aws: 'string:apigw-time', local: 'string:iso-time' },
    ]);
  });

  it('lets an open map hold keys the fixture does not list, but not lose the ones it does', () => {
    const local = clone();
    local.headers = { 'content-type': 'application/json', 'user-agent': 'curl/8' };

    expect(shapeDifferences(aws, local, ['headers'])).toEqual([
      { path: 'headers.x-amzn-trace-id', aws: 'string:trace-root', local: 'absent' },
    ]);
    expect(shapeDifferences(aws, local, [])).toContainEqual({ path: 'headers.user-agent', aws: 'absent', local: 'string:string' });
  });

  it('compares every local element of an array with the shape of AWS’s elements', () => {
    const local = clone();
    local.records = [aws.records[0], { messageId: 'not-a-uuid', attempts: '1' }];

    expect(shapeDifferences(aws, local, ['headers'])).toEqual([
      { path: 'records[1].messageId', aws: 'string:uuid', local: 'string:string' },
    ]);
  });
});

describe('conformance', () => {
  it('gives the four empty lists for a delivery that matches the fixture', () => {
    expect(conformance(fixture({ exact: { isBase64Encoded: false }, absent: ['cookies'] }), clone())).toEqual(CONFORMING);
  });

  it('reports a listed difference as neither unexpected nor resolved while it is still there', () => {
    const local = { ...clone(), time: '2026-11-30T15:27:35Z' };

    expect(conformance(fixture({ knownDifferences: { time: 'why it is harmless' } }), local)).toEqual(CONFORMING);
  });

  it('fails on a difference the fixture does not list', () => {
    const local = { ...clone(), time: '2026-11-30T15:27:35Z' };

    expect(conformance(fixture(), local)).toEqual({
      ...CONFORMING,
      unexpected: [{ path: 'time', aws: 'string:apigw-time', local: 'string:iso-time' }],
    });
  });

  it('fails on a listed difference that went away, so the fixture and the fidelity table drop it', () => {
    expect(conformance(fixture({ knownDifferences: { time: 'why it is harmless' } }), clone())).toEqual({
      ...CONFORMING,
      resolved: ['time'],
    });
  });

  it('fails on a value the request fixes that differs, and on a field AWS leaves out that is present', () => {
    const local = clone();
    // In an open map, so that only the absence rule (not the shape comparison) can catch it.
    local.headers = { ...aws.headers, cookie: 'a=b' };

    expect(conformance(fixture({ exact: { isBase64Encoded: true }, absent: ['headers.cookie'] }), local)).toEqual({
      ...CONFORMING,
      wrongValues: ['isBase64Encoded: true → false'],
      unexpectedlyPresent: ['headers.cookie'],
    });
  });

  it.each([
    'http-api-v2-binary',
    'http-api-v2-iam',
    'http-api-v2-post',
    'lambda-context',
    'lambda-environment',
    'sqs-record-attributes',
    'sqs-record-plain',
    'sqs-record-redriven',
  ])('reads fixture %s and finds AWS’s own delivery conforming, every listed difference resolved', (name) => {
    const loaded = loadFixture(name);

    const result = conformance(loaded, structuredClone(loaded.aws));

    expect(result.unexpected).toEqual([]);
    expect(result.resolved).toEqual(Object.keys(loaded.knownDifferences));
    expect(result.unexpectedlyPresent).toEqual([]);
  });
});
