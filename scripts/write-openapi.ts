// Regenerates openapi.json from the order schema: `npm run openapi`. A unit test fails when it is stale.
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

// The builder is API code and imports the layer by its Lambda module name, which ts-node cannot resolve (it applies
// no tsconfig paths): point that name at the layer source, as jest's moduleNameMapper does.
const LAYER_SOURCE = pathToFileURL(path.join(__dirname, '..', 'shared-layer', 'src', 'index.ts')).href;
registerHooks({
  resolve: (specifier, context, nextResolve) =>
    specifier === '@orders-pipeline/shared' ? { url: LAYER_SOURCE, shortCircuit: true } : nextResolve(specifier, context),
});
// Required, not imported: an import would be resolved before the hook is registered.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildOpenApiDocument } = require('../functions/openapi/openapi') as typeof import('../functions/openapi/openapi');

const file = path.join(__dirname, '..', 'openapi.json');
writeFileSync(file, `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`);
console.log(`wrote ${path.relative(process.cwd(), file)}`);
