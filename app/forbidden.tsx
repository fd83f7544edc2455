import Link from "next/link";

export default function Forbidden() {
  return (
    <div className="mx-auto max-w-lg py-16 text-center">
      <h1 className="text-2xl font-semibold">You don’t have access to this</h1>
      <p className="mt-2 text-slate-600 dark:text-slate-400">
        Your roles in this project do not include what this page needs. Ask an admin or the project’s release manager to
        add the role you need.
      </p>
      <Link href="/" className="mt-4 inline-block text-accent-700 underline dark:text-accent-300">
        Back to the portfolio
      </Link>
    </div>
  );
}
