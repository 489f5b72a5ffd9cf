import { record } from './record.mjs';

// ESM imports, seen by the loader's resolve hook.
export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  record(resolved.url);
  return resolved;
}
