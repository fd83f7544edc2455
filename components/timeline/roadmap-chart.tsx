import clsx from "clsx";
import Link from "next/link";
import { ScrollRegion } from "@/components/ui/scroll-region";
import { MilestoneBadge, PlanStatusBadge } from "@/components/ui/status-badges";
import { phaseStatusLabel, planStatusLabel } from "@/lib/domain/labels";
import { type FreezeBand, positionOf, type RoadmapLayout, type RoadmapRow } from "@/lib/domain/roadmap";
import { formatExact } from "@/lib/domain/time";
import { actualClass, MarkLegendItems, markerGlyph, markOutline, NowLine } from "./marks";

// Every plan in the window on one shared axis, a row per plan under its project's heading: the
// dashed outlines are the phases as planned, the solid bars what happened. The names stay put
// while the axis scrolls sideways on a narrow screen; each row is described in words.

const day = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
const NAME_COLUMN = "sticky left-0 z-10 w-40 shrink-0 bg-white pr-3 sm:w-60 dark:bg-slate-900";
const hatch =
  "bg-[repeating-linear-gradient(135deg,rgb(148_163_184/0.35)_0_4px,transparent_4px_9px)] dark:bg-[repeating-linear-gradient(135deg,rgb(100_116_139/0.45)_0_4px,transparent_4px_9px)]";

function Bands({ bands }: { bands: FreezeBand[] }) {
  return bands.map((b) => (
    <div
      key={`${b.name}-${b.left}`}
      className={clsx("absolute inset-y-0", hatch)}
      style={{ left: `${b.left}%`, width: `${Math.max(0.4, b.width)}%` }}
      title={`Freeze: ${b.text}`}
      aria-hidden="true"
      data-testid="freeze-band"
    />
  ));
}

function Axis({ layout, bands }: { layout: RoadmapLayout; bands: FreezeBand[] }) {
  return (
    <div className="flex items-end border-b border-slate-200 pb-1 dark:border-slate-700" aria-hidden="true">
      <div className={clsx(NAME_COLUMN, "text-xs font-medium text-slate-600 dark:text-slate-400")}>Plan</div>
      <div className="relative h-10 flex-1 text-[11px] text-slate-600 dark:text-slate-400">
        {bands.map((b) => (
          <span
            key={`${b.name}-${b.left}`}
            className="absolute top-0 truncate px-0.5 text-[10px] font-medium text-slate-700 dark:text-slate-300"
            style={{ left: `${b.left}%`, maxWidth: `${Math.max(4, b.width)}%` }}
          >
            {b.name}
          </span>
        ))}
        {layout.window.ticks.map((t) => (
          <span
            key={t.at}
            className={clsx(
              "absolute bottom-0 border-l pl-1 whitespace-nowrap",
              t.major
                ? "border-slate-400 font-semibold text-slate-800 dark:border-slate-500 dark:text-slate-200"
                : "border-slate-300 dark:border-slate-700",
            )}
            style={{ left: `${positionOf(layout.window, t.at)}%` }}
          >
            {t.label}
          </span>
        ))}
        <span
          className="absolute bottom-4 -translate-x-1/2 rounded bg-accent-700 px-1 text-[10px] font-semibold text-white dark:bg-accent-300 dark:text-slate-950"
          style={{ left: `${layout.today}%` }}
        >
          Today
        </span>
      </div>
    </div>
  );
}

function describeRow(row: RoadmapRow): string {
  const { plan } = row;
  const parts = [`${plan.name} ${plan.releaseVersion}, ${planStatusLabel[plan.status]}`];
  parts.push(...row.bars.map((b) => `${b.text}, ${phaseStatusLabel[b.status]}`));
  if (row.markers.length)
    parts.push(row.markers.map((m) => `${markerGlyph[m.kind].text} ${formatExact(m.at)}: ${m.label}`).join("; "));
  if (row.attention) parts.push(`${row.attention.milestone}: ${row.attention.reason}`);
  return parts.join(". ");
}

