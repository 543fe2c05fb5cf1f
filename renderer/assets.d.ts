// esbuild bundles imported stylesheets into dist/renderer/renderer.css.
declare module '*.css';
