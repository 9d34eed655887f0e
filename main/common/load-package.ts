/**
 * Loads an npm package (or a Node module) the first time it is needed (Argon2, the SOCKS client,
 * the lock library, node:http for an HTTP proxy), so that commands and start-up that never use it
 * do not pay for it.
 *
 * In the bundles (CommonJS) this is a plain require(). A dynamic import() of a CommonJS package
 * would go through Node's ES module loader instead, which scans the package's source for its
 * exports and sets up the loader: 20-40 ms on the first call, on top of the require itself (and
 * in Electron a package inside the app's asar is safest loaded by require). Where require does
 * not exist (the tests run the sources as ES modules), import() does the same job.
 */
export async function loadPackage<T>(name: string): Promise<T> {
  if (typeof require === 'function') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(name) as T;
  }
  const loaded = (await import(name)) as { default?: unknown };
  // A CommonJS package seen from import(): its module.exports is the default export.
  return (loaded.default ?? loaded) as T;
}
