// mc-scripts' production webpack config, plus the shared UI module (../mc-shared/src) as a source folder
// (compiled like src/) whose imports resolve from this app's node_modules as well.
const path = require('path');
const { createWebpackConfigForProduction } = require('@commercetools-frontend/mc-scripts/webpack');

const config = createWebpackConfigForProduction({
  sourceFolders: [path.resolve(__dirname, 'src'), path.resolve(__dirname, '../mc-shared/src')],
});
config.resolve.modules = ['node_modules', path.resolve(__dirname, 'node_modules')];
module.exports = config;
