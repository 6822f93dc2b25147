// Regenerates openapi.json from the order schema: `npm run openapi`. A unit test fails when it is stale.
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

// The builder is API code and imports the layer's entries by their Lambda module names, which ts-node cannot resolve
// (it applies no tsconfig paths): point those names at the layer source, as jest's moduleNameMapper does.
const LAYER_ENTRIES = path.join(__dirname, '..', 'shared-layer', 'src', 'entries');
const LAYER_ENTRY = /^@orders-pipeline\/shared\/([a-z]+)$/;
registerHooks({
  resolve: (specifier, context, nextResolve) => {
    const entry = LAYER_ENTRY.exec(specifier)?.[1];
    return entry
      ? { url: pathToFileURL(path.join(LAYER_ENTRIES, `${entry}.ts`)).href, shortCircuit: true }
      : nextResolve(specifier, context);
  },
});
// Required, not imported: an import would be resolved before the hook is registered.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildOpenApiDocument } = require('../functions/openapi/openapi') as typeof import('../functions/openapi/openapi');

const file = path.join(__dirname, '..', 'openapi.json');
writeFileSync(file, `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`);
console.log(`wrote ${path.relative(process.cwd(), file)}`);
