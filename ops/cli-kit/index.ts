// The kit every CLI in this repo is built on: one commander program each, typed option parsers,
// exit codes, terminal output and the confirmation production changes need.
export * from './program';
export * from './terminal';
export * from './confirm-in-production';
export * from './ops-error';
export * from './stop-signals';
