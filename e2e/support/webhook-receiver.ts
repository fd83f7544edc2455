import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { verifySignature, type WebhookPayload } from "@/lib/domain/webhooks";

// A webhook receiver like a team's chat bridge: it records every delivery, checks its signature
// once the test tells it the secret, and answers 200.

export interface ReceivedDelivery {
  payload: WebhookPayload;
  deliveryId: string | undefined;
  /** Null until the secret is known. */
  verified: boolean | null;
  at: number;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedDelivery[];
  /** The webhook's secret, once it exists: later deliveries are verified with it. */
  setSecret(secret: string): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  let secret: string | null = null;
  const received: ReceivedDelivery[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const header = (name: string) => {
        const value = req.headers[name];
        return Array.isArray(value) ? value[0] : value;
      };
      try {
        received.push({
          payload: JSON.parse(body) as WebhookPayload,
          deliveryId: header("x-phasegate-delivery"),
          verified:
            secret === null
              ? null
              : verifySignature(secret, body, header("x-phasegate-signature"), header("x-phasegate-timestamp")),
          at: Date.now(),
        });
        res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      } catch {
        res.writeHead(400, { "content-type": "text/plain" }).end("not JSON");
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    setSecret: (value) => (secret = value),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
