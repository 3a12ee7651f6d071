export * from './registry';
export * from './compose';
export * from './prepare';
export * from './config';
