// Next.js calls register() once per server process before serving requests.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // The drain gate first: the front door, installed after it, wraps it and so logs its 503s.
    const { guardDraining } = await import("./lib/ops/shutdown");
    guardDraining();
    const { guardFrontDoor } = await import("./lib/http/front-door");
    guardFrontDoor();
    const { startServer } = await import("./lib/startup");
    await startServer();
  }
}
