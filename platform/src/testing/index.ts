export * from './databases';
export * from './graphql';
