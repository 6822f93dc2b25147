import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { FieldError } from '../orders/order-schema';

/** An RFC 9457 problem details object. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly errors?: readonly FieldError[];
  /** How many field errors there were in all: `errors` lists at most the first 20 (the API's amplification budget). */
  readonly errorCount?: number;
}

/** Problem types are URNs under one namespace, so clients can switch on them. */
export const problemType = (slug: string): string => `urn:orders-pipeline:problem:${slug}`;

export const problemResponse = (problem: Problem, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 => ({
  statusCode: problem.status,
  headers: { 'content-type': 'application/problem+json', ...headers },
  body: JSON.stringify(problem),
});

export const jsonResponse = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

/** Where an order's status is served (GET /orders/{orderId}); relative, so it holds behind any custom domain. */
export const orderLocation = (orderId: string): string => `/orders/${encodeURIComponent(orderId)}`;
