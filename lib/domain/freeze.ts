import type { ProjectRole } from "@/db/schema/enums";
import { compileRule, type FreezeRule, type OneOffFreeze, type RecurringFreeze } from "./freeze-rule";
export { describeFreeze, durationWords } from "./freeze-words";
import { formatDuration } from "./time";
import { andList } from "./freeze-words";
import { instantOfWallTime, storedWallTime, wallTimeOf, wallTimeWords } from "./zoned-time";

// During a change freeze a plan holds still: go decisions and automatic advance are refused, and
// the gate says which freeze holds it and until when. No-go and rollback are always allowed —
// stopping or undoing a release is what a freeze is for. In an emergency a release manager and an
// admin together, each giving a reason, may let one go decision through.

export {
  freezeRuleSchema,
  MAX_ONE_OFF_DAYS,
  MAX_WINDOW_MINUTES,
  parseFreezeRule,
  ruleProblems,
  type FreezeRule,
  type FreezeRuleParse,
  type OneOffFreeze,
  type RecurringFreeze,
} from "./freeze-rule";

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** One window of a freeze, as real instants: frozen from `startsAt` up to (not including) `endsAt`. */
export interface FreezeWindow<F extends FreezeRule = FreezeRule> {
  freeze: F;
  startsAt: Date;
  endsAt: Date;
}

/** The freezes that hold a project: the instance-wide ones and that project's own. */
export function freezesFor<F extends FreezeRule>(freezes: readonly F[], projectId: string): F[] {
  return freezes.filter((f) => f.scope === "instance" || f.projectId === projectId);
}

type Span = Omit<FreezeWindow, "freeze">;

/**
 * The window that starts at a wall time. Its end is the start plus the duration on the wall
 * clock. Only a window starting in the hour the clocks skip can then seem to end before it
 * starts; such a window keeps its length instead.
 */
function spanFrom(freeze: RecurringFreeze, wallStart: Date): Span {
  const durationMs = freeze.durationMinutes * MINUTE_MS;
  const startsAt = instantOfWallTime(wallStart, freeze.timeZone);
  const endsAt = instantOfWallTime(new Date(wallStart.getTime() + durationMs), freeze.timeZone);
  return { startsAt, endsAt: endsAt > startsAt ? endsAt : new Date(startsAt.getTime() + durationMs) };
}

function oneOffSpan(freeze: OneOffFreeze): Span {
  const instant = (text: string) => instantOfWallTime(storedWallTime(text), freeze.timeZone);
  return { startsAt: instant(freeze.startsAt), endsAt: instant(freeze.endsAt) };
}

function spans(freeze: FreezeRule, from: Date, to: Date): Span[] {
  if (freeze.kind === "one_off") return [oneOffSpan(freeze)];
  // Ask rrule for wall-time starts, with a day's slack either side for offset changes.
  const earliest = wallTimeOf(from, freeze.timeZone).getTime() - freeze.durationMinutes * MINUTE_MS - DAY_MS;
  const latest = wallTimeOf(to, freeze.timeZone).getTime() + DAY_MS;
  return compileRule(freeze.rrule, freeze.from, new Date(earliest))
    .between(new Date(earliest), new Date(latest), true)
    .map((wallStart) => spanFrom(freeze, wallStart));
}

/**
 * The windows of a freeze that overlap [from, to), in order — including one that began before
 * `from` and is still running.
 */
export function occurrencesBetween<F extends FreezeRule>(freeze: F, from: Date, to: Date): FreezeWindow<F>[] {
  return spans(freeze, from, to)
    .filter((span) => span.startsAt < to && span.endsAt > from)
    .map((span) => ({ freeze, ...span }));
}

function windowsAt<F extends FreezeRule>(freezes: readonly F[], at: Date): FreezeWindow<F>[] {
  const justAfter = new Date(at.getTime() + 1);
  return freezes.flatMap((f) => occurrencesBetween(f, at, justAfter));
}

