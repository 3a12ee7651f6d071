export * from './transport';
export * from './outbox';
export * from './outbox-relay';
export * from './consume';
export * from './redis-streams-transport';
export * from './postgres-transport';
export * from './create-event-transport';
export * from './service-events';
