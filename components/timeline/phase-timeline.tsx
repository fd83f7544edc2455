import clsx from "clsx";
import type { PhaseStatus } from "@/db/schema/enums";
import { healthLabel, type PhaseHealth } from "@/lib/domain/health";
import { phaseStatusLabel } from "@/lib/domain/labels";
import { formatPercent } from "@/lib/domain/milestones";
import { describeStepTiming, stepSpan, stepTiming, type StepTimes } from "@/lib/domain/step-timing";
import { formatExact } from "@/lib/domain/time";
import { actualClass, type MarkKind, MarkLegendItems, markerGlyph, NowLine } from "./marks";

export interface TimelinePhase {
  id: string;
  name: string;
  status: PhaseStatus;
  trafficPercent: number;
  plannedStartAt: Date | null;
  plannedEndAt: Date | null;
  actualStartAt: Date | null;
  actualEndAt: Date | null;
}

/**
 * A migration step on the timeline: a bar from its start to its end (or to now while it runs);
 * a mark where it completed when its start is unknown; else listed in order.
 */
export interface TimelineMigrationStep extends StepTimes {
  id: string;
  number: number;
  kind: string;
  action: string;
}

export interface TimelineMarker {
  id: string;
  phaseId: string | null;
  at: Date;
  kind: MarkKind;
  label: string;
}

// Phases as bars on one time axis: the outline is the plan, the solid bar what happened.
const healthDot: Record<PhaseHealth["health"], string> = {
  green: "bg-emerald-500",
  amber: "bg-amber-500",
  red: "bg-red-600",
  unknown: "bg-slate-300 dark:bg-slate-600",
};

export function PhaseTimeline({
  phases,
  markers,
  now,
  health = new Map(),
  migration = [],
}: {
  phases: TimelinePhase[];
  markers: TimelineMarker[];
  now: Date;
  /** How each started phase went (worst sustained KPI reading), by phase id. */
  health?: ReadonlyMap<string, PhaseHealth>;
  /** The plan's migration steps in run order, shown as a row under the phases. */
  migration?: TimelineMigrationStep[];
}) {
  const instants = phases
    .flatMap((p) => [p.plannedStartAt, p.plannedEndAt, p.actualStartAt, p.actualEndAt])
    .filter((d): d is Date => d !== null);
  instants.push(
    now,
    ...markers.map((m) => m.at),
    ...migration.flatMap((s) => [stepTime(s), s.startedAt]).filter((d): d is Date => d !== null),
  );
  const min = Math.min(...instants.map((d) => d.getTime()));
  const max = Math.max(...instants.map((d) => d.getTime()));
  const span = Math.max(1, max - min);
  const pos = (d: Date) => ((d.getTime() - min) / span) * 100;
  const nowPos = pos(now);
  const dayTicks = ticks(min, max);

  return (
    <div className="space-y-2" data-testid="phase-timeline">
      <DayAxis ticks={dayTicks} pos={pos} />
      <ol className="space-y-2">
        {phases.map((p) => (
          <PhaseRow
            key={p.id}
            phase={p}
            markers={markers.filter((m) => m.phaseId === p.id)}
            health={health.get(p.id)}
            now={now}
            pos={pos}
            nowPos={nowPos}
          />
        ))}
      </ol>
      {migration.length ? <MigrationRow steps={migration} pos={pos} nowPos={nowPos} now={now} /> : null}
      <Legend withHealth={health.size > 0} withMigration={migration.length > 0} />
    </div>
  );
}

