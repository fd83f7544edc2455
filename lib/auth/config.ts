import { setting } from "@/lib/config";
import NextAuth, { CredentialsSignin, type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db/client";
import { users } from "@/db/schema";
import { clientIp } from "./client-ip";
import { attemptLogin } from "./login";
import { normaliseEmail } from "./login-throttle";
import { resolveAuthSecret } from "./secret";
import { log } from "@/lib/observability/log";

// Auth.js: email + password for everyone, and a company's OIDC provider when configured.
// Sessions are signed JWT cookies; every request re-reads the user, so disabling someone or
// changing their roles takes effect at once. Each session carries the person's session epoch:
// a new password or "sign out everywhere" raises it, which ends every older session at once.

/** A throttled attempt; its code carries the wait in seconds ("throttled:8") for the sign-in page. */
export class ThrottledSignin extends CredentialsSignin {
  constructor(retryAfterMs = 1000) {
    super();
    this.code = `throttled:${Math.max(1, Math.ceil(retryAfterMs / 1000))}`;
  }
}

const credentialsSchema = z.object({ email: z.string().max(320), password: z.string().max(256) });

export function oidcConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(setting("OIDC_ISSUER", env) && setting("OIDC_CLIENT_ID", env) && setting("OIDC_CLIENT_SECRET", env));
}

async function findUserByEmail(email: string) {
  const { db } = await getDb();
  const [user] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${normaliseEmail(email)}`);
  return user;
}

async function buildConfig(): Promise<NextAuthConfig> {
  const { db } = await getDb();
  const providers: NextAuthConfig["providers"] = [
    Credentials({
      credentials: { email: { label: "Email" }, password: { label: "Password", type: "password" } },
      async authorize(raw, request) {
        const parsed = credentialsSchema.safeParse(raw);
        if (!parsed.success) return null;
        const result = await attemptLogin(db, { ...parsed.data, ip: clientIp(request.headers) });
        if (result.ok) return result.user;
        if (result.reason === "throttled") throw new ThrottledSignin(result.retryAfterMs);
        return null;
      },
    }),
  ];
  if (oidcConfigured()) {
    providers.push({
      id: "oidc",
      name: setting("OIDC_NAME"),
      type: "oidc",
      issuer: setting("OIDC_ISSUER"),
      clientId: setting("OIDC_CLIENT_ID"),
      clientSecret: setting("OIDC_CLIENT_SECRET"),
    });
  }
  return {
    secret: resolveAuthSecret(),
    // A wrong password is an expected outcome, not a server error: keep it out of the logs.
    logger: {
      error(error) {
        if (error.name === "CredentialsSignin" || error instanceof CredentialsSignin) return;
        log().error({ errorName: error.name, error: error.message }, "auth error");
      },
      warn(code) {
        if (code !== "debug-enabled") log().warn({ code }, "auth warning");
      },
    },
    trustHost: true,
    session: { strategy: "jwt", maxAge: 8 * 60 * 60 },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers,
    callbacks: {
      // OIDC signs in only people an admin created, matched by verified email.
      async signIn({ account, profile }) {
        if (account?.provider !== "oidc") return true;
        // Only an email the provider says it verified: an unverified one could be anybody's.
        if (!profile?.email || profile.email_verified !== true) return false;
        const user = await findUserByEmail(profile.email);
        return Boolean(user && !user.disabledAt);
      },
      async jwt({ token, user, account }) {
        if (account?.provider === "oidc" && token.email) {
          const known = await findUserByEmail(token.email);
          // Never keep the provider's own subject: it is not one of our users.
          token.sub = known && !known.disabledAt ? known.id : undefined;
          token.epoch = known?.sessionEpoch ?? 0;
        } else if (user?.id) {
          token.sub = user.id;
          token.epoch = user.sessionEpoch ?? 0;
        }
        return token;
      },
      session({ session, token }) {
        if (token.sub) session.user.id = token.sub;
        session.epoch = typeof token.epoch === "number" ? token.epoch : 0;
        return session;
      },
    },
  };
}

export const { handlers, auth, signIn, signOut } = NextAuth(buildConfig);
