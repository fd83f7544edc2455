/** @type {import('next').NextConfig} */
const nextConfig = {
  // PGlite ships WASM and data files that must be loaded from node_modules at run time.
  serverExternalPackages: ["@electric-sql/pglite"],
  poweredByHeader: false,
  reactStrictMode: true,
  typedRoutes: false,
  // Typecheck and lint run as their own CI steps (npm run typecheck / npm run lint).
  typescript: { ignoreBuildErrors: true },
};

export default nextConfig;
