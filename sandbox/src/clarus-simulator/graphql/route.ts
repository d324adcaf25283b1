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
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      res.status(200).json({ errors: [(error as GraphQLError).toJSON()] });
      return;
    }
    const validationErrors = validate(schema, document);
    if (validationErrors.length > 0) {
      res.status(200).json({ errors: validationErrors.map((e) => e.toJSON()) });
      return;
    }
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
