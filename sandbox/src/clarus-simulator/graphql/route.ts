import type { RequestHandler } from 'express';
import { execute, parse, validate, type DocumentNode, type GraphQLError, type GraphQLSchema } from 'graphql';
import type { Store } from '../store';
import { rootValue } from './schema';

/**
 * POST /graphql with `{query, variables?, operationName?}`. Like a graphql-ruby endpoint, every GraphQL
 * outcome (syntax and validation errors included) is HTTP 200 with an `errors` array; only a body that
 * is not a GraphQL request at all is a 400.
 */
export function graphqlRoute(schema: GraphQLSchema, store: Store): RequestHandler {
  // Clients send the same few query strings page after page: parse and validate each once (both depend on
  // the query text and the schema only), so a page costs its execution, not a re-validation.
  const parsed = new Map<string, Checked>();
  return async (req, res) => {
    const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<
      string,
      unknown
    >;
    const { query, operationName } = body;
    let variables = body.variables;
    if (typeof variables === 'string') {
      try {
        variables = JSON.parse(variables) as unknown;
      } catch {
        res.status(400).json({ errors: [{ message: 'variables is not valid JSON' }] });
        return;
      }
    }
    if (typeof query !== 'string' || query.trim() === '') {
      res.status(400).json({ errors: [{ message: 'No query string was present' }] });
      return;
    }
    const checked = parsed.get(query) ?? check(schema, query);
    if (checked.errors) {
      res.status(200).json({ errors: checked.errors });
      return;
    }
    const { document } = checked;
    if (parsed.size >= MAX_PARSED) parsed.delete(parsed.keys().next().value as string);
    parsed.set(query, checked);
    const result = await execute({
      schema,
      document,
      rootValue: rootValue(store),
      variableValues: (variables ?? undefined) as Record<string, unknown> | undefined,
      operationName: typeof operationName === 'string' ? operationName : undefined,
    });
    res.status(200).json({
      ...(result.errors ? { errors: result.errors.map((e) => e.toJSON()) } : {}),
      ...(result.data !== undefined ? { data: result.data } : {}),
    });
  };
}

type Checked = { document: DocumentNode; errors?: undefined } | { document?: undefined; errors: unknown[] };

/** Query texts remembered (oldest forgotten first). */
const MAX_PARSED = 100;

function check(schema: GraphQLSchema, query: string): Checked {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    return { errors: [(error as GraphQLError).toJSON()] };
  }
  const validationErrors = validate(schema, document);
  if (validationErrors.length > 0) return { errors: validationErrors.map((e) => e.toJSON()) };
  return { document };
}
