import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { hasUsers } from "@/lib/services/settings";
import { SetupForm } from "./setup-form";

export const dynamic = "force-dynamic";
export const metadata = { title: "Set up" };

// First run on an empty database: create the first admin with the token the server printed.
export default async function SetupPage() {
  const { db } = await getDb();
  if (await hasUsers(db)) redirect("/sign-in");
  return (
    <div className="mx-auto max-w-sm py-10">
      <h1 className="text-2xl font-semibold tracking-tight">Set up Phasegate</h1>
      <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
        This installation has no users yet. Create the first admin with the one-time setup token the server printed to
        its console when it started.
      </p>
      <div className="mt-6 rounded-lg border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900">
        <SetupForm />
      </div>
    </div>
  );
}
