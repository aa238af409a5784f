// Module hooks for tests/e2e/epcis_hash.mjs: epcis2.js ships its sources
// (src/) as ES modules with extension-less relative imports in a package
// that does not declare "type": "module"; these let Node.js load them as
// published, unchanged.
export async function resolve(spec, ctx, next) {
  if (spec.startsWith('.') && !/\.m?js$/.test(spec)) spec += '.js';
  return next(spec, ctx);
}

export async function load(url, ctx, next) {
  if (url.includes('/src/') && url.endsWith('.js')) {
    return { ...(await next(url, { ...ctx, format: 'module' })), format: 'module' };
  }
  return next(url, ctx);
}
