// esbuild bundles the style sheets a script imports into a CSS file beside it.
declare module '*.css';
