import { defaultFieldResolver, isObjectType, Kind, type GraphQLSchema, type GraphQLFieldResolver, type DirectiveNode, type ConstDirectiveNode } from 'graphql';
import { forbidden, unauthenticated } from '../errors';
import { hasScope, isAuthenticated, type Viewer } from './viewer';

interface Rule {
  authenticated: boolean;
  /** OR of AND groups, as @requiresScopes(scopes: [[...], [...]]). */
  scopes: string[][] | null;
}

function readScopes(d: DirectiveNode): string[][] | null {
  const arg = d.arguments?.find((a) => a.name.value === 'scopes');
  if (!arg || arg.value.kind !== Kind.LIST) return null;
  return arg.value.values.map((group) => (group.kind === Kind.LIST ? group.values.flatMap((s) => (s.kind === Kind.STRING ? [s.value] : [])) : []));
}

function ruleOf(directives: readonly (DirectiveNode | ConstDirectiveNode)[]): Rule {
  let authenticated = false;
  let scopes: string[][] | null = null;
  for (const d of directives) {
    if (d.name.value === 'authenticated') authenticated = true;
    if (d.name.value === 'requiresScopes') {
      authenticated = true;
      scopes = readScopes(d);
    }
  }
  return { authenticated, scopes };
}

export function checkRule(rule: Rule, viewer: Viewer): void {
  if (rule.authenticated && !isAuthenticated(viewer)) throw unauthenticated();
  if (rule.scopes && !rule.scopes.some((group) => group.every((s) => hasScope(viewer, s)))) {
    throw forbidden(`needs scope ${rule.scopes.map((g) => g.join(' + ')).join(' or ')}`);
  }
}

/**
 * Enforces the SDL's @authenticated / @requiresScopes in the subgraph (the gateway does not):
 * a rule on a type applies to each of its fields, a rule on a field to that field. The wrapped
 * resolver throws UNAUTHENTICATED or FORBIDDEN before the real one runs.
 */
export function enforceAuthDirectives<C extends { viewer: Viewer }>(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const typeDirectives = [type.astNode, ...type.extensionASTNodes].flatMap((n) => n?.directives ?? []);
    const typeRule = ruleOf(typeDirectives);
    for (const field of Object.values(type.getFields())) {
      const fieldRule = ruleOf(field.astNode?.directives ?? []);
      // Both apply: a field's own @requiresScopes narrows its type's rule, never replaces it.
      const rules = [typeRule, fieldRule].filter((r) => r.authenticated);
      // Key fields stay readable so the gateway can join; `id` alone reveals nothing.
      if (rules.length === 0 || field.name === 'id') continue;
      const inner: GraphQLFieldResolver<unknown, C> = field.resolve ?? defaultFieldResolver;
      field.resolve = (src, args, ctx, info) => {
        for (const rule of rules) checkRule(rule, ctx.viewer);
        return inner(src, args, ctx, info);
      };
    }
  }
  return schema;
}