/** How far ahead a chain of back-to-back windows is followed before "until" becomes "until at least". */
export const CHAIN_HORIZON_MS = 400 * DAY_MS;
/** Windows are fetched this many days at a time while following a chain. */
const CHAIN_STEP_MS = 35 * DAY_MS;

/**
 * A plan frozen at some moment: the windows holding it then, and when it is free again. Windows
 * that overlap or touch — of the same freeze or of others — count as one freeze, so `until` is
 * when no freeze holds the plan any more; `chain` lists the windows that hold it or carry the
 * freeze on until then, in order.
 */
export interface ActiveFreeze<F extends FreezeRule = FreezeRule> {
  holding: FreezeWindow<F>[];
  chain: FreezeWindow<F>[];
  until: Date;
  /** True when the windows still run on back to back at the horizon: `until` is a lower bound. */
  untilAtLeast: boolean;
}

const byStart = (a: FreezeWindow, b: FreezeWindow) => a.startsAt.getTime() - b.startsAt.getTime();

/**
 * Follows windows that start before the plan is free again, adding those that carry the freeze
 * on; returns the new end and whether a free moment comes before the last window.
 */
function extendChain<F extends FreezeRule>(windows: FreezeWindow<F>[], chain: FreezeWindow<F>[], until: number) {
  for (const w of windows.sort(byStart)) {
    if (w.startsAt.getTime() > until) return { until, gap: true };
    if (w.endsAt.getTime() > until) chain.push(w);
    until = Math.max(until, w.endsAt.getTime());
  }
  return { until, gap: false };
}

/** Which freezes hold a plan at `at`, and until when; null when none does. */
export function activeFreeze<F extends FreezeRule>(freezes: readonly F[], at: Date): ActiveFreeze<F> | null {
  const holding = windowsAt(freezes, at).sort(byStart);
  if (!holding.length) return null;
  const chain = [...holding];
  const horizon = at.getTime() + CHAIN_HORIZON_MS;
  let until = Math.max(...holding.map((w) => w.endsAt.getTime()));
  while (until < horizon) {
    const stepEnd = until + CHAIN_STEP_MS;
    const step = extendChain(
      freezes.flatMap((f) => occurrencesBetween(f, new Date(until), new Date(stepEnd))),
      chain,
      until,
    );
    until = step.until;
    // Every window starting before stepEnd was seen: ending short of it means a gap follows.
    if (step.gap || until < stepEnd) break;
  }
  return { holding, chain: chain.sort(byStart), until: new Date(until), untilAtLeast: until >= horizon };
}

/** The first window to start after `at` within `horizonMs`, for a "freeze starts in 3 h" warning. */
export function nextFreeze<F extends FreezeRule>(
  freezes: readonly F[],
  at: Date,
  horizonMs: number,
): FreezeWindow<F> | null {
  const until = new Date(at.getTime() + horizonMs);
  const upcoming = freezes.flatMap((f) => occurrencesBetween(f, at, until)).filter((w) => w.startsAt > at);
  return upcoming.reduce<FreezeWindow<F> | null>(
    (first, w) => (!first || w.startsAt < first.startsAt ? w : first),
    null,
  );
}

/** "Mon 8 Dec, 08:00 (Europe/Berlin)": an instant on the clocks of a zone. */
export function instantWords(instant: Date, timeZone: string, now: Date): string {
  return `${wallTimeWords(wallTimeOf(instant, timeZone), wallTimeOf(now, timeZone))} (${timeZone})`;
}

const quoted = (names: readonly string[]) => andList(names.map((n) => `“${n}”`));

/**
 * "Change freeze “Weekend freeze” is on until Mon 8 Dec, 08:00 (Europe/Berlin)". Names every
 * freeze in the chain; the end is told on the clocks of the freeze whose window ends it.
 */
