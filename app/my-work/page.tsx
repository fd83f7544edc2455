import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/card";
import { DatabaseUnavailable } from "@/components/ui/database-unavailable";
import { RelativeTime } from "@/components/ui/relative-time";
import { requireUser } from "@/lib/auth/session";
import type { DueStatus } from "@/lib/domain/validation-windows";
import { loadMyWork, type WorkItem, workFingerprint } from "@/lib/queries/my-work";
import { MyWorkSelfRefresh } from "@/components/my-work/self-refresh";
import { readWithDatabase } from "@/lib/queries/read";
import { pageOf, parsePage } from "@/lib/domain/paging";
import { Pager } from "@/components/ui/pager";

export const dynamic = "force-dynamic";
export const metadata = { title: "My work" };

const dueBadge: Partial<Record<DueStatus, { tone: "red" | "amber" | "grey"; label: string }>> = {
  overdue: { tone: "red", label: "Overdue" },
  due: { tone: "amber", label: "Due now" },
  upcoming: { tone: "grey", label: "Upcoming" },
};
const kindLabel: Record<WorkItem["kind"], string> = {
  item: "Checklist item",
  sign_off: "Sign-off",
  approval: "Approval",
};

/** Things shown per page: a person in many projects can owe thousands. */
const MY_WORK_PAGE_SIZE = 50;

export default async function MyWorkPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const now = new Date();
  const requested = parsePage(await searchParams);
  const result = await readWithDatabase(async (db) => {
    const user = await requireUser();
    return loadMyWork(db, user, now);
  });
  if (!result.ok) return <DatabaseUnavailable reason={result.reason} />;
  const work = result.data;
  const shown = pageOf(work, requested, MY_WORK_PAGE_SIZE);
  const plansInvolved = new Set(work.map((w) => w.planId)).size;
  const overdue = work.filter((w) => w.due === "overdue").length;
  const blocked = work.filter((w) => w.state === "blocked").length;
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">My work</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          Checklist items assigned to you or your roles, sign-offs you owe and gates you can approve, across every plan.
          Overdue first.
        </p>
        <MyWorkSelfRefresh shown={workFingerprint(work)} />
      </div>
      {work.length === 0 ? (
        <EmptyState title="Nothing is waiting on you">
          <p>When a plan you work on needs your tick, sign-off or approval, it appears here.</p>
        </EmptyState>
      ) : (
        <>
          <p className="text-sm text-slate-700 dark:text-slate-300" data-testid="work-summary">
            {work.length.toLocaleString("en-US")} thing{work.length === 1 ? "" : "s"} wait{work.length === 1 ? "s" : ""}{" "}
            on you across {plansInvolved.toLocaleString("en-US")} plan{plansInvolved === 1 ? "" : "s"}
            {overdue ? `: ${overdue} overdue` : ""}
            {blocked ? `${overdue ? "," : ":"} ${blocked} blocked` : ""}.
          </p>
          <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white dark:divide-slate-800 dark:border-slate-800 dark:bg-slate-900">
            {shown.rows.map((w, i) => (
              <li
                key={`${w.planId}-${w.kind}-${shown.from + i}`}
                className="flex flex-col gap-2 p-4 sm:flex-row sm:items-center sm:justify-between"
                data-testid="work-item"
              >
                <div>
                  <div className="flex flex-wrap items-center gap-2">
                    <Badge tone={w.kind === "approval" ? "accent" : "grey"}>{kindLabel[w.kind]}</Badge>
                    {w.due && dueBadge[w.due] ? (
                      <Badge tone={dueBadge[w.due]!.tone}>{dueBadge[w.due]!.label}</Badge>
                    ) : null}
                    {w.state === "blocked" ? <Badge tone="amber">Blocked</Badge> : null}
                    <span className="font-medium">{w.text}</span>
                  </div>
                  <div className="mt-1 text-xs text-slate-600 dark:text-slate-400">
                    {w.project} · {w.planName}
                    {w.phase ? ` · ${w.phase}` : ""}
                    {w.list ? ` · ${w.list}` : ""} · {w.detail}
                    {w.reason ? ` · ${w.reason}` : ""}
                    {w.dueAt ? (
                      <>
                        {" "}
                        · due <RelativeTime date={w.dueAt} now={now} />
                      </>
                    ) : null}
                  </div>
                </div>
                <Link
                  href={`/plans/${w.planId}#checklists`}
                  className="shrink-0 text-sm text-accent-700 underline dark:text-accent-300"
                >
                  Open plan
                </Link>
              </li>
            ))}
          </ul>
          <Pager
            label="Pages of my work"
            noun="Things"
            page={shown}
            href={(n) => (n > 1 ? `/my-work?page=${n}` : "/my-work")}
            testId="work-pager"
          />
        </>
      )}
    </div>
  );
}
