import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { handler } from '../../../functions/openapi/handler';

describe('openapi handler', () => {
  it('answers GET /openapi.json with the committed document as JSON', async () => {
    const response = await handler();

    expect(response.statusCode).toBe(200);
    expect(response.headers).toEqual({ 'content-type': 'application/json' });
    const committed = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'openapi.json'), 'utf8'));
    expect(JSON.parse(response.body ?? '')).toEqual(committed);
  });
});
