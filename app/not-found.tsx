import Link from "next/link";

export default function NotFound() {
  return (
    <div className="mx-auto max-w-lg py-16 text-center">
      <h1 className="text-2xl font-semibold">Not found</h1>
      <p className="mt-2 text-slate-600 dark:text-slate-400">
        There is no plan or page at this address. It may have been removed, or the link is mistyped.
      </p>
      <Link href="/" className="mt-4 inline-block text-accent-700 underline dark:text-accent-300">
        Back to the portfolio
      </Link>
    </div>
  );
}
