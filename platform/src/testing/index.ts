export * from './databases';
export * from './graphql';
export * from './config';
export * from './metrics';
export * from './subgraph-harness';
export * from './stores-peer';
export * from './forwarding-peers';
export * from './logs';
