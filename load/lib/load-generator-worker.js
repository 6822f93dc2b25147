// Entry of the load generator's worker thread. The npm scripts run TypeScript through ts-node and
// jest through ts-jest; neither reaches into a worker thread, so the worker registers ts-node
// itself (transpile only, as the npm scripts do) before it loads its TypeScript module.
const path = require('node:path');

require('ts-node').register({ transpileOnly: true, project: path.join(__dirname, '..', '..', 'tsconfig.json') });
require('./load-generator-worker.ts');
