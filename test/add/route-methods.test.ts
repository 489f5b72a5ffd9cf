import { describe, expect, it } from 'vitest';
import { routeMethodsOf } from '../../src/add/route-methods.js';

describe('route methods: what CORS must allow for the app’s own requests', () => {
  it('reads every link of a multi-line route chain, comments between the links included', () => {
    const routes = `const router = express.Router();
router
  .route('/:id')
  /**
   * @api {get} v1/items/:id Get (one)
   */
  .get(authorize(OWNER), controller.get)
  // replace the item (PUT)
  .put(authorize(OWNER), validate(replaceItem), controller.replace)
  .patch(authorize(OWNER), validate(updateItem), controller.update)
  .delete(authorize(OWNER), controller.remove);
`;
    expect(routeMethodsOf([routes])).toEqual(['GET', 'PUT', 'PATCH', 'DELETE']);
  });

  it('reads router.METHOD and app.METHOD with a path, a path constant or a pattern', () => {
    expect(routeMethodsOf([`router.put('/items/:id', save);\n`])).toEqual(['PUT']);
    expect(routeMethodsOf([`app.delete(paths.item, requireUser, (req, res) => res.end());\n`])).toEqual([
      'DELETE',
    ]);
    expect(routeMethodsOf([`app.patch(/^\\/items\\/\\d+$/, update);\n`])).toEqual(['PATCH']);
  });

  it('reads app.all as every method', () => {
    expect(routeMethodsOf([`app.all('*', notFound);\n`])).toEqual([
      'GET',
      'POST',
      'PUT',
      'PATCH',
      'DELETE',
      'OPTIONS',
      'HEAD',
    ]);
  });

  it('reads fastify route objects and shorthands', () => {
    const plugin = `export default async function items(fastify) {
  fastify.route({ method: ['GET', 'PUT'], url: '/items/:id', handler: item });
  fastify.route({ url: '/items', method: 'POST', handler: create });
  fastify.delete('/items/:id', { schema }, async (request, reply) => reply.code(204).send());
}
const table = [{ method: 'PATCH', url: '/items/:id', handler: patch }];
`;
    expect(routeMethodsOf([plugin])).toEqual(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
  });

  it('reads no methods from maps, headers, query strings, HTTP clients’ options or socket.io', () => {
    const notRoutes = `const v = cache.get(key);
map.delete(key);
params.get('page');
app.get('trust proxy');
await fetch(url, { method: 'DELETE' });
app.all('/socket.io/', ioHandler);
`;
    expect(routeMethodsOf([notRoutes])).toEqual([]);
  });
});
