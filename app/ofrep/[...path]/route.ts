// Any /ofrep path that is not an evaluation endpoint: OFREP's JSON error, never an HTML page.
export const dynamic = "force-dynamic";

function notFound(): Response {
  return Response.json(
    { errorDetails: "Not an OFREP endpoint: POST /ofrep/v1/evaluate/flags or /ofrep/v1/evaluate/flags/{key}" },
    { status: 404, headers: { "cache-control": "no-store" } },
  );
}

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
