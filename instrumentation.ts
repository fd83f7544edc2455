// Next.js calls register() once per server process before serving requests.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { stampPeerAddresses } = await import("./lib/http/peer");
    stampPeerAddresses();
    const { startServer } = await import("./lib/startup");
    await startServer();
  }
}