/** One phase: planned span (dashed), actual span, its decision and incident marks, and today. */
function PhaseRow({
  phase: p,
  markers,
  health,
  now,
  pos,
  nowPos,
}: {
  phase: TimelinePhase;
  markers: TimelineMarker[];
  health: PhaseHealth | undefined;
  now: Date;
  pos: (d: Date) => number;
  nowPos: number;
}) {
  const plannedLabel =
    p.plannedStartAt && p.plannedEndAt
      ? `planned ${formatExact(p.plannedStartAt)} to ${formatExact(p.plannedEndAt)}`
      : "no planned dates";
  const actualEnd = p.actualEndAt ?? (p.status === "active" ? now : null);
  const actualLabel = p.actualStartAt
    ? `actual ${formatExact(p.actualStartAt)} to ${p.actualEndAt ? formatExact(p.actualEndAt) : "now"}`
    : "not started";
  return (
    <li className="flex flex-col gap-1 sm:flex-row sm:items-center sm:gap-0">
      <div className="flex w-36 shrink-0 items-baseline gap-2 pr-3 text-sm">
        {health ? (
          <span
            className={clsx("inline-block h-2.5 w-2.5 shrink-0 self-center rounded-full", healthDot[health.health])}
            title={`${healthLabel[health.health]}: ${health.detail}`}
            data-testid="phase-health"
            data-health={health.health}
          >
            <span className="sr-only">
              {healthLabel[health.health]}: {health.detail}.
            </span>
          </span>
        ) : null}
        <span className="truncate font-medium">{p.name}</span>
        <span className="text-xs text-slate-600 tabular-nums dark:text-slate-400">
          {formatPercent(p.trafficPercent)}
        </span>
      </div>
      <div
        className="relative h-7 w-full rounded bg-slate-100 sm:w-auto sm:flex-1 dark:bg-slate-800/60"
        role="img"
        aria-label={`${p.name}, ${phaseStatusLabel[p.status]}: ${plannedLabel}; ${actualLabel}`}
      >
        {p.plannedStartAt && p.plannedEndAt ? (
          <div
            className="absolute top-1 h-5 rounded border-2 border-dashed border-slate-400 dark:border-slate-500"
            style={{
              left: `${pos(p.plannedStartAt)}%`,
              width: `${Math.max(0.5, pos(p.plannedEndAt) - pos(p.plannedStartAt))}%`,
            }}
            title={`Planned: ${plannedLabel}`}
          />
        ) : null}
        {p.actualStartAt && actualEnd ? (
          <div
            className={clsx("absolute top-2 h-3 rounded", actualClass[p.status])}
            style={{
              left: `${pos(p.actualStartAt)}%`,
              width: `${Math.max(0.5, pos(actualEnd) - pos(p.actualStartAt))}%`,
            }}
            title={`${phaseStatusLabel[p.status]}: ${actualLabel}`}
          />
        ) : null}
        {markers.map((m) => (
          <span
            key={m.id}
            className={clsx(
              "absolute top-0.5 -translate-x-1/2 text-base leading-6 [text-shadow:0_0_2px_#fff,0_0_2px_#fff] dark:[text-shadow:0_0_2px_#000,0_0_2px_#000]",
              markerGlyph[m.kind].className,
            )}
            style={{ left: `${pos(m.at)}%` }}
            title={`${markerGlyph[m.kind].text}: ${m.label} (${formatExact(m.at)})`}
          >
            {markerGlyph[m.kind].glyph}
          </span>
        ))}
        <NowLine at={nowPos} />
      </div>
    </li>
  );
}

/** The dates along the top. */
function DayAxis({ ticks: dayTicks, pos }: { ticks: number[]; pos: (d: Date) => number }) {
  return (
    <div className="relative ml-0 h-5 text-[11px] text-slate-600 sm:ml-36 dark:text-slate-400" aria-hidden="true">
      {dayTicks.map((t) => (
        <span key={t} className="absolute -translate-x-1/2 whitespace-nowrap" style={{ left: `${pos(new Date(t))}%` }}>
          {new Date(t).toLocaleDateString("en-GB", { day: "numeric", month: "short", timeZone: "UTC" })}
        </span>
      ))}
    </div>
  );
}

/** What the marks mean; the health and migration entries only when the timeline shows them. */
function Legend({ withHealth, withMigration }: { withHealth: boolean; withMigration: boolean }) {
  return (
    <ul
      className="flex flex-wrap gap-x-4 gap-y-1 pt-1 text-xs text-slate-600 sm:ml-36 dark:text-slate-400"
      aria-label="Legend"
    >
      <li className="flex items-center gap-1.5">
        <span className="inline-block h-3 w-5 rounded border-2 border-dashed border-slate-400" aria-hidden="true" />{" "}
        Planned
      </li>
      <li className="flex items-center gap-1.5">
        <span className="inline-block h-2 w-5 rounded bg-emerald-600" aria-hidden="true" /> Actual
      </li>
      <li className="flex items-center gap-1.5">
        <span className="inline-block h-3 w-0.5 bg-accent-600 dark:bg-accent-300" aria-hidden="true" /> Today
      </li>
      {withHealth ? (
        <li className="flex items-center gap-1.5">
          <span className="inline-block h-2.5 w-2.5 rounded-full bg-emerald-500" aria-hidden="true" /> Phase KPI health
        </li>
      ) : null}
      {withMigration ? (
        <li className="flex items-center gap-1.5">
          <span
            className="inline-block h-3 w-3 rounded-sm bg-emerald-600/80 dark:bg-emerald-400/80"
            aria-hidden="true"
          />
          Migration step (run; amber ring: over its expected time)
        </li>
      ) : null}
      <MarkLegendItems />
    </ul>
  );
}

const stepTime = (s: TimelineMigrationStep) => s.completedAt ?? s.validatedAt;

