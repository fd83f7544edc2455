// GET /plans/{id}/events – a stream (Server-Sent Events) telling an open plan page that the plan
// changed, so it re-renders without a reload. Fed by PostgreSQL NOTIFY through this process's
// hub; every app instance listens for itself, so the page hears changes made through any of them.
import { liveChangeOf } from "@/lib/domain/live-changes";
import { errorResponse } from "@/lib/api/route";
import { setting } from "@/lib/config";
import { getDb } from "@/db/client";
import { userCan } from "@/lib/auth/actor";
import { currentSession } from "@/lib/auth/session";
import { loadUserActor } from "@/lib/auth/user-actor";
import { AppError } from "@/lib/errors";
import type { HubMessage } from "@/lib/live/hub";
import { processHub } from "@/lib/live/process-hub";
import { processStreams } from "@/lib/live/stream-registry";
import { planProjectId } from "@/lib/queries/plan";
import { isDraining, RETRY_AFTER_SECONDS } from "@/lib/ops/shutdown";

export const dynamic = "force-dynamic";

const HEARTBEAT_MS = 15_000;
/** How often an open stream checks that its person may still read the plan. */
const recheckMs = () => setting("PHASEGATE_LIVE_RECHECK_SECONDS") * 1000;

const EVENT_STREAM_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
};

/**
 * The last words of a stream whose server is shutting down: the browser's EventSource reconnects
 * by itself after `retry` (through the load balancer, to another instance), spread over a second
 * or two so the survivors are not all asked at once. Pages that know the event may say so.
 */
function goodbye(): string {
  const retryMs = RETRY_AFTER_SECONDS * 1000 + Math.floor(Math.random() * 1000);
  return `retry: ${retryMs}\nevent: reconnect\ndata: ${JSON.stringify({ reason: "shutdown", retryMs })}\n\n`;
}

export async function GET(request: Request, { params }: { params: Promise<{ planId: string }> }) {
  // Draining: no new stream, only the hint to reconnect elsewhere (a 503 would make EventSource give up).
  if (isDraining()) return new Response(goodbye(), { headers: EVENT_STREAM_HEADERS });
  try {
    const session = await currentSession();
    if (!session) throw new AppError("unauthorized:auth", "Sign in to follow this plan");
    const { user, epoch } = session;
    const { planId } = await params;
    const { db } = await getDb();
    const projectId = await planProjectId(db, planId);
    if (!projectId || !userCan(user, "plan:read", projectId)) throw new AppError("not_found:entity", "No such plan");

    const encoder = new TextEncoder();
    let cleanup = () => {};
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        const send = (text: string) => {
          try {
            controller.enqueue(encoder.encode(text));
          } catch {
            cleanup(); // the reader is gone
          }
        };
        const onMessage = (message: HubMessage) => {
          if (message.kind === "resync") send("event: resync\ndata: {}\n\n");
          else send(`event: change\ndata: ${JSON.stringify(liveChangeOf(message.event))}\n\n`);
        };
        const registry = processStreams();
        const release = registry.admit(user.userId, (reason) => {
          send(reason === "shutdown" ? goodbye() : 'event: closed\ndata: {"reason":"newer-page"}\n\n');
          cleanup();
        });
        if (!release && registry.closing) {
          send(goodbye());
          controller.close();
          return;
        }
        if (!release) {
          // The process follows as many pages as it may: the browser tries again later.
          send("retry: 60000\nevent: busy\ndata: {}\n\n");
          controller.close();
          return;
        }
        let unsubscribe: () => void;
        try {
          unsubscribe = await processHub().subscribe(planId, onMessage);
        } catch (error) {
          release();
          throw error;
        }
        const heartbeat = setInterval(() => send(": keep-alive\n\n"), HEARTBEAT_MS);
        // Membership can change while a page stays open: it is checked again every minute, and
        // a person who may no longer read the plan (or whose sessions were ended) stops hearing.
        const recheck = setInterval(() => {
          void loadUserActor(db, user.userId, epoch)
            .then((fresh) => {
              if (!fresh || !userCan(fresh, "plan:read", projectId)) {
                send('event: closed\ndata: {"reason":"access"}\n\n');
                cleanup();
              }
            })
            .catch(() => {});
        }, recheckMs());
        let closed = false;
        cleanup = () => {
          if (closed) return;
          closed = true;
          clearInterval(heartbeat);
          clearInterval(recheck);
          release();
          unsubscribe();
          try {
            controller.close();
          } catch {
            // already closed
          }
        };
        request.signal.addEventListener("abort", cleanup);
        send("retry: 3000\nevent: ready\ndata: {}\n\n");
      },
      cancel() {
        cleanup();
      },
    });
    return new Response(stream, { headers: EVENT_STREAM_HEADERS });
  } catch (error) {
    return errorResponse(error, { bearer: false, failure: "plan event stream failed" });
  }
}
