import { QueryProvider } from "@/components/providers/query-provider";
import type { Metadata, Viewport } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { ThemeToggle } from "@/components/layout/theme-toggle";
import { MainNav, UserMenu } from "@/components/layout/user-menu";
import { currentUser } from "@/lib/auth/session";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Phasegate", template: "%s · Phasegate" },
  description: "Staged rollouts where the plan is the rollout: phases, gates, checklists and live KPIs.",
  icons: { icon: "/favicon.svg" },
};

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#f8fafc" },
    { media: "(prefers-color-scheme: dark)", color: "#020617" },
  ],
};

// Applies the saved or system theme before first paint, so dark mode never flashes light.
const themeScript = `try{var t=localStorage.getItem("phasegate-theme");var d=t?t==="dark":matchMedia("(prefers-color-scheme: dark)").matches;document.documentElement.classList.toggle("dark",d)}catch(e){}`;

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const nonce = (await headers()).get("x-nonce") ?? undefined;
  const user = await currentUser().catch(() => null);
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: themeScript }} />
      </head>
      <body className="min-h-screen font-sans">
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-sm dark:focus:bg-slate-900"
        >
          Skip to content
        </a>
        <header className="border-b border-slate-200 bg-white/80 backdrop-blur dark:border-slate-800 dark:bg-slate-900/80">
          <div className="mx-auto flex h-14 max-w-7xl items-center gap-3 px-3 sm:gap-6 sm:px-6">
            <Link
              href="/"
              aria-label="Phasegate home"
              className="flex shrink-0 items-center gap-2 font-semibold tracking-tight"
            >
              <svg aria-hidden="true" viewBox="0 0 24 24" className="h-6 w-6 text-accent-600 dark:text-accent-400">
                <path fill="currentColor" d="M3 18h4V9H3v9Zm7 0h4V6h-4v12Zm7 0h4V3h-4v15Z" />
              </svg>
              <span className={user ? "hidden sm:inline" : undefined}>Phasegate</span>
            </Link>
            <MainNav user={user} />
            <div className="ml-auto flex shrink-0 items-center gap-1 sm:gap-2">
              {user ? <UserMenu user={user} /> : null}
              <ThemeToggle />
            </div>
          </div>
        </header>
        <main id="main" className="mx-auto max-w-7xl px-4 py-6 sm:px-6">
          <QueryProvider>{children}</QueryProvider>
        </main>
      </body>
    </html>
  );
}
