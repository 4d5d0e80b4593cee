/* global require, __dirname */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS require hook, loaded with node -r */
// Lets a child process of a test run the TypeScript sources directly: transpile on require (as
// ts-jest does, isolated modules) and resolve the monorepo's @app/* paths to the sources.
const ts = require('typescript');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { register } = require('tsconfig-paths');
const root = join(__dirname, '..', '..');
const { compilerOptions } = require(join(root, 'tsconfig.json'));

register({ baseUrl: root, paths: compilerOptions.paths });
require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      esModuleInterop: true,
    },
  });
  module._compile(outputText, filename);
};
