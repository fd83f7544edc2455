import Link from "next/link";
import { ScrollRegion } from "@/components/ui/scroll-region";
import { MilestoneBadge, PlanStatusBadge } from "@/components/ui/status-badges";
import { TableHead } from "@/components/ui/table";
import type { RoadmapLayout } from "@/lib/domain/roadmap";
import { formatExact } from "@/lib/domain/time";

/** The roadmap's milestones as a table: what each plan reaches next, when, and why it is at risk or late. */
export function RoadmapMilestones({ layout }: { layout: RoadmapLayout }) {
  const rows = layout.groups.flatMap((g) => g.rows.map((row) => ({ project: g.project, row })));
  return (
    <ScrollRegion
      label="Milestones of the plans on the roadmap"
      className="overflow-x-auto rounded-lg border border-slate-200 bg-white focus:outline-none focus-visible:ring-2 focus-visible:ring-accent-500/50 dark:border-slate-800 dark:bg-slate-900"
    >
      <table className="w-full min-w-[40rem] text-left text-sm" data-testid="roadmap-milestones">
        <caption className="px-3 pt-3 text-left text-sm font-semibold">
          Milestones: {rows.length} plan{rows.length === 1 ? "" : "s"} in this window
        </caption>
        <TableHead
          columns={["Plan", "Project", "Status", "Next milestone", "Due", "Why"]}
          cell="px-3 py-2 font-medium"
        />
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
          {rows.map(({ project, row: { plan, attention } }) => (
            <tr key={plan.id}>
              <th scope="row" className="px-3 py-2 font-medium">
                <Link href={`/plans/${plan.id}`} className="text-accent-700 hover:underline dark:text-accent-300">
                  {plan.name}
                </Link>{" "}
                <span className="text-xs font-normal text-slate-600 dark:text-slate-400">{plan.releaseVersion}</span>
              </th>
              <td className="px-3 py-2">{project.name}</td>
              <td className="px-3 py-2">
                <PlanStatusBadge status={plan.status} />
              </td>
              <td className="px-3 py-2">{plan.milestone ? plan.milestone.label : "None (finished)"}</td>
              <td className="px-3 py-2 whitespace-nowrap">
                {plan.milestone?.dueAt ? formatExact(plan.milestone.dueAt) : "No date"}
              </td>
              <td className="px-3 py-2">
                {plan.milestone ? (
                  <span className="flex flex-wrap items-center gap-1.5">
                    <MilestoneBadge status={plan.milestone.status} reason={plan.milestone.reason} />
                    <span>{attention?.reason ?? plan.milestone.reason}</span>
                  </span>
                ) : (
                  "—"
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}
