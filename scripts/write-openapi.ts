// Regenerates openapi.json from the order schema: `npm run openapi`. A unit test fails when it is stale.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildOpenApiDocument } from '../shared-layer/src/orders/openapi';

const file = path.join(__dirname, '..', 'openapi.json');
writeFileSync(file, `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`);
console.log(`wrote ${path.relative(process.cwd(), file)}`);