export function freezeSentence(active: ActiveFreeze, now: Date): string {
  const names = [...new Set(active.chain.map((w) => w.freeze.name))];
  const last = active.chain.find((w) => w.endsAt.getTime() === active.until.getTime()) ?? active.chain.at(-1);
  const zone = last?.freeze.timeZone ?? "UTC";
  const freezes = names.length === 1 ? `Change freeze ${quoted(names)} is` : `Change freezes ${quoted(names)} are`;
  return `${freezes} on until${active.untilAtLeast ? " at least" : ""} ${instantWords(active.until, zone, now)}`;
}

/** "Change freeze “Weekend freeze” starts Fri 5 Dec, 16:00 (Europe/Berlin), in 3 h". */
export function upcomingFreezeWarning(window: FreezeWindow, now: Date): string {
  const when = instantWords(window.startsAt, window.freeze.timeZone, now);
  return `Change freeze “${window.freeze.name}” starts ${when}, in ${formatDuration(window.startsAt.getTime() - now.getTime())}`;
}

/** One of the two people who sign an emergency override, with what the service knows of their roles. */
export interface OverrideSigner {
  userId: string;
  reason: string;
  isAdmin: boolean;
  /** The signer's roles in the plan's project. */
  roles: readonly ProjectRole[];
}

/** An emergency override lets one go decision through a freeze: a release manager and an admin, both with a reason. */
export interface FreezeOverride {
  releaseManager: OverrideSigner;
  admin: OverrideSigner;
}

/** Why an override cannot be used, in words; [] when it can. */
export function overrideProblems({ releaseManager, admin }: FreezeOverride): string[] {
  const problems: string[] = [];
  if (!releaseManager.roles.includes("release_manager"))
    problems.push("the release manager who signs must hold that role in this project");
  if (!admin.isAdmin) problems.push("the admin who signs must be an administrator");
  if (releaseManager.userId.trim() === admin.userId.trim())
    problems.push("the release manager and the admin must be two different people");
  if (!releaseManager.reason.trim()) problems.push("the release manager must give a reason");
  if (!admin.reason.trim()) problems.push("the admin must give a reason");
  return problems;
}

export type FreezeCommand = "go" | "auto_advance" | "no_go" | "rollback";

/** Commands a freeze never holds back: stopping or undoing a release. */
export const ALWAYS_ALLOWED: readonly FreezeCommand[] = ["no_go", "rollback"];

export type FreezeVerdict<F extends FreezeRule = FreezeRule> =
  | { allowed: true; freeze: null }
  | { allowed: true; freeze: ActiveFreeze<F>; overridden: true; message: string }
  | { allowed: false; freeze: ActiveFreeze<F>; message: string };

export interface FreezeVerdictInput<F extends FreezeRule> {
  command: FreezeCommand;
  /** The freezes that hold the plan's project (see freezesFor). */
  freezes: readonly F[];
  at: Date;
  override?: FreezeOverride | null;
}

/**
 * Whether a command may go ahead at `at`. A go decision during a freeze needs a valid override;
 * automatic advance has nobody to sign one, so it waits for the freeze to end.
 */
export function freezeVerdict<F extends FreezeRule>({
  command,
  freezes,
  at,
  override,
}: FreezeVerdictInput<F>): FreezeVerdict<F> {
  if (ALWAYS_ALLOWED.includes(command)) return { allowed: true, freeze: null };
  const freeze = activeFreeze(freezes, at);
  if (!freeze) return { allowed: true, freeze: null };
  const sentence = freezeSentence(freeze, at);
  if (command === "auto_advance") return { allowed: false, freeze, message: `${sentence}; automatic advance waits` };
  if (!override) {
    const needed = "a go decision needs an emergency override by a release manager and an admin, each with a reason";
    return { allowed: false, freeze, message: `${sentence}; ${needed}` };
  }
  const problems = overrideProblems(override);
  if (problems.length)
    return { allowed: false, freeze, message: `${sentence}; override refused: ${problems.join("; ")}` };
  return { allowed: true, freeze, overridden: true, message: `Emergency override: ${sentence}` };
}
