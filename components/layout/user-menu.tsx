import Link from "next/link";
import { signOutAction } from "@/app/sign-in/actions";
import type { UserActor } from "@/lib/auth/actor";

export function UserMenu({ user }: { user: UserActor }) {
  return (
    <div className="flex items-center gap-2 text-sm sm:gap-3">
      <Link
        href="/account"
        className="rounded-md px-1 py-1.5 whitespace-nowrap text-slate-600 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white"
        data-testid="signed-in-as"
        title="Your account"
      >
        <span className="sm:hidden">Account</span>
        <span className="hidden sm:inline">
          {user.name}
          {user.isAdmin ? " · admin" : ""}
        </span>
      </Link>
      {/* On a phone, signing out is on the account page: the header keeps room for the nav. */}
      <form action={signOutAction} className="hidden sm:block">
        <button
          type="submit"
          className="rounded-md px-2 py-1.5 whitespace-nowrap text-slate-700 hover:bg-slate-100 dark:text-slate-200 dark:hover:bg-slate-800"
        >
          Sign out
        </button>
      </form>
    </div>
  );
}

export function MainNav({ user }: { user: UserActor | null }) {
  const link = "whitespace-nowrap text-slate-600 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white";
  if (!user) return null;
  return (
    <nav aria-label="Main" className="flex min-w-0 items-center gap-3 text-sm sm:gap-4">
      <Link href="/" className={link}>
        Portfolio
      </Link>
      <Link href="/my-work" className={link}>
        My work
      </Link>
      {/* On a phone, the roadmap and the delivery metrics are linked from the portfolio page. */}
      <Link href="/roadmap" className={`${link} hidden sm:inline`}>
        Roadmap
      </Link>
      <Link href="/delivery" className={`${link} hidden sm:inline`}>
        Delivery
      </Link>
      <Link href="/projects" className={`${link} hidden sm:inline`}>
        Projects
      </Link>
      {user.isAdmin ? (
        <Link href="/admin" className={link} data-testid="nav-admin">
          Admin
        </Link>
      ) : null}
    </nav>
  );
}
