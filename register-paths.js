// Resolves the monorepo's @app/* imports in the compiled output (dist/), as tsconfig.json's paths do
// for the TypeScript sources.
const { register } = require('tsconfig-paths');
const { compilerOptions } = require('./tsconfig.json');

register({ baseUrl: `${__dirname}/dist`, paths: compilerOptions.paths });
