import Link from "next/link";

export default function Unauthorized() {
  return (
    <div className="mx-auto max-w-lg py-16 text-center">
      <h1 className="text-2xl font-semibold">Sign in to continue</h1>
      <p className="mt-2 text-slate-600 dark:text-slate-400">This page is only for people signed in to Phasegate.</p>
      <Link
        href="/sign-in"
        className="mt-4 inline-block rounded-md bg-accent-600 px-3 py-1.5 text-sm text-white hover:bg-accent-700"
      >
        Sign in
      </Link>
    </div>
  );
}