/** Which positions (in %) get a number under them: each, unless it would sit on the previous one's. */
function labelledPositions(positions: readonly (number | null)[], gap = 2.5): boolean[] {
  return positions.reduce<{ last: number; out: boolean[] }>(
    (acc, where) => {
      const labelled = where !== null && where - acc.last >= gap;
      return { last: labelled ? where : acc.last, out: [...acc.out, labelled] };
    },
    { last: -Infinity, out: [] },
  ).out;
}

const spanTone: Record<string, string> = {
  running: "bg-accent-500/80 dark:bg-accent-400/80",
  validated: "bg-accent-500/80 dark:bg-accent-400/80",
  done: "bg-emerald-600/80 dark:bg-emerald-400/80",
};

/** Steps that ran sit on the axis as bars (or marks, when only their end is known); the others follow in run order with their status. */
function MigrationRow({
  steps,
  pos,
  nowPos,
  now,
}: {
  steps: TimelineMigrationStep[];
  pos: (d: Date) => number;
  nowPos: number;
  now: Date;
}) {
  const placed = steps.map((s) => {
    const timing = stepTiming(s, now);
    const span = stepSpan(timing, now);
    const at = stepTime(s);
    return { step: s, timing, span, at, where: span ? (pos(span.from) + pos(span.to)) / 2 : at ? pos(at) : null };
  });
  const shown = labelledPositions(placed.map((p) => p.where));
  const drawn = placed.map((p, i) => ({ ...p, labelled: shown[i]! }));
  const waiting = drawn.filter((d) => !d.span && !d.at).map((d) => d.step);
  const words = drawn.map(({ step: s, timing, at }) => {
    const said = describeStepTiming(timing);
    const when = timing
      ? ` started ${formatExact(timing.startedAt)}`
      : at
        ? ` ${s.completedAt ? "completed" : "validated"} ${formatExact(at)}`
        : "";
    return `step ${s.number} ${s.action} (${s.kind}), ${s.status}${when}${said ? `, ${said}` : ""}`;
  });
  return (
    <div className="flex flex-col gap-1 sm:flex-row sm:items-center sm:gap-0" data-testid="timeline-migration">
      <div className="w-36 shrink-0 pr-3 text-sm font-medium">Migration</div>
      <div className="w-full sm:w-auto sm:flex-1">
        <div
          className="relative h-7 rounded bg-slate-100 dark:bg-slate-800/60"
          role="img"
          aria-label={`Migration: ${words.join("; ")}`}
        >
          {drawn.map(({ step: s, timing, span, at, labelled }, i) => {
            const title = words[i]!.replace(/^step/, "Step");
            if (span) {
              const left = pos(span.from);
              const width = Math.max(0.6, pos(span.to) - left);
              const over = timing && timing.kind !== "failed" && timing.overrunMs > 0;
              return (
                <span
                  key={s.id}
                  className={`absolute top-1 h-3.5 rounded-sm ${spanTone[s.status] ?? "bg-slate-400"} ${over ? "ring-2 ring-amber-500" : ""}`}
                  style={{ left: `${left}%`, width: `${width}%` }}
                  title={title}
                >
                  {labelled ? (
                    <span className="absolute top-4 left-1/2 -translate-x-1/2 text-[10px] leading-none text-slate-700 tabular-nums dark:text-slate-200">
                      {s.number}
                    </span>
                  ) : null}
                </span>
              );
            }
            if (!at) return null;
            return (
              <span
                key={s.id}
                className="absolute top-0.5 -translate-x-1/2 text-base leading-6 text-slate-700 [text-shadow:0_0_2px_#fff,0_0_2px_#fff] dark:text-slate-200 dark:[text-shadow:0_0_2px_#000,0_0_2px_#000]"
                style={{ left: `${pos(at)}%` }}
                title={title}
              >
                ■
                {labelled ? (
                  <span className="absolute top-5 left-1/2 -translate-x-1/2 text-[10px] leading-none tabular-nums">
                    {s.number}
                  </span>
                ) : null}
              </span>
            );
          })}
          <NowLine at={nowPos} />
        </div>
        {waiting.length ? (
          <ol
            className="mt-1 flex flex-wrap gap-x-3 gap-y-0.5 text-xs text-slate-600 dark:text-slate-400"
            aria-hidden="true"
          >
            {waiting.map((s) => (
              <li key={s.id}>
                {s.number}. {s.kind} · {s.status}
              </li>
            ))}
          </ol>
        ) : null}
      </div>
    </div>
  );
}

function ticks(min: number, max: number): number[] {
  const day = 86_400_000;
  const days = (max - min) / day;
  const step = days <= 8 ? day : days <= 21 ? 3 * day : days <= 60 ? 7 * day : 30 * day;
  const out: number[] = [];
  for (let t = Math.ceil(min / day) * day; t <= max; t += step) out.push(t);
  return out;
}
