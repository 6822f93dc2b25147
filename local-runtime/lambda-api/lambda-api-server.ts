import * as http from 'node:http';
import { pathToFileURL } from 'node:url';
import { type CfnTemplate, resourcesOfType } from '../cloud-assembly';
import type { LocalFunction } from '../lambda/local-function';
import { listenOn } from '../ports';
import type { LocalEventSourceMapping } from './event-source-mapping';
import { functionNameOfArn, parseFunctionName } from './function-name';
import { LambdaApiError } from './lambda-api-error';

export interface LambdaApiOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** By logical id: the functions running now (watch mode may change them). */
  readonly functions: () => ReadonlyMap<string, LocalFunction>;
  readonly template: () => CfnTemplate;
  readonly mappings: () => readonly LocalEventSourceMapping[];
  readonly region: string;
  readonly account: string;
  readonly log: (line: string) => void;
}

export interface LambdaApiServer {
  readonly url: string;
  stop(): Promise<void>;
}

const API = '/2015-03-31';
// A synchronous invocation's payload limit, request and response (Lambda API reference, Invoke; checked 2026-12-07).
const MAX_INVOKE_PAYLOAD_BYTES = 6 * 1024 * 1024;
const MAX_OTHER_BODY_BYTES = 256 * 1024;
// Page sizes Lambda caps each list at (API reference: ListFunctions 50, ListEventSourceMappings 100; checked 2026-12-07).
const PAGE_LIMIT = { functions: 50, mappings: 100 } as const;
/** Environment the runtime adds for the emulators; the function's own (template) variables are what GetFunction shows. */
const RUNTIME_VARIABLE = /^AWS_/;

const sendJson = (response: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}) => {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(body === undefined ? '' : JSON.stringify(body));
};

const sendError = (response: http.ServerResponse, error: LambdaApiError) =>
  sendJson(
    response,
    error.statusCode,
    { Type: 'User', Message: error.message, message: error.message },
    { 'x-amzn-errortype': error.code },
  );

const readBody = async (request: http.IncomingMessage, limit: number, tooLarge: () => LambdaApiError): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
};

const parseJsonBody = (body: Buffer, code: string): unknown => {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new LambdaApiError(code, 400, `Could not parse request body into json: ${(error as Error).message}. Send a JSON document.`);
  }
};

/** One page of a list, with Lambda's opaque Marker (here: the index of the next item). */
const page = <T>(items: readonly T[], url: URL, limit: number): { items: T[]; nextMarker?: string } => {
  const marker = url.searchParams.get('Marker');
  const start = marker === null ? 0 : Number(marker);
  if (!Number.isInteger(start) || start < 0) throw LambdaApiError.invalidParameter(`Marker "${marker}" is not one this API returned.`);
  const maxItemsRaw = url.searchParams.get('MaxItems');
  const maxItems = maxItemsRaw === null ? limit : Number(maxItemsRaw);
  if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > 10_000) {
    throw LambdaApiError.invalidParameter(`MaxItems must be a whole number from 1 to 10000; got "${maxItemsRaw}".`);
  }
  const end = start + Math.min(maxItems, limit);
  return { items: items.slice(start, end), nextMarker: end < items.length ? String(end) : undefined };
};

/**
 * The Lambda API of the local runtime, on a port of its own: the event-source-mapping calls (List, Get, Update),
 * ListFunctions, GetFunction and Invoke, at Lambda's REST paths with its JSON shapes and errors, so that the AWS CLI,
 * the SDK and `npm run consumer` work against it as against AWS (docs/local-runtime.md, "Local Lambda API").
 * Requests are not authenticated: the endpoint listens on 127.0.0.1 only.
 */
