import { vi } from 'vitest';

type Handler = (variables: Record<string, unknown>) => unknown;

/**
 * Answers the app's GraphQL requests by operation name, through a stubbed `fetch`, so the real urql
 * client (and its exchanges) runs in tests. A handler returns `data`, or throws to answer a 500.
 * Returns the spy: `calls(name)` lists the variables of each request for that operation.
 */
export function mockGraphql(handlers: Record<string, Handler>) {
  const requests: { operationName: string; variables: Record<string, unknown> }[] = [];
  const fetchMock = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
    const body = JSON.parse(init?.body as string) as { operationName: string; variables?: Record<string, unknown> };
    const variables = body.variables ?? {};
    requests.push({ operationName: body.operationName, variables });
    const handler = handlers[body.operationName];
    if (!handler) throw new Error(`no mock for ${body.operationName}`);
    try {
      const data = await handler(variables);
      return new Response(JSON.stringify({ data }), { status: 200, headers: { 'content-type': 'application/json' } });
    } catch {
      return new Response('boom', { status: 500 });
    }
  });
  vi.stubGlobal('fetch', fetchMock);
  return {
    fetchMock,
    calls: (operationName: string) => requests.filter((request) => request.operationName === operationName).map((request) => request.variables),
  };
}
