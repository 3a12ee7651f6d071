import type { ConsumedTopic } from '@retail/platform';

/** stores owns the organisation (brand → operator → store → guide) and reacts to no other subgraph's events. */
export const CONSUMES: ConsumedTopic[] = [];
