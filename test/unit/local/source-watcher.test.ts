import { isWatchedPath } from '../../../local-runtime/watch/source-watcher';

describe('watch mode: which saved paths count as changes', () => {
  it.each(['functions/api/handler.ts', 'shared-layer/src/orders/order-schema.ts', 'infra/config/stages.ts', 'cdk.json'])(
    '%s counts',
    (file) => {
      expect(isWatchedPath(file)).toBe(true);
    },
  );

  it.each([
    'functions/api/.handler.ts.swp',
    'functions/api/handler.ts~',
    'functions/api/4913',
    'infra/config/.#stages.ts',
    'shared-layer/node_modules/x/index.js',
    'infra/cdk.out/manifest.json',
    'functions/api/handler.ts.tmp',
  ])('%s is an editor or build file, not a change', (file) => {
    expect(isWatchedPath(file)).toBe(false);
  });
});
