// The internal fields points calls on other subgraphs (docs/events.md, "Internal calls"). Each is one call as a
// signed SERVICE viewer; never call one inside a transaction (docs/architecture.md §8).

/** The members' brand and OneID (members' memberFacts): a quote checks both memberships belong to one person. */
export { memberFacts, type MemberFacts } from '@retail/platform';
