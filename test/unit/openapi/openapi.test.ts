import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildOpenApiDocument } from '../../../functions/openapi/openapi';

describe('openapi.json', () => {
  it('matches the document generated from the order schema (run `npm run openapi` after changing the schema)', () => {
    const committed = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'openapi.json'), 'utf8'));
    expect(committed).toEqual(buildOpenApiDocument());
  });

  it('describes the contract: OpenAPI 3.1, the four routes, strict orders', () => {
    const document = buildOpenApiDocument() as {
      openapi: string;
      paths: Record<string, unknown>;
      components: { schemas: { Order: { additionalProperties: boolean; required: string[] } } };
    };
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths).sort()).toEqual(['/openapi.json', '/orders', '/orders/batch', '/orders/{orderId}']);
    expect(document.components.schemas.Order.additionalProperties).toBe(false);
    expect(document.components.schemas.Order.required.sort()).toEqual(['currency', 'customerId', 'items']);
  });
});
