/** @type {import('next').NextConfig} */
const securityHeaders = [
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
  { key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
];

const nextConfig = {
  // PGlite ships WASM and data files, argon2 a native addon: both load from node_modules at run time.
  serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2", "pino", "pino-pretty", "prom-client"],
  poweredByHeader: false,
  reactStrictMode: true,
  // Typecheck and lint run as their own CI steps (npm run typecheck / npm run lint).
  typescript: { ignoreBuildErrors: true },
  // forbidden() and unauthorized() render app/forbidden.tsx and app/unauthorized.tsx with 403 / 401.
  // Server actions carry an imported Markdown document (up to 1 MB) and its preview back.
  experimental: { authInterrupts: true, serverActions: { bodySizeLimit: "3mb" } },
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

export default nextConfig;
