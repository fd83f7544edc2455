import "server-only";
import type { Database } from "@/db/client";
import { autoAdvanceVerdict } from "@/lib/domain/auto-advance";
import { breachedTriggers } from "@/lib/reads/triggers";
import { freezeSentence, upcomingFreezeWarning } from "@/lib/domain/freeze";
import { freezeStateOf } from "@/lib/reads/freezes";
import { loadGateState } from "@/lib/reads/gate";
import { loadPhases, loadPlanForWrite } from "@/lib/reads/plan-state";
import { trafficOf } from "@/lib/domain/lifecycle";
import type { z } from "zod";
import type { planStatusResponseSchema } from "@/lib/validation/api";

/** Is phase X go? The active phase, the next one, and the gate with every unmet condition. */
export async function planStatus(
  db: Database,
  planId: string,
  now = new Date(),
): Promise<z.input<typeof planStatusResponseSchema> & { projectId: string }> {
  const plan = await loadPlanForWrite(db, planId);
  const list = await loadPhases(db, planId);
  const index = list.findIndex((p) => p.status === "active");
  const active = list[index];
  const next = index >= 0 ? list[index + 1] : undefined;
  const gate = active ? await loadGateState(db, active, now) : null;
  const frozen = await freezeStateOf(db, plan.projectId, now);
  const freeze = frozen.active
    ? {
        name: [...new Set(frozen.active.chain.map((w) => w.freeze.name))].join(", "),
        until: frozen.active.until.toISOString(),
        untilAtLeast: frozen.active.untilAtLeast,
        sentence: freezeSentence(frozen.active, now),
      }
    : null;
  const auto = active
    ? autoAdvanceVerdict({
        planStatus: plan.status,
        phase: active,
        gate: gate?.verdict ?? null,
        breachedTriggers: await breachedTriggers(db, plan.id, active.id),
        freeze: frozen.active && freeze ? { sentence: freeze.sentence, until: frozen.active.until } : null,
        now,
      })
    : null;
  return {
    projectId: plan.projectId,
    planId: plan.id,
    name: plan.name,
    status: plan.status,
    version: plan.version,
    trafficPercent: trafficOf({ status: plan.status, phases: list }),
    activePhase:
      active && auto
        ? {
            name: active.name,
            position: active.position,
            trafficPercent: active.trafficPercent,
            startedAt: active.actualStartAt?.toISOString() ?? null,
            autoAdvance: auto.advance
              ? {
                  on: true,
                  ready: true,
                  waitingFor: null,
                  at: null,
                  message: "the gate holds: the next check records the go",
                }
              : {
                  on: active.autoAdvance,
                  ready: false,
                  waitingFor: auto.waiting,
                  at: auto.at?.toISOString() ?? null,
                  message: auto.message,
                },
          }
        : null,
    nextPhase: next ? { name: next.name, trafficPercent: next.trafficPercent } : null,
    gate: gate
      ? {
          holds: gate.verdict.holds,
          unmet: gate.verdict.unmet,
          approvals: { given: gate.approvals.length, required: gate.requiredApprovals },
          criteria: gate.criteria.map((c) => ({ description: c.description, met: c.met, reason: c.reason })),
        }
      : null,
    freeze,
    nextFreeze: frozen.upcoming
      ? {
          name: frozen.upcoming.freeze.name,
          startsAt: frozen.upcoming.startsAt.toISOString(),
          endsAt: frozen.upcoming.endsAt.toISOString(),
          sentence: upcomingFreezeWarning(frozen.upcoming, now),
        }
      : null,
    isGo: Boolean(gate?.verdict.holds && plan.status === "in_progress" && !freeze),
  };
}