function PlanRow({ row, today, bands }: { row: RoadmapRow; today: number; bands: FreezeBand[] }) {
  const { plan } = row;
  return (
    <li
      className="flex items-stretch border-b border-slate-100 py-1.5 dark:border-slate-800"
      data-testid="roadmap-plan"
    >
      <div className={clsx(NAME_COLUMN, "text-sm")}>
        <Link
          href={`/plans/${plan.id}`}
          className="block truncate font-medium text-accent-700 hover:underline dark:text-accent-300"
          title={`${plan.name} ${plan.releaseVersion}`}
        >
          {plan.name}
        </Link>
        <div className="flex flex-wrap items-center gap-1 text-xs text-slate-600 dark:text-slate-400">
          <span>{plan.releaseVersion}</span>
          <PlanStatusBadge status={plan.status} />
          {row.attention ? <MilestoneBadge status={row.attention.status} reason={row.attention.reason} /> : null}
        </div>
        {row.attention ? (
          <p className="mt-0.5 text-xs text-slate-700 dark:text-slate-300" data-testid="roadmap-reason">
            {row.attention.reason}
          </p>
        ) : null}
      </div>
      <div
        className="relative min-h-10 flex-1 rounded bg-slate-50 dark:bg-slate-800/50"
        role="img"
        aria-label={describeRow(row)}
      >
        <Bands bands={bands} />
        {row.bars.map((b) => (
          <div key={b.id} title={`${b.text} (${phaseStatusLabel[b.status]})`}>
            {b.planned ? (
              <div
                className="absolute top-1 h-4 rounded-sm border-2 border-dashed border-slate-500 dark:border-slate-400"
                style={{ left: `${b.planned.left}%`, width: `${Math.max(0.4, b.planned.width)}%` }}
                data-testid="roadmap-planned"
              />
            ) : null}
            {b.actual ? (
              <div
                className={clsx("absolute top-6 h-2.5 rounded-sm", actualClass[b.status])}
                style={{ left: `${b.actual.left}%`, width: `${Math.max(0.4, b.actual.width)}%` }}
                data-testid="roadmap-actual"
              />
            ) : null}
          </div>
        ))}
        {row.markers.map((m) => (
          <span
            key={m.id}
            className={clsx(
              "absolute top-2 -translate-x-1/2 text-sm leading-5",
              markOutline,
              markerGlyph[m.kind].className,
            )}
            style={{ left: `${m.left}%` }}
            title={`${markerGlyph[m.kind].text}: ${m.label} (${formatExact(m.at)})`}
            data-testid="roadmap-marker"
            data-kind={m.kind}
          >
            {markerGlyph[m.kind].glyph}
          </span>
        ))}
        <NowLine at={today} testId="roadmap-today" />
      </div>
    </li>
  );
}

function Legend({ withFreezes }: { withFreezes: boolean }) {
  return (
    <ul className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600 dark:text-slate-400" aria-label="Legend">
      <li className="flex items-center gap-1.5">
        <span className="inline-block h-3 w-5 rounded-sm border-2 border-dashed border-slate-500" aria-hidden="true" />
        Planned
      </li>
      <li className="flex items-center gap-1.5">
        <span className="inline-block h-2 w-5 rounded-sm bg-emerald-600" aria-hidden="true" /> Actual
      </li>
      <li className="flex items-center gap-1.5">
        <span className="inline-block h-3 w-0.5 bg-accent-600 dark:bg-accent-300" aria-hidden="true" /> Today
      </li>
      {withFreezes ? (
        <li className="flex items-center gap-1.5">
          <span className={clsx("inline-block h-3 w-5 rounded-sm", hatch)} aria-hidden="true" /> Change freeze
        </li>
      ) : null}
      <MarkLegendItems />
    </ul>
  );
}

/** The roadmap's chart; `bands` are the change freezes touching the window. */
export function RoadmapChart({ layout, bands }: { layout: RoadmapLayout; bands: FreezeBand[] }) {
  const zoomWords = layout.window.zoom === "weeks" ? "weeks" : "quarters";
  return (
    <div className="space-y-3" data-testid="roadmap-chart" data-zoom={layout.window.zoom}>
      <ScrollRegion
        label={`Roadmap by ${zoomWords}, ${day.format(layout.window.from)} to ${day.format(layout.window.to.getTime() - 1)}; scrolls sideways`}
        className="overflow-x-auto rounded-lg border border-slate-200 bg-white p-3 focus:outline-none focus-visible:ring-2 focus-visible:ring-accent-500/50 dark:border-slate-800 dark:bg-slate-900"
      >
        <div className="min-w-[46rem] lg:min-w-0">
          <Axis layout={layout} bands={bands.filter((b) => b.projectId === null)} />
          {layout.groups.map((g) => (
            <section key={g.project.slug} aria-labelledby={`roadmap-project-${g.project.slug}`} className="mt-3">
              <h3
                id={`roadmap-project-${g.project.slug}`}
                className="sticky left-0 inline-block bg-white pr-2 text-sm font-semibold dark:bg-slate-900"
              >
                {g.project.name}
              </h3>
              <ul className="mt-1">
                {g.rows.map((row) => (
                  <PlanRow
                    key={row.plan.id}
                    row={row}
                    today={layout.today}
                    bands={bands.filter((b) => b.projectId === null || b.projectId === g.project.id)}
                  />
                ))}
              </ul>
            </section>
          ))}
        </div>
      </ScrollRegion>
      <Legend withFreezes={bands.length > 0} />
      {bands.length ? (
        <div className="text-xs text-slate-700 dark:text-slate-300">
          <h3 className="font-semibold">Change freezes in this window</h3>
          <ul className="mt-1 list-disc pl-5">
            {bands.map((b) => (
              <li key={`${b.name}-${b.left}`}>{b.text}</li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
