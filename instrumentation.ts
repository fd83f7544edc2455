// Next.js calls register() once per server process before serving requests.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { guardFrontDoor } = await import("./lib/http/front-door");
    guardFrontDoor();
    const { startServer } = await import("./lib/startup");
    await startServer();
  }
}
