import { destinationProblem } from "@/lib/egress/request";
import { AppError } from "@/lib/errors";

// Outbound destinations (webhook receivers, Prometheus servers) chosen by project members: an
// address the egress guard would refuse is refused when saved, naming the field, so nobody
// learns about it at the first delivery. The guard checks again on every connection.

export async function assertDestinationAllowed(url: string, field: string): Promise<void> {
  const problem = await destinationProblem(url);
  if (problem) throw new AppError("bad_request:validation", `${field}: ${problem}`, { [field]: [problem] });
}