export const startLambdaApi = async (options: LambdaApiOptions): Promise<LambdaApiServer> => {
  const functionArn = (fn: LocalFunction) => `arn:aws:lambda:${options.region}:${options.account}:function:${fn.definition.functionName}`;

  /** The template's aliases and versions of a function: locally each runs the function's current code. */
  const qualifiersOf = (logicalId: string): Set<string> => {
    const template = options.template();
    const qualifiers = new Set(['$LATEST']);
    const pointsAt = (resource: { Properties?: Record<string, unknown> }) =>
      (resource.Properties?.FunctionName as { Ref?: string } | undefined)?.Ref === logicalId;
    for (const [, alias] of resourcesOfType(template, 'AWS::Lambda::Alias')) {
      if (pointsAt(alias) && typeof alias.Properties?.Name === 'string') qualifiers.add(alias.Properties.Name);
    }
    return qualifiers;
  };

  const findFunction = (functionName: string, qualifier?: string): { fn: LocalFunction; qualifier?: string } => {
    const reference = parseFunctionName(functionName, qualifier);
    const found = [...options.functions().entries()].find(([, fn]) => fn.definition.functionName === reference.name);
    const accountArn = `arn:aws:lambda:${options.region}:${options.account}:function:${reference.name}`;
    if (!found) {
      throw LambdaApiError.notFound(`Function not found: ${accountArn}. ListFunctions shows the functions of the running stack.`);
    }
    const [logicalId, fn] = found;
    if (reference.qualifier !== undefined && !qualifiersOf(logicalId).has(reference.qualifier)) {
      throw LambdaApiError.notFound(
        `Function not found: ${accountArn}:${reference.qualifier}. Its qualifiers here: ${[...qualifiersOf(logicalId)].join(', ')}.`,
      );
    }
    return { fn, qualifier: reference.qualifier };
  };

  const configurationOf = (logicalId: string, fn: LocalFunction, qualifier?: string) => {
    const props = options.template().Resources[logicalId]?.Properties ?? {};
    const { definition } = fn;
    const variables = Object.fromEntries(Object.entries(definition.environment).filter(([name]) => !RUNTIME_VARIABLE.test(name)));
    return {
      FunctionName: definition.functionName,
      FunctionArn: qualifier && qualifier !== '$LATEST' ? `${functionArn(fn)}:${qualifier}` : functionArn(fn),
      Runtime: props.Runtime,
      Handler: definition.handler,
      Timeout: definition.timeoutSeconds,
      MemorySize: definition.memorySizeMb,
      Version: '$LATEST',
      Environment: { Variables: variables },
      TracingConfig: { Mode: definition.tracingMode ?? 'PassThrough' },
      Architectures: props.Architectures ?? ['x86_64'],
      LoggingConfig: {
        LogFormat: definition.logFormat ?? 'Text',
        LogGroup: definition.logGroupName ?? `/aws/lambda/${definition.functionName}`,
        ...(definition.applicationLogLevel ? { ApplicationLogLevel: definition.applicationLogLevel } : {}),
      },
      PackageType: 'Zip',
      State: 'Active',
      LastUpdateStatus: 'Successful',
    };
  };

  const findMapping = (uuid: string): LocalEventSourceMapping => {
    const mapping = options.mappings().find((candidate) => candidate.uuid === uuid);
    if (!mapping) {
      throw LambdaApiError.notFound(
        `The resource you requested does not exist: no event source mapping ${uuid}. ListEventSourceMappings shows the running ones (their UUIDs change when npm start restarts).`,
      );
    }
    return mapping;
  };

  const listMappings = (url: URL) => {
    const eventSourceArn = url.searchParams.get('EventSourceArn');
    const functionName = url.searchParams.get('FunctionName');
    const wanted = functionName === null ? undefined : parseFunctionName(functionName);
    const matching = options
      .mappings()
      .filter((mapping) => eventSourceArn === null || mapping.eventSourceArn === eventSourceArn)
      .filter((mapping) => {
        if (!wanted) return true;
        const target = parseFunctionName(mapping.functionArn);
        return target.name === wanted.name && (wanted.qualifier === undefined || wanted.qualifier === target.qualifier);
      });
    const { items, nextMarker } = page(matching, url, PAGE_LIMIT.mappings);
    return { EventSourceMappings: items.map((mapping) => mapping.describe()), ...(nextMarker ? { NextMarker: nextMarker } : {}) };
  };

  const invoke = async (request: http.IncomingMessage, response: http.ServerResponse, functionName: string, url: URL) => {
    const { fn } = findFunction(functionName, url.searchParams.get('Qualifier') ?? undefined);
    const invocationType = String(request.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    if (!['RequestResponse', 'Event', 'DryRun'].includes(invocationType)) {
      throw LambdaApiError.invalidParameter(`X-Amz-Invocation-Type must be RequestResponse, Event or DryRun; got ${invocationType}.`);
    }
    const body = await readBody(
      request,
      MAX_INVOKE_PAYLOAD_BYTES,
      () =>
        new LambdaApiError(
          'RequestTooLargeException',
          413,
          `Request must be smaller than ${MAX_INVOKE_PAYLOAD_BYTES} bytes for the InvokeFunction operation.`,
        ),
    );
    const event = parseJsonBody(body, 'InvalidRequestContentException');
    if (invocationType === 'DryRun') {
      sendJson(response, 204, undefined);
      return;
    }
    if (invocationType === 'Event') {
      void fn.invoke(event).then((outcome) => {
        if (!outcome.ok)
          options.log(`lambda api: asynchronous invoke of ${fn.definition.functionName} failed (${outcome.error.errorType})`);
      });
      sendJson(response, 202, undefined);
      return;
    }
    const outcome = await fn.invoke(event);
    const executed = { 'x-amz-executed-version': '$LATEST' };
    if (outcome.ok) {
      response.writeHead(200, { 'content-type': 'application/json', ...executed });
      response.end(JSON.stringify(outcome.result) ?? 'null');
      return;
    }
    if (outcome.throttled) {
      throw new LambdaApiError(
        'TooManyRequestsException',
        429,
        `Rate Exceeded. ${fn.definition.functionName}: ${outcome.error.errorMessage}`,
      );
    }
    // A function error is a 200 whose payload is the error, flagged by X-Amz-Function-Error (Lambda API reference, Invoke).
    sendJson(
      response,
      200,
      { errorType: outcome.error.errorType, errorMessage: outcome.error.errorMessage, trace: [] },
      { ...executed, 'x-amz-function-error': 'Unhandled' },
    );
  };

  const route = async (request: http.IncomingMessage, response: http.ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const parts = url.pathname.replace(/\/+$/, '').split('/').map(decodeURIComponent);
    const [, version, collection, id, action] = parts;
    const method = request.method ?? 'GET';
    if (`/${version}` === API && collection === 'event-source-mappings') {
      if (id === undefined && method === 'GET') return sendJson(response, 200, listMappings(url));
      if (id !== undefined && action === undefined && method === 'GET') return sendJson(response, 200, findMapping(id).describe());
      if (id !== undefined && action === undefined && method === 'PUT') {
        const mapping = findMapping(id);
        const update = parseJsonBody(
          await readBody(request, MAX_OTHER_BODY_BYTES, () => LambdaApiError.invalidParameter('The request body is too large.')),
          'InvalidParameterValueException',
        );
        if (typeof update !== 'object' || update === null || Array.isArray(update)) {
          throw LambdaApiError.invalidParameter('The request body must be a JSON object of UpdateEventSourceMapping fields.');
        }
        const targetName = functionNameOfArn(mapping.functionArn);
        const changed = mapping.update(update as Record<string, unknown>, (name) => parseFunctionName(name).name === targetName);
        options.log(`lambda api: event source mapping ${mapping.uuid} → ${changed.State}`);
        return sendJson(response, 202, changed);
      }
    }
    if (`/${version}` === API && collection === 'functions') {
      if (id === undefined && method === 'GET') {
        const all = [...options.functions().entries()].map(([logicalId, fn]) => configurationOf(logicalId, fn));
        const { items, nextMarker } = page(all, url, PAGE_LIMIT.functions);
        return sendJson(response, 200, { Functions: items, ...(nextMarker ? { NextMarker: nextMarker } : {}) });
      }
      if (id !== undefined && action === undefined && method === 'GET') {
        const { fn, qualifier } = findFunction(id, url.searchParams.get('Qualifier') ?? undefined);
        const logicalId = fn.definition.logicalId;
        return sendJson(response, 200, {
          Configuration: configurationOf(logicalId, fn, qualifier),
          Code: { RepositoryType: 'S3', Location: pathToFileURL(fn.definition.codeDir).href },
          ...(fn.definition.reservedConcurrency !== undefined
            ? { Concurrency: { ReservedConcurrentExecutions: fn.definition.reservedConcurrency } }
            : {}),
        });
      }
      if (id !== undefined && action === 'invocations' && method === 'POST') return invoke(request, response, id, url);
    }
    throw new LambdaApiError(
      'UnknownOperationException',
      404,
      `The local Lambda API does not answer ${method} ${url.pathname}. It answers ListEventSourceMappings, GetEventSourceMapping, ` +
        'UpdateEventSourceMapping, ListFunctions, GetFunction and Invoke.',
    );
  };

  const server = http.createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      if (error instanceof LambdaApiError) {
        sendError(response, error);
        return;
      }
      options.log(`lambda api: ${request.method} ${request.url} failed (${(error as Error).message})`);
      sendError(response, new LambdaApiError('ServiceException', 500, `The local Lambda API failed: ${(error as Error).message}`));
    });
  });
  const port = await listenOn(server, options.port, '--lambda-port');
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
};
