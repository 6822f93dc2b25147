/** Public surface of the shared layer, mounted in Lambda at /opt/nodejs/node_modules/@orders-pipeline/shared. */
export * from './tooling';
export * from './clients/aws-clients';
export * from './powertools';
