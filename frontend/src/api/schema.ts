/**
 * The one place that says where the API's path types come from: the files
 * `npm run gen:types` generates from ../api/openapi/{console,unit}.yaml.
 */
import type { paths as ConsolePaths } from './schema-console'
import type { paths as UnitPaths } from './schema-unit'

/** One SPA talks to both hosts, so the client knows every path of both schemas. */
export type paths = ConsolePaths & UnitPaths
