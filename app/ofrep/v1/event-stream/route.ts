// GET /ofrep/v1/event-stream?token=…&key=… – OFREP event stream (ADR 0008): a `refetchEvaluation`
// event each time the token's project's flag configuration changes. Its URL comes from a bulk
// evaluation answer's `eventStreams`.
import { serveOfrepEventStream } from "@/lib/ofrep/next";

export const dynamic = "force-dynamic";

export const GET = serveOfrepEventStream;
